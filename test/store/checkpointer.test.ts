import { describe, expect, it } from "@effect/vitest"
import { SqlClient } from "@effect/sql"
import { Effect, Layer } from "effect"
import { statSync } from "node:fs"
import { join } from "node:path"
import { BACKSTOP_PAGES } from "../../src/store/checkpointer.js"
import { BackgroundSql, Checkpoints, type CheckpointMode, StoreLive } from "../../src/store/database.js"
import { tempDir } from "../helpers/server.js"

const withStore = <A, E>(
  file: string,
  mode: CheckpointMode,
  body: Effect.Effect<A, E, SqlClient.SqlClient | BackgroundSql | Checkpoints>
) =>
  Effect.scoped(Effect.flatMap(Layer.build(StoreLive(file, { checkpoints: mode })), (ctx) => Effect.provide(body, ctx)))

/** About 2 MiB of pages: under SQLite's own threshold (1,000 pages), so only our checkpointer moves them. */
const writeTwoMegabytes = Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient
  yield* sql`CREATE TABLE payload (id INTEGER PRIMARY KEY, body BLOB NOT NULL)`
  for (let batch = 0; batch < 8; batch++) {
    yield* sql.withTransaction(
      Effect.forEach(
        Array.from({ length: 64 }, (_, i) => i),
        () => sql`INSERT INTO payload (body) VALUES (${new Uint8Array(4096).fill(batch)})`,
        { discard: true }
      )
    )
  }
})

const fileSize = (path: string) => statSync(path).size

/** Polls a condition every 20 ms until it holds or the deadline passes; the condition is the test, not a sleep. */
const eventually = (condition: () => boolean, deadlineMs: number) =>
  Effect.gen(function* () {
    const until = Date.now() + deadlineMs
    while (!condition()) {
      if (Date.now() > until) return false
      yield* Effect.sleep("20 millis")
    }
    return true
  })

describe("WAL checkpoints off the event loop", () => {
  it.scopedLive("the worker copies written pages into the database file without being asked", () =>
    Effect.gen(function* () {
      const file = join(yield* tempDir, "w.db")
      const result = yield* withStore(
        file,
        "worker",
        Effect.gen(function* () {
          const before = fileSize(file)
          yield* writeTwoMegabytes
          // Without a checkpoint the pages live only in the WAL and the database file keeps its size.
          const grew = yield* eventually(() => fileSize(file) >= before + 2 * 1024 * 1024, 10_000)
          return { before, grew }
        })
      )
      expect(result.grew).toBe(true)
    })
  )

  it.scopedLive("inline mode leaves the same writes in the WAL (SQLite's own threshold is not reached)", () =>
    Effect.gen(function* () {
      const file = join(yield* tempDir, "i.db")
      const sizes = yield* withStore(
        file,
        "inline",
        Effect.gen(function* () {
          const before = fileSize(file)
          yield* writeTwoMegabytes
          return { before, after: fileSize(file), wal: fileSize(`${file}-wal`) }
        })
      )
      expect(sizes.after).toBe(sizes.before)
      expect(sizes.wal).toBeGreaterThan(2 * 1024 * 1024)
    })
  )

  it.scopedLive("both connections checkpoint only as a backstop, and an explicit checkpoint drains the WAL", () =>
    Effect.gen(function* () {
      const file = join(yield* tempDir, "b.db")
      const result = yield* withStore(
        file,
        "worker",
        Effect.gen(function* () {
          const sql = yield* SqlClient.SqlClient
          const bg = yield* BackgroundSql
          const [main] = yield* sql<{ wal_autocheckpoint: number }>`PRAGMA wal_autocheckpoint`
          const [background] = yield* bg<{ wal_autocheckpoint: number }>`PRAGMA wal_autocheckpoint`
          yield* writeTwoMegabytes
          const checkpoint = yield* (yield* Checkpoints).checkpoint
          return { main: main?.wal_autocheckpoint, background: background?.wal_autocheckpoint, checkpoint }
        })
      )
      expect(result.main).toBe(BACKSTOP_PAGES)
      expect(result.background).toBe(BACKSTOP_PAGES)
      expect(result.checkpoint.busy).toBe(0)
      expect(result.checkpoint.log).toBeGreaterThan(500)
      expect(result.checkpoint.checkpointed).toBe(result.checkpoint.log)
    })
  )
})

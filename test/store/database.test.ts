import { describe, expect, it } from "@effect/vitest"
import { SqlClient } from "@effect/sql"
import { Effect, Fiber, Layer } from "effect"
import { writeFileSync } from "node:fs"
import { join } from "node:path"
import { monitorEventLoopDelay } from "node:perf_hooks"
import { BackgroundSql, DatabaseOpenError, isBusy, retryBusy, StoreLive } from "../../src/store/database.js"
import { tempDir } from "../helpers/server.js"

const coreTables = [
  "organization",
  "user",
  "project",
  "branch",
  "head",
  "version",
  "head_version",
  "testbed",
  "measure",
  "benchmark",
  "report",
  "report_benchmark",
  "metric",
  "threshold",
  "model",
  "boundary",
  "alert",
  "spec",
  "runner",
  "runner_spec",
  "job"
]

const withStore = <A, E>(file: string, body: Effect.Effect<A, E, SqlClient.SqlClient | BackgroundSql>) =>
  Effect.scoped(Effect.flatMap(Layer.build(StoreLive(file)), (ctx) => Effect.provide(body, ctx)))

describe("Store", () => {
  it.scopedLive("creates the core tables of Bencher's schema in WAL mode", () =>
    Effect.gen(function* () {
      const file = join(yield* tempDir, "a.db")
      const { tables, mode } = yield* withStore(
        file,
        Effect.gen(function* () {
          const sql = yield* SqlClient.SqlClient
          const rows = yield* sql<{ name: string }>`SELECT name FROM sqlite_master WHERE type = 'table'`
          const [journal] = yield* sql<{ journal_mode: string }>`PRAGMA journal_mode`
          return { tables: rows.map((r) => r.name), mode: journal?.journal_mode }
        })
      )
      expect(tables).toEqual(expect.arrayContaining(coreTables))
      expect(mode).toBe("wal")
    })
  )

  it.scopedLive("sets busy_timeout to 0 on both connections", () =>
    Effect.gen(function* () {
      const file = join(yield* tempDir, "a.db")
      const timeouts = yield* withStore(
        file,
        Effect.gen(function* () {
          const sql = yield* SqlClient.SqlClient
          const bg = yield* BackgroundSql
          const [main] = yield* sql<{ timeout: number }>`PRAGMA busy_timeout`
          const [back] = yield* bg<{ timeout: number }>`PRAGMA busy_timeout`
          return [main?.timeout, back?.timeout]
        })
      )
      expect(timeouts).toEqual([0, 0])
    })
  )

  it.scopedLive("starts twice on one file without losing data (migrations are idempotent)", () =>
    Effect.gen(function* () {
      const file = join(yield* tempDir, "a.db")
      const insert = Effect.flatMap(
        SqlClient.SqlClient,
        (sql) => sql`INSERT INTO server (uuid, created) VALUES (${crypto.randomUUID()}, ${Date.now()})`
      )
      yield* withStore(file, insert)
      const count = yield* withStore(
        file,
        Effect.gen(function* () {
          yield* insert
          const sql = yield* SqlClient.SqlClient
          const [row] = yield* sql<{ n: number }>`SELECT count(*) AS n FROM server`
          const migrations = yield* sql<{ n: number }>`SELECT count(*) AS n FROM effect_sql_migrations`
          return { servers: row?.n, migrations: migrations[0]?.n }
        })
      )
      expect(count.servers).toBe(2)
      expect(count.migrations).toBeGreaterThanOrEqual(1)
    })
  )

  it.scopedLive("refuses a file that is not SQLite with an error naming the path", () =>
    Effect.gen(function* () {
      const file = join(yield* tempDir, "garbage.db")
      writeFileSync(file, "this is not a database, it is a text file of some length ".repeat(20))
      const error = yield* withStore(file, Effect.void).pipe(Effect.flip)
      expect(error).toBeInstanceOf(DatabaseOpenError)
      expect((error as DatabaseOpenError).message).toContain(file)
    })
  )

  it.scopedLive(
    "background writes never stall the main connection",
    () =>
      Effect.gen(function* () {
        const file = join(yield* tempDir, "a.db")
        yield* withStore(
          file,
          Effect.gen(function* () {
            const sql = yield* SqlClient.SqlClient
            const bg = yield* BackgroundSql
            yield* sql`CREATE TABLE main_rows (n INTEGER)`
            yield* sql`CREATE TABLE bg_rows (n INTEGER)`

            const histogram = monitorEventLoopDelay({ resolution: 5 })
            histogram.enable()
            // The main write transaction holds the write lock across an async step.
            const mainTx = yield* sql
              .withTransaction(
                Effect.gen(function* () {
                  yield* sql`INSERT INTO main_rows VALUES (1)`
                  yield* Effect.sleep("300 millis")
                  yield* sql`INSERT INTO main_rows VALUES (2)`
                })
              )
              .pipe(Effect.fork)
            yield* Effect.sleep("20 millis")
            let busySeen = 0
            const backgroundWrites = Effect.forEach(
              Array.from({ length: 1000 }, (_, i) => i),
              (i) =>
                retryBusy(
                  bg`INSERT INTO bg_rows VALUES (${i})`.pipe(
                    Effect.tapError((e) =>
                      Effect.sync(() => {
                        if (isBusy(e)) busySeen++
                      })
                    )
                  )
                ),
              { discard: true }
            )
            const started = Date.now()
            yield* backgroundWrites
            const elapsed = Date.now() - started
            yield* Fiber.join(mainTx)
            histogram.disable()

            const [bgCount] = yield* sql<{ n: number }>`SELECT count(*) AS n FROM bg_rows`
            const [mainCount] = yield* sql<{ n: number }>`SELECT count(*) AS n FROM main_rows`
            expect(bgCount?.n).toBe(1000)
            expect(mainCount?.n).toBe(2)
            // The lock was really contended, so the retries (not luck) carried the writes through.
            expect(busySeen).toBeGreaterThan(0)
            expect(elapsed).toBeLessThan(5000)
            expect(histogram.percentile(99) / 1e6).toBeLessThan(50)
          })
        )
      }),
    20_000
  )
})

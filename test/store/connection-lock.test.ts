import { describe, expect, it } from "@effect/vitest"
import { SqlClient } from "@effect/sql"
import { Deferred, Effect, Fiber, Layer } from "effect"
import { join } from "node:path"
import { BackgroundSql, StoreLive } from "../../src/store/database.js"
import { tempDir } from "../helpers/server.js"

const withStore = <A, E>(file: string, body: Effect.Effect<A, E, SqlClient.SqlClient | BackgroundSql>) =>
  Effect.scoped(Effect.flatMap(Layer.build(StoreLive(file)), (ctx) => Effect.provide(body, ctx)))

/** The main connection is one SQLite handle: a statement from another fiber must never run inside a transaction. */
describe("main connection lock", () => {
  it.scopedLive("holds a statement outside a transaction until another fiber's transaction ends", () =>
    Effect.gen(function*() {
      const file = join(yield* tempDir, "a.db")
      const rows = yield* withStore(file, Effect.gen(function*() {
        const sql = yield* SqlClient.SqlClient
        yield* sql`CREATE TABLE t (n INTEGER)`
        const inside = yield* Deferred.make<void>()
        const release = yield* Deferred.make<void>()
        // The transaction writes, then waits across an async step, then fails: all of its writes roll back.
        const tx = yield* sql.withTransaction(Effect.gen(function*() {
          yield* sql`INSERT INTO t VALUES (1)`
          yield* Deferred.succeed(inside, undefined)
          yield* Deferred.await(release)
          return yield* Effect.fail("rolled back" as const)
        })).pipe(Effect.exit, Effect.fork)
        yield* Deferred.await(inside)
        // Had this run on the handle at once, it would have joined the transaction and rolled back with it.
        const outside = yield* sql`INSERT INTO t VALUES (2)`.pipe(Effect.fork)
        yield* Effect.yieldNow()
        yield* Deferred.succeed(release, undefined)
        yield* Fiber.join(tx)
        yield* Fiber.join(outside)
        return yield* sql<{ n: number }>`SELECT n FROM t ORDER BY n`
      }))
      expect(rows.map((r) => r.n)).toEqual([2])
    }))

  it.scopedLive("lets the other waiters through when a waiting fiber is interrupted", () =>
    Effect.gen(function*() {
      const file = join(yield* tempDir, "a.db")
      const rows = yield* withStore(file, Effect.gen(function*() {
        const sql = yield* SqlClient.SqlClient
        yield* sql`CREATE TABLE t (n INTEGER)`
        const inside = yield* Deferred.make<void>()
        const release = yield* Deferred.make<void>()
        const tx = yield* sql.withTransaction(Effect.gen(function*() {
          yield* sql`INSERT INTO t VALUES (1)`
          yield* Deferred.succeed(inside, undefined)
          yield* Deferred.await(release)
        })).pipe(Effect.fork)
        yield* Deferred.await(inside)
        const interrupted = yield* sql`INSERT INTO t VALUES (2)`.pipe(Effect.fork)
        const waiting = yield* sql.withTransaction(sql`INSERT INTO t VALUES (3)`).pipe(Effect.fork)
        yield* Effect.yieldNow()
        yield* Fiber.interrupt(interrupted)
        yield* Deferred.succeed(release, undefined)
        yield* Fiber.join(tx)
        yield* Fiber.join(waiting)
        return yield* sql<{ n: number }>`SELECT n FROM t ORDER BY n`
      }))
      expect(rows.map((r) => r.n)).toEqual([1, 3])
    }))

  it.scopedLive("runs transactions of many fibers one after another, each whole", () =>
    Effect.gen(function*() {
      const file = join(yield* tempDir, "a.db")
      const rows = yield* withStore(file, Effect.gen(function*() {
        const sql = yield* SqlClient.SqlClient
        yield* sql`CREATE TABLE t (fiber INTEGER, step INTEGER)`
        yield* Effect.forEach(
          Array.from({ length: 20 }, (_, i) => i),
          (i) =>
            sql.withTransaction(Effect.gen(function*() {
              yield* sql`INSERT INTO t VALUES (${i}, 0)`
              yield* Effect.yieldNow()
              yield* sql`INSERT INTO t VALUES (${i}, 1)`
            })),
          { concurrency: "unbounded", discard: true }
        )
        return yield* sql<{ fiber: number; step: number }>`SELECT fiber, step FROM t ORDER BY rowid`
      }))
      // Rows of one transaction are adjacent: no other fiber's statement ran between them.
      expect(rows).toHaveLength(40)
      for (let i = 0; i < rows.length; i += 2) {
        expect(rows[i]?.fiber).toBe(rows[i + 1]?.fiber)
        expect([rows[i]?.step, rows[i + 1]?.step]).toEqual([0, 1])
      }
    }))
})

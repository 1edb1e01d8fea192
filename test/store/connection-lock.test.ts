import { describe, expect, it as itEffect } from "@effect/vitest"
import { SqlClient } from "@effect/sql"
import { SqlError } from "@effect/sql/SqlError"
import { Deferred, Effect, Fiber, FiberRef, Layer } from "effect"
import { join } from "node:path"
import { BackgroundSql, StoreLive } from "../../src/store/database.js"
import { tempDir } from "../helpers/server.js"

const withStore = <A, E>(file: string, body: Effect.Effect<A, E, SqlClient.SqlClient | BackgroundSql>) =>
  Effect.scoped(Effect.flatMap(Layer.build(StoreLive(file)), (ctx) => Effect.provide(body, ctx)))

/**
 * Creates table t and forks a transaction that inserts 1, then holds the connection until `release` is completed,
 * then ends with `end` (a failure rolls it back). Returns once the insert is done.
 */
const holdTransaction = <E>(end: Effect.Effect<void, E>) =>
  Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    yield* sql`CREATE TABLE t (n INTEGER)`
    const inside = yield* Deferred.make<void>()
    const release = yield* Deferred.make<void>()
    const tx = yield* sql
      .withTransaction(
        Effect.gen(function* () {
          yield* sql`INSERT INTO t VALUES (1)`
          yield* Deferred.succeed(inside, undefined)
          yield* Deferred.await(release)
          yield* end
        })
      )
      .pipe(Effect.fork)
    yield* Deferred.await(inside)
    return { release, tx }
  })

/**
 * The main connection is one SQLite handle: a statement from another fiber must never run inside a transaction.
 * Statements take the library's traced path while a tracer listens and run straight on the connection when none
 * does; every case runs both ways.
 */
describe.each([
  { tracing: "traced", enabled: true },
  { tracing: "untraced", enabled: false }
])("main connection lock ($tracing statements)", ({ enabled }) => {
  const it = {
    scopedLive: <A, E>(name: string, body: () => Effect.Effect<A, E, import("effect").Scope.Scope>) =>
      itEffect.scopedLive(name, () => Effect.locally(body(), FiberRef.currentTracerEnabled, enabled))
  }

  it.scopedLive("holds a statement outside a transaction until another fiber's transaction ends", () =>
    Effect.gen(function* () {
      const file = join(yield* tempDir, "a.db")
      const rows = yield* withStore(
        file,
        Effect.gen(function* () {
          const sql = yield* SqlClient.SqlClient
          // The transaction writes, then waits across an async step, then fails: all of its writes roll back.
          const { release, tx } = yield* holdTransaction(Effect.fail("rolled back" as const))
          // Had this run on the handle at once, it would have joined the transaction and rolled back with it.
          const outside = yield* sql`INSERT INTO t VALUES (2)`.pipe(Effect.fork)
          yield* Effect.yieldNow()
          yield* Deferred.succeed(release, undefined)
          yield* Fiber.await(tx)
          yield* Fiber.join(outside)
          return yield* sql<{ n: number }>`SELECT n FROM t ORDER BY n`
        })
      )
      expect(rows.map((r) => r.n)).toEqual([2])
    })
  )

  it.scopedLive("lets the other waiters through when a waiting fiber is interrupted", () =>
    Effect.gen(function* () {
      const file = join(yield* tempDir, "a.db")
      const rows = yield* withStore(
        file,
        Effect.gen(function* () {
          const sql = yield* SqlClient.SqlClient
          const { release, tx } = yield* holdTransaction(Effect.void)
          const interrupted = yield* sql`INSERT INTO t VALUES (2)`.pipe(Effect.fork)
          const waiting = yield* sql.withTransaction(sql`INSERT INTO t VALUES (3)`).pipe(Effect.fork)
          yield* Effect.yieldNow()
          yield* Fiber.interrupt(interrupted)
          yield* Deferred.succeed(release, undefined)
          yield* Fiber.join(tx)
          yield* Fiber.join(waiting)
          return yield* sql<{ n: number }>`SELECT n FROM t ORDER BY n`
        })
      )
      expect(rows.map((r) => r.n)).toEqual([1, 3])
    })
  )

  it.scopedLive("runs transactions of many fibers one after another, each whole", () =>
    Effect.gen(function* () {
      const file = join(yield* tempDir, "a.db")
      const rows = yield* withStore(
        file,
        Effect.gen(function* () {
          const sql = yield* SqlClient.SqlClient
          yield* sql`CREATE TABLE t (fiber INTEGER, step INTEGER)`
          yield* Effect.forEach(
            Array.from({ length: 20 }, (_, i) => i),
            (i) =>
              sql.withTransaction(
                Effect.gen(function* () {
                  yield* sql`INSERT INTO t VALUES (${i}, 0)`
                  yield* Effect.yieldNow()
                  yield* sql`INSERT INTO t VALUES (${i}, 1)`
                })
              ),
            { concurrency: "unbounded", discard: true }
          )
          return yield* sql<{ fiber: number; step: number }>`SELECT fiber, step FROM t ORDER BY rowid`
        })
      )
      // Rows of one transaction are adjacent: no other fiber's statement ran between them.
      expect(rows).toHaveLength(40)
      for (let i = 0; i < rows.length; i += 2) {
        expect(rows[i]?.fiber).toBe(rows[i + 1]?.fiber)
        expect([rows[i]?.step, rows[i + 1]?.step]).toEqual([0, 1])
      }
    })
  )

  it.scopedLive("returns rows, fails with SqlError and rolls back inside a transaction like the library", () =>
    Effect.gen(function* () {
      const file = join(yield* tempDir, "a.db")
      const result = yield* withStore(
        file,
        Effect.gen(function* () {
          const sql = yield* SqlClient.SqlClient
          yield* sql`CREATE TABLE t (n INTEGER PRIMARY KEY, label TEXT)`
          yield* sql`INSERT INTO t ${sql.insert([
            { n: 1, label: "one" },
            { n: 2, label: "two" }
          ])}`
          const rows = yield* sql<{
            n: number
            label: string
          }>`SELECT n, label FROM t WHERE n IN ${sql.in([1, 2])} ORDER BY n`
          const unsafe = yield* sql.unsafe<{ n: number }>("SELECT n FROM t WHERE n = ?", [2])
          const duplicate = yield* sql`INSERT INTO t (n, label) VALUES (1, 'again')`.pipe(Effect.flip)
          const rolledBack = yield* sql
            .withTransaction(
              Effect.gen(function* () {
                yield* sql`INSERT INTO t (n, label) VALUES (3, 'three')`
                return yield* Effect.fail("undo" as const)
              })
            )
            .pipe(Effect.flip)
          // A nested transaction is a savepoint: its failure undoes its own writes only.
          const nested = yield* sql.withTransaction(
            Effect.gen(function* () {
              yield* sql`INSERT INTO t (n, label) VALUES (10, 'outer')`
              const inner = yield* sql
                .withTransaction(
                  Effect.gen(function* () {
                    yield* sql`INSERT INTO t (n, label) VALUES (11, 'inner')`
                    return yield* Effect.fail("inner undo" as const)
                  })
                )
                .pipe(Effect.flip)
              yield* sql.withTransaction(sql`INSERT INTO t (n, label) VALUES (12, 'inner kept')`)
              return inner
            })
          )
          const labels = yield* sql<{ label: string }>`SELECT label FROM t WHERE n >= 10 ORDER BY n`
          yield* sql`DELETE FROM t WHERE n >= 10`
          // An interrupted transaction rolls back and frees the connection for the next one.
          const started = yield* Deferred.make<void>()
          const hanging = yield* sql
            .withTransaction(
              Effect.gen(function* () {
                yield* sql`INSERT INTO t (n, label) VALUES (20, 'interrupted')`
                yield* Deferred.succeed(started, undefined)
                return yield* Effect.never
              })
            )
            .pipe(Effect.fork)
          yield* Deferred.await(started)
          yield* Fiber.interrupt(hanging)
          yield* sql.withTransaction(sql`INSERT INTO t (n, label) VALUES (21, 'after')`)
          const afterInterrupt = yield* sql<{ label: string }>`SELECT label FROM t WHERE n >= 20 ORDER BY n`
          yield* sql`DELETE FROM t WHERE n >= 20`
          const [count] = yield* sql<{ n: number }>`SELECT count(*) AS n FROM t`
          return {
            rows,
            unsafe,
            duplicate,
            rolledBack,
            nested,
            labels: labels.map((r) => r.label),
            afterInterrupt: afterInterrupt.map((r) => r.label),
            count: count?.n
          }
        })
      )
      expect(result.rows).toEqual([
        { n: 1, label: "one" },
        { n: 2, label: "two" }
      ])
      expect(result.unsafe).toEqual([{ n: 2 }])
      expect(result.duplicate).toBeInstanceOf(SqlError)
      expect(result.rolledBack).toBe("undo")
      expect(result.nested).toBe("inner undo")
      expect(result.labels).toEqual(["outer", "inner kept"])
      expect(result.afterInterrupt).toEqual(["after"])
      expect(result.count).toBe(2)
    })
  )
})

import { describe, expect, it } from "@effect/vitest"
import { SqlClient } from "@effect/sql"
import { Cause, Effect, Exit, Layer } from "effect"
import { join } from "node:path"
import { BackgroundSql, StoreLive } from "../../src/store/database.js"
import { DirectSqlite } from "../../src/store/sqlite-client.js"
import { tempDir } from "../helpers/server.js"

const withStore = <A, E>(file: string, body: Effect.Effect<A, E, SqlClient.SqlClient | BackgroundSql | DirectSqlite>) =>
  Effect.scoped(Effect.flatMap(Layer.build(StoreLive(file)), (ctx) => Effect.provide(body, ctx)))

const insertServers = (count: number) =>
  Effect.flatMap(DirectSqlite, (direct) =>
    direct.inTransaction("server rows", (prepare) => {
      const insert = prepare("INSERT INTO server (uuid, created) VALUES (?, ?)")
      const ids: Array<number> = []
      for (let i = 0; i < count; i++) ids.push(Number(insert.run(crypto.randomUUID(), i).lastInsertRowid))
      return ids
    })
  )

const serverCount = Effect.flatMap(SqlClient.SqlClient, (sql) =>
  Effect.map(sql<{ n: number }>`SELECT count(*) AS n FROM server`, (rows) => rows[0]?.n ?? -1)
)

describe("DirectSqlite", () => {
  it.scopedLive("writes through the main connection's transaction and commits with it", () =>
    Effect.gen(function* () {
      const file = join(yield* tempDir, "a.db")
      const result = yield* withStore(
        file,
        Effect.gen(function* () {
          const sql = yield* SqlClient.SqlClient
          const ids = yield* sql.withTransaction(
            Effect.gen(function* () {
              yield* sql`INSERT INTO server (uuid, created) VALUES (${crypto.randomUUID()}, 0)`
              return yield* insertServers(3)
            })
          )
          // Seen by the other connection once committed.
          const bg = yield* BackgroundSql
          const [row] = yield* bg<{ n: number }>`SELECT count(*) AS n FROM server`
          return { ids, count: row?.n }
        })
      )
      expect(result.count).toBe(4)
      expect(result.ids).toEqual([2, 3, 4])
    })
  )

  it.scopedLive("loses its rows with the transaction when a later step fails", () =>
    Effect.gen(function* () {
      const file = join(yield* tempDir, "a.db")
      const count = yield* withStore(
        file,
        Effect.gen(function* () {
          const sql = yield* SqlClient.SqlClient
          const exit = yield* Effect.exit(
            sql.withTransaction(Effect.zipRight(insertServers(5), Effect.fail("later step" as const)))
          )
          expect(exit).toEqual(Exit.fail("later step"))
          return yield* serverCount
        })
      )
      expect(count).toBe(0)
    })
  )

  it.scopedLive("fails with a SqlError when a statement is refused, and the transaction stores nothing", () =>
    Effect.gen(function* () {
      const file = join(yield* tempDir, "a.db")
      const count = yield* withStore(
        file,
        Effect.gen(function* () {
          const sql = yield* SqlClient.SqlClient
          const direct = yield* DirectSqlite
          const error = yield* Effect.flip(
            sql.withTransaction(
              Effect.zipRight(
                insertServers(2),
                direct.inTransaction("duplicate uuid", (prepare) => {
                  const insert = prepare("INSERT INTO server (uuid, created) VALUES (?, ?)")
                  insert.run("same", 0)
                  insert.run("same", 0)
                })
              )
            )
          )
          expect(error._tag).toBe("SqlError")
          expect(error.message).toContain("duplicate uuid")
          return yield* serverCount
        })
      )
      expect(count).toBe(0)
    })
  )

  it.scopedLive("refuses to run outside a transaction of the main connection, writing nothing", () =>
    Effect.gen(function* () {
      const file = join(yield* tempDir, "a.db")
      const outcome = yield* withStore(
        file,
        Effect.gen(function* () {
          const bg = yield* BackgroundSql
          const alone = yield* Effect.exit(insertServers(1))
          // Pitfall 7: inside the background connection's transaction the handle is someone else's.
          const underBackground = yield* Effect.exit(bg.withTransaction(insertServers(1)))
          return { alone, underBackground, count: yield* serverCount }
        })
      )
      for (const exit of [outcome.alone, outcome.underBackground]) {
        expect(Exit.isFailure(exit) && Cause.isDie(exit.cause)).toBe(true)
      }
      expect(outcome.count).toBe(0)
    })
  )
})

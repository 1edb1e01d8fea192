import { SqlClient } from "@effect/sql"
import { Effect } from "effect"
import { Unauthorized } from "../domain/errors.js"
import { isUuid } from "../domain/ids.js"
import { hashesEqual, hashKey, keyKind } from "./keys.js"

const invalid = () => new Unauthorized({ message: "Invalid credentials" })

/**
 * The runner channel's check (docs/reference.md §5.4): `Bearer bencher_runner_...` must hash to the key of
 * the non-archived runner named in the path (UUID or slug). Create and rotate runner keys with
 * `generateKey("runner")` and store `hashKey(key)` in `runner.key_hash`.
 */
export const authenticateRunner = (
  authorization: string | undefined,
  runner: string
): Effect.Effect<{ readonly id: number; readonly uuid: string }, Unauthorized, SqlClient.SqlClient> =>
  Effect.gen(function*() {
    const credential = /^Bearer +(\S+) *$/i.exec(authorization ?? "")?.[1]
    if (credential === undefined || keyKind(credential) !== "runner") return yield* invalid()
    const sql = yield* SqlClient.SqlClient
    const rows = yield* (isUuid(runner)
      ? sql<{ id: number; uuid: string; key_hash: string }>`SELECT id, uuid, key_hash FROM runner
          WHERE uuid = ${runner.toLowerCase()} AND archived IS NULL`
      : sql<{ id: number; uuid: string; key_hash: string }>`SELECT id, uuid, key_hash FROM runner
          WHERE slug = ${runner} AND archived IS NULL`).pipe(Effect.orDie)
    const row = rows[0]
    if (row === undefined || !hashesEqual(row.key_hash, hashKey(credential))) return yield* invalid()
    return { id: row.id, uuid: row.uuid }
  })

import { SqlClient } from "@effect/sql"
import { Clock, Effect, Option, Redacted } from "effect"
import { retryBusy } from "../store/database.js"
import { generateKey, hashesEqual, hashKey, keyKind, type KeyKind } from "../domain/keys.js"

/** A stored API key: never the plaintext, only metadata (the hash stays in the database). */
export interface StoredKey {
  readonly id: number
  readonly uuid: string
  readonly ownerId: number
  readonly creatorId: number | null
  readonly name: string
  readonly created: number
  readonly expiration: number | null
  readonly revoked: number | null
}

/** The result of creating or rotating a key: the plaintext exists only here, once, and is Redacted in logs. */
export interface CreatedKey {
  readonly key: StoredKey
  readonly plaintext: Redacted.Redacted<string>
}

interface KeyRow {
  readonly id: number
  readonly uuid: string
  readonly owner_id: number
  readonly creator_id: number | null
  readonly name: string
  readonly key_hash: string
  readonly created: number
  readonly expiration: number | null
  readonly revoked: number | null
}

const toStored = (row: KeyRow): StoredKey => ({
  id: row.id,
  uuid: row.uuid,
  ownerId: row.owner_id,
  creatorId: row.creator_id,
  name: row.name,
  created: row.created,
  expiration: row.expiration,
  revoked: row.revoked
})

export const isActive = (key: StoredKey, now: number): boolean =>
  key.revoked === null && (key.expiration === null || key.expiration > now)

/**
 * One table of hashed keys owned by a user (user_key) or a project (project_key). SQL failures are defects:
 * the callers have nothing to act on.
 */
export const makeKeyStore = (config: {
  readonly table: "user_key" | "project_key"
  readonly owner: "user_id" | "project_id"
  readonly kind: KeyKind
}) =>
  Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    const table = sql(config.table)
    const owner = sql(config.owner)
    const creator = config.table === "project_key" ? sql`creator_id` : sql`NULL`
    const columns = sql`id, uuid, ${owner} AS owner_id, ${creator} AS creator_id, name, key_hash, created, expiration, revoked`

    const insert = (ownerId: number, name: string, expiration: number | null, creatorId: number | null) =>
      Effect.gen(function* () {
        const now = yield* Clock.currentTimeMillis
        const plaintext = generateKey(config.kind)
        const values: Record<string, string | number | null> = {
          uuid: crypto.randomUUID(),
          [config.owner]: ownerId,
          name,
          key_hash: hashKey(plaintext),
          created: now,
          expiration
        }
        if (config.table === "project_key") values["creator_id"] = creatorId
        const rows = yield* sql<KeyRow>`INSERT INTO ${table} ${sql.insert(values)} RETURNING ${columns}`
        const row = rows[0]
        if (row === undefined) return yield* Effect.dieMessage("INSERT RETURNING gave no row")
        return { key: toStored(row), plaintext: Redacted.make(plaintext) } satisfies CreatedKey
      })

    const create = (input: {
      readonly ownerId: number
      readonly name: string
      readonly ttlSeconds?: number | undefined
      readonly creatorId?: number | null | undefined
    }): Effect.Effect<CreatedKey> =>
      Effect.gen(function* () {
        const now = yield* Clock.currentTimeMillis
        const expiration = input.ttlSeconds === undefined ? null : now + input.ttlSeconds * 1000
        return yield* insert(input.ownerId, input.name, expiration, input.creatorId ?? null)
      }).pipe(retryBusy, Effect.orDie)

    const list = (ownerId: number): Effect.Effect<ReadonlyArray<StoredKey>> =>
      sql<KeyRow>`SELECT ${columns} FROM ${table} WHERE ${owner} = ${ownerId} ORDER BY created, id`.pipe(
        Effect.map((rows) => rows.map(toStored)),
        Effect.orDie
      )

    const get = (ownerId: number, uuid: string): Effect.Effect<Option.Option<StoredKey>> =>
      sql<KeyRow>`SELECT ${columns} FROM ${table} WHERE ${owner} = ${ownerId} AND uuid = ${uuid}`.pipe(
        Effect.map((rows) => Option.map(Option.fromNullable(rows[0]), toStored)),
        Effect.orDie
      )

    const rename = (ownerId: number, uuid: string, name: string): Effect.Effect<Option.Option<StoredKey>> =>
      sql<KeyRow>`UPDATE ${table} SET name = ${name} WHERE ${owner} = ${ownerId} AND uuid = ${uuid} RETURNING ${columns}`.pipe(
        Effect.map((rows) => Option.map(Option.fromNullable(rows[0]), toStored)),
        retryBusy,
        Effect.orDie
      )

    /** Revoking takes effect on the next request: authentication reads the row every time. */
    const revoke = (ownerId: number, uuid: string): Effect.Effect<Option.Option<StoredKey>> =>
      Effect.gen(function* () {
        const now = yield* Clock.currentTimeMillis
        yield* sql`UPDATE ${table} SET revoked = ${now} WHERE ${owner} = ${ownerId} AND uuid = ${uuid} AND revoked IS NULL`
        return yield* get(ownerId, uuid)
      }).pipe(retryBusy, Effect.orDie)

    /** Revokes the key and issues a new one with the same name and expiry, in one transaction. */
    const rotate = (
      ownerId: number,
      uuid: string,
      creatorId?: number | null
    ): Effect.Effect<Option.Option<CreatedKey>> =>
      Effect.gen(function* () {
        const now = yield* Clock.currentTimeMillis
        const revoked = yield* sql<KeyRow>`UPDATE ${table} SET revoked = ${now}
          WHERE ${owner} = ${ownerId} AND uuid = ${uuid} AND revoked IS NULL RETURNING ${columns}`
        const old = revoked[0]
        if (old === undefined) return Option.none()
        return Option.some(yield* insert(ownerId, old.name, old.expiration, creatorId ?? old.creator_id))
      }).pipe(sql.withTransaction, retryBusy, Effect.orDie)

    /**
     * The active key for a plaintext, if any. The lookup is by SHA-256, so timing says nothing about the key;
     * the final comparison is constant-time anyway.
     */
    const authenticate = (plaintext: string): Effect.Effect<Option.Option<StoredKey>> =>
      Effect.gen(function* () {
        if (keyKind(plaintext) !== config.kind) return Option.none()
        const hash = hashKey(plaintext)
        const rows = yield* sql<KeyRow>`SELECT ${columns} FROM ${table} WHERE key_hash = ${hash}`
        const row = rows[0]
        const now = yield* Clock.currentTimeMillis
        if (row === undefined || !hashesEqual(row.key_hash, hash)) return Option.none()
        const key = toStored(row)
        return isActive(key, now) ? Option.some(key) : Option.none()
      }).pipe(Effect.orDie)

    return { create, list, get, rename, revoke, rotate, authenticate } as const
  })

import { SqlClient } from "@effect/sql"
import { Clock, Context, Effect, Layer, Option } from "effect"
import { Conflict, PersistenceError } from "../domain/errors.js"
import { isUuid } from "../domain/ids.js"
import { retryBusy } from "../store/database.js"
import { present } from "./present.js"
import { uniqueSlug } from "../store/slugs.js"

export interface User {
  readonly id: number
  readonly uuid: string
  readonly name: string
  readonly slug: string
  readonly email: string
  readonly admin: boolean
  readonly locked: boolean
  readonly created: number
  readonly modified: number
}

interface UserRow extends Omit<User, "admin" | "locked"> {
  readonly admin: number
  readonly locked: number
}

const toUser = (row: UserRow): User => ({ ...row, admin: row.admin !== 0, locked: row.locked !== 0 })

export interface NewUser {
  readonly name: string
  readonly email: string
  readonly slug?: string | undefined
  readonly admin?: boolean | undefined
}

export interface UserPatch {
  readonly name?: string | undefined
  readonly slug?: string | undefined
  readonly email?: string | undefined
  readonly admin?: boolean | undefined
  readonly locked?: boolean | undefined
}

const make = Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient
  const columns = sql`id, uuid, name, slug, email, admin, locked, created, modified`

  const one = (rows: ReadonlyArray<UserRow>) => Option.map(Option.fromNullable(rows[0]), toUser)
  const slugTaken = (slug: string) =>
    sql<{ n: number }>`SELECT count(*) AS n FROM user WHERE slug = ${slug}`.pipe(Effect.map((r) => (r[0]?.n ?? 0) > 0))
  const emailTaken = (email: string, except = -1) =>
    sql<{ n: number }>`SELECT count(*) AS n FROM user WHERE email = ${email} AND id != ${except}`.pipe(
      Effect.map((r) => (r[0]?.n ?? 0) > 0)
    )

  const create = (input: NewUser): Effect.Effect<User, Conflict> =>
    Effect.gen(function* () {
      if (yield* emailTaken(input.email)) {
        return yield* new Conflict({ message: "A user with that email already exists" })
      }
      const now = yield* Clock.currentTimeMillis
      const slug = yield* uniqueSlug(input.slug ?? input.name, slugTaken)
      const rows = yield* sql<UserRow>`INSERT INTO user ${sql.insert({
        uuid: crypto.randomUUID(),
        name: input.name,
        slug,
        email: input.email,
        admin: input.admin === true ? 1 : 0,
        locked: 0,
        created: now,
        modified: now
      })} RETURNING ${columns}`
      return yield* present("user")(one(rows))
    }).pipe(sql.withTransaction, retryBusy, Effect.catchTag("SqlError", Effect.die))

  const findById = (id: number): Effect.Effect<Option.Option<User>> =>
    sql<UserRow>`SELECT ${columns} FROM user WHERE id = ${id}`.pipe(Effect.map(one), Effect.orDie)

  /** A path reference: UUID or slug. */
  const find = (resource: string): Effect.Effect<Option.Option<User>> =>
    (isUuid(resource)
      ? sql<UserRow>`SELECT ${columns} FROM user WHERE uuid = ${resource.toLowerCase()}`
      : sql<UserRow>`SELECT ${columns} FROM user WHERE slug = ${resource}`
    ).pipe(Effect.map(one), Effect.orDie)

  const findByEmail = (email: string): Effect.Effect<Option.Option<User>> =>
    sql<UserRow>`SELECT ${columns} FROM user WHERE email = ${email}`.pipe(Effect.map(one), Effect.orDie)

  const list = (): Effect.Effect<ReadonlyArray<User>> =>
    sql<UserRow>`SELECT ${columns} FROM user ORDER BY created, id`.pipe(
      Effect.map((rows) => rows.map(toUser)),
      Effect.orDie
    )

  const count = (): Effect.Effect<number> =>
    sql<{ n: number }>`SELECT count(*) AS n FROM user`.pipe(
      Effect.map((r) => r[0]?.n ?? 0),
      Effect.orDie
    )

  const update = (id: number, patch: UserPatch): Effect.Effect<Option.Option<User>, Conflict> =>
    Effect.gen(function* () {
      if (patch.email !== undefined && (yield* emailTaken(patch.email, id))) {
        return yield* new Conflict({ message: "A user with that email already exists" })
      }
      if (patch.slug !== undefined) {
        const taken = yield* sql<{
          n: number
        }>`SELECT count(*) AS n FROM user WHERE slug = ${patch.slug} AND id != ${id}`
        if ((taken[0]?.n ?? 0) > 0) return yield* new Conflict({ message: "That slug is already in use" })
      }
      const now = yield* Clock.currentTimeMillis
      const set: Record<string, string | number> = { modified: now }
      if (patch.name !== undefined) set["name"] = patch.name
      if (patch.slug !== undefined) set["slug"] = patch.slug
      if (patch.email !== undefined) set["email"] = patch.email
      if (patch.admin !== undefined) set["admin"] = patch.admin ? 1 : 0
      if (patch.locked !== undefined) set["locked"] = patch.locked ? 1 : 0
      const rows = yield* sql<UserRow>`UPDATE user SET ${sql.update(set)} WHERE id = ${id} RETURNING ${columns}`
      return one(rows)
    }).pipe(sql.withTransaction, retryBusy, Effect.catchTag("SqlError", Effect.die))

  return PersistenceError.refailService({ create, find, findById, findByEmail, list, count, update } as const)
})

/** User accounts (docs/reference.md §8 `user`). No email or OAuth: an admin creates users. */
export class Users extends Context.Tag("bencher/identity/Users")<Users, Effect.Effect.Success<typeof make>>() {
  static readonly Live = Layer.effect(this, make)
}

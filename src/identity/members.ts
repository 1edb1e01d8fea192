import { SqlClient } from "@effect/sql"
import { Clock, Context, Effect, Layer, Option } from "effect"
import { Conflict, PersistenceError } from "../domain/errors.js"
import { retryBusy } from "../store/database.js"
import type { OrganizationRole } from "./organizations.js"
import { present } from "./present.js"

export interface Member {
  readonly userId: number
  readonly uuid: string
  readonly name: string
  readonly slug: string
  readonly email: string
  readonly role: OrganizationRole
  readonly created: number
  readonly modified: number
}

interface MemberRow extends Omit<Member, "userId" | "role"> {
  readonly user_id: number
  readonly role: string
}

const toMember = (row: MemberRow): Member => ({
  userId: row.user_id,
  uuid: row.uuid,
  name: row.name,
  slug: row.slug,
  email: row.email,
  role: row.role === "leader" ? "leader" : "member",
  created: row.created,
  modified: row.modified
})

const make = Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient
  const select = sql`SELECT u.id AS user_id, u.uuid, u.name, u.slug, u.email, r.role, r.created, r.modified
    FROM organization_role r JOIN user u ON u.id = r.user_id`

  const list = (organizationId: number): Effect.Effect<ReadonlyArray<Member>> =>
    sql<MemberRow>`${select} WHERE r.organization_id = ${organizationId} ORDER BY r.created, u.id`.pipe(
      Effect.map((rows) => rows.map(toMember)),
      Effect.orDie
    )

  const get = (organizationId: number, userId: number): Effect.Effect<Option.Option<Member>> =>
    sql<MemberRow>`${select} WHERE r.organization_id = ${organizationId} AND r.user_id = ${userId}`.pipe(
      Effect.map((rows) => Option.map(Option.fromNullable(rows[0]), toMember)),
      Effect.orDie
    )

  /** Adds the user or, if already a member, fails with Conflict. */
  const add = (organizationId: number, userId: number, role: OrganizationRole): Effect.Effect<Member, Conflict> =>
    Effect.gen(function* () {
      const now = yield* Clock.currentTimeMillis
      const rows = yield* sql`INSERT INTO organization_role ${sql.insert({
        user_id: userId,
        organization_id: organizationId,
        role,
        created: now,
        modified: now
      })} ON CONFLICT (user_id, organization_id) DO NOTHING RETURNING id`
      if (rows.length === 0) return yield* new Conflict({ message: "The user is already a member" })
    }).pipe(
      retryBusy,
      Effect.catchTag("SqlError", Effect.die),
      Effect.zipRight(get(organizationId, userId)),
      Effect.flatMap(present("member"))
    )

  const leaders = (organizationId: number) =>
    sql<{
      n: number
    }>`SELECT count(*) AS n FROM organization_role WHERE organization_id = ${organizationId} AND role = 'leader'`.pipe(
      Effect.map((r) => r[0]?.n ?? 0)
    )

  /** Changes a role; an organization never loses its last leader (Conflict). */
  const setRole = (
    organizationId: number,
    userId: number,
    role: OrganizationRole
  ): Effect.Effect<Option.Option<Member>, Conflict> =>
    Effect.gen(function* () {
      const current = yield* get(organizationId, userId)
      if (Option.isNone(current)) return Option.none()
      if (current.value.role === "leader" && role !== "leader" && (yield* leaders(organizationId)) <= 1) {
        return yield* new Conflict({ message: "An organization needs at least one leader" })
      }
      const now = yield* Clock.currentTimeMillis
      yield* sql`UPDATE organization_role SET role = ${role}, modified = ${now}
        WHERE organization_id = ${organizationId} AND user_id = ${userId}`
      return yield* get(organizationId, userId)
    }).pipe(sql.withTransaction, retryBusy, Effect.catchTag("SqlError", Effect.die))

  /** Removes a member; true when there was one. The last leader cannot leave (Conflict). */
  const remove = (organizationId: number, userId: number): Effect.Effect<boolean, Conflict> =>
    Effect.gen(function* () {
      const current = yield* get(organizationId, userId)
      if (Option.isNone(current)) return false
      if (current.value.role === "leader" && (yield* leaders(organizationId)) <= 1) {
        return yield* new Conflict({ message: "An organization needs at least one leader" })
      }
      yield* sql`DELETE FROM organization_role WHERE organization_id = ${organizationId} AND user_id = ${userId}`
      return true
    }).pipe(sql.withTransaction, retryBusy, Effect.catchTag("SqlError", Effect.die))

  return PersistenceError.refailService({ list, get, add, setRole, remove } as const)
})

/** Organization membership (`organization_role`): member or leader. Permission checks are Access's job. */
export class Members extends Context.Tag("bencher/identity/Members")<Members, Effect.Effect.Success<typeof make>>() {
  static readonly Live = Layer.effect(this, make)
}

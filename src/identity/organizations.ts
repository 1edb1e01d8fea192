import { SqlClient } from "@effect/sql"
import { Clock, Context, Effect, Layer, Option } from "effect"
import { Conflict, NotFound, TooManyRequests, PersistenceError } from "../domain/errors.js"
import { isUuid } from "../domain/ids.js"
import { retryBusy } from "../store/database.js"
import { PLAN_LEVELS, PRIORITY, tierOf, type PlanLevel, type Tier } from "./plan.js"
import { present } from "./present.js"
import { uniqueSlug } from "../store/slugs.js"

export interface Organization {
  readonly id: number
  readonly uuid: string
  readonly name: string
  readonly slug: string
  readonly created: number
  readonly modified: number
  /** null while unclaimed (created by an unauthenticated run) */
  readonly claimed: number | null
  readonly sourceIp: string | null
  readonly level: PlanLevel
}

interface OrganizationRow {
  readonly id: number
  readonly uuid: string
  readonly name: string
  readonly slug: string
  readonly created: number
  readonly modified: number
  readonly claimed: number | null
  readonly source_ip: string | null
  readonly level: string | null
}

const toOrganization = (row: OrganizationRow): Organization => ({
  id: row.id,
  uuid: row.uuid,
  name: row.name,
  slug: row.slug,
  created: row.created,
  modified: row.modified,
  claimed: row.claimed,
  sourceIp: row.source_ip,
  level: PLAN_LEVELS.find((l) => l === row.level) ?? "free"
})

export const organizationTier = (org: Organization): Tier => tierOf({ claimed: org.claimed !== null, level: org.level })

/** Unclaimed organizations one source IP may create per window (a per-IP rate limit, docs/reference.md §5.9). */
export interface UnclaimedRateLimit {
  readonly max: number
  readonly windowMillis: number
}

export class OrganizationsConfig extends Context.Tag("bencher/identity/OrganizationsConfig")<
  OrganizationsConfig,
  { readonly unclaimedRateLimit: UnclaimedRateLimit }
>() {
  static readonly Default = Layer.succeed(this, { unclaimedRateLimit: { max: 10, windowMillis: 60 * 60 * 1000 } })
}

export type OrganizationRole = "member" | "leader"

const make = Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient
  const config = yield* OrganizationsConfig
  const select = sql`SELECT o.id, o.uuid, o.name, o.slug, o.created, o.modified, o.claimed, o.source_ip, p.level
    FROM organization o LEFT JOIN plan p ON p.organization_id = o.id`
  const one = (rows: ReadonlyArray<OrganizationRow>) => Option.map(Option.fromNullable(rows[0]), toOrganization)
  const slugTaken = (slug: string) =>
    sql<{ n: number }>`SELECT count(*) AS n FROM organization WHERE slug = ${slug}`.pipe(
      Effect.map((r) => (r[0]?.n ?? 0) > 0)
    )

  const findById = (id: number): Effect.Effect<Option.Option<Organization>> =>
    sql<OrganizationRow>`${select} WHERE o.id = ${id} AND o.deleted IS NULL`.pipe(Effect.map(one), Effect.orDie)

  /** A path reference: UUID or slug; deleted organizations do not exist. */
  const find = (resource: string): Effect.Effect<Option.Option<Organization>> =>
    (isUuid(resource)
      ? sql<OrganizationRow>`${select} WHERE o.uuid = ${resource.toLowerCase()} AND o.deleted IS NULL`
      : sql<OrganizationRow>`${select} WHERE o.slug = ${resource} AND o.deleted IS NULL`
    ).pipe(Effect.map(one), Effect.orDie)

  const get = (resource: string): Effect.Effect<Organization, NotFound> =>
    find(resource).pipe(
      Effect.flatMap(
        Option.match({
          onNone: () => Effect.fail(new NotFound({ message: `Organization not found: ${resource}` })),
          onSome: Effect.succeed
        })
      )
    )

  const insert = (input: {
    readonly name: string
    readonly slug: string | undefined
    readonly claimed: number | null
    readonly sourceIp: string | null
  }) =>
    Effect.gen(function* () {
      const now = yield* Clock.currentTimeMillis
      const slug = yield* uniqueSlug(input.slug ?? input.name, slugTaken)
      const rows = yield* sql<{ id: number }>`INSERT INTO organization ${sql.insert({
        uuid: crypto.randomUUID(),
        name: input.name,
        slug,
        created: now,
        modified: now,
        claimed: input.claimed,
        source_ip: input.sourceIp
      })} RETURNING id`
      const id = rows[0]?.id
      if (id === undefined) return yield* Effect.dieMessage("INSERT RETURNING gave no row")
      return id
    })

  const addRole = (organizationId: number, userId: number, role: OrganizationRole) =>
    Effect.gen(function* () {
      const now = yield* Clock.currentTimeMillis
      yield* sql`INSERT INTO organization_role ${sql.insert({
        user_id: userId,
        organization_id: organizationId,
        role,
        created: now,
        modified: now
      })} ON CONFLICT (user_id, organization_id) DO UPDATE SET role = excluded.role, modified = excluded.modified`
    })

  /** A claimed organization with the user as its leader. */
  const create = (input: {
    readonly name: string
    readonly slug?: string | undefined
    readonly userId: number
  }): Effect.Effect<Organization> =>
    Effect.gen(function* () {
      const now = yield* Clock.currentTimeMillis
      const id = yield* insert({ name: input.name, slug: input.slug, claimed: now, sourceIp: null })
      yield* addRole(id, input.userId, "leader")
      return id
    }).pipe(
      sql.withTransaction,
      retryBusy,
      Effect.orDie,
      Effect.flatMap(findById),
      Effect.flatMap(present("organization"))
    )

  /**
   * An organization nobody owns, for an unauthenticated `POST /v0/run`. At most `unclaimedRateLimit.max` per
   * source IP per window (counted from the database, so restarts do not reset it).
   */
  const createUnclaimed = (sourceIp: string): Effect.Effect<Organization, TooManyRequests> =>
    Effect.gen(function* () {
      const now = yield* Clock.currentTimeMillis
      const { max, windowMillis } = config.unclaimedRateLimit
      const recent = yield* sql<{ n: number }>`SELECT count(*) AS n FROM organization
        WHERE source_ip = ${sourceIp} AND created > ${now - windowMillis}`
      if ((recent[0]?.n ?? 0) >= max) {
        return yield* new TooManyRequests({
          message: `Too many unclaimed projects from this address; sign in or retry in ${Math.ceil(windowMillis / 60000)} minutes`
        })
      }
      const name = `Unclaimed ${crypto.randomUUID().slice(0, 8)}`
      return yield* insert({ name, slug: undefined, claimed: null, sourceIp })
    }).pipe(
      sql.withTransaction,
      retryBusy,
      Effect.catchTag("SqlError", Effect.die),
      Effect.flatMap(findById),
      Effect.flatMap(present("organization"))
    )

  /**
   * The user claims an unclaimed organization and becomes its leader. Conflict if it is already claimed, so the
   * first claim wins; `POST /v0/run` with credentials calls this for an unclaimed project's organization.
   */
  const claim = (input: {
    readonly organizationId: number
    readonly userId: number
  }): Effect.Effect<Organization, Conflict | NotFound> =>
    Effect.gen(function* () {
      const now = yield* Clock.currentTimeMillis
      const rows = yield* sql<{ id: number }>`UPDATE organization SET claimed = ${now}, modified = ${now}
        WHERE id = ${input.organizationId} AND claimed IS NULL AND deleted IS NULL RETURNING id`
      if (rows.length === 0) {
        const exists = yield* findById(input.organizationId)
        return yield* Option.isSome(exists)
          ? new Conflict({ message: "Organization is already claimed" })
          : new NotFound({ message: "Organization not found" })
      }
      yield* addRole(input.organizationId, input.userId, "leader")
    }).pipe(
      sql.withTransaction,
      retryBusy,
      Effect.catchTag("SqlError", Effect.die),
      Effect.zipRight(findById(input.organizationId)),
      Effect.flatMap(present("organization"))
    )

  /** For the first authenticated run on an unclaimed project: claims it if still unclaimed; true if this call did. */
  const claimIfUnclaimed = (input: {
    readonly organizationId: number
    readonly userId: number
  }): Effect.Effect<boolean, NotFound> =>
    claim(input).pipe(
      Effect.as(true),
      Effect.catchTag("Conflict", () => Effect.succeed(false))
    )

  /** Organizations the user belongs to; every organization for an admin. */
  const listFor = (user: {
    readonly userId: number
    readonly admin: boolean
  }): Effect.Effect<ReadonlyArray<Organization>> =>
    (user.admin
      ? sql<OrganizationRow>`${select} WHERE o.deleted IS NULL ORDER BY o.created, o.id`
      : sql<OrganizationRow>`${select} JOIN organization_role r ON r.organization_id = o.id
          WHERE r.user_id = ${user.userId} AND o.deleted IS NULL ORDER BY o.created, o.id`
    ).pipe(
      Effect.map((rows) => rows.map(toOrganization)),
      Effect.orDie
    )

  const update = (
    id: number,
    patch: { readonly name?: string | undefined; readonly slug?: string | undefined }
  ): Effect.Effect<Organization, Conflict> =>
    Effect.gen(function* () {
      if (patch.slug !== undefined) {
        const taken = yield* sql<{
          n: number
        }>`SELECT count(*) AS n FROM organization WHERE slug = ${patch.slug} AND id != ${id}`
        if ((taken[0]?.n ?? 0) > 0) return yield* new Conflict({ message: "That slug is already in use" })
      }
      const now = yield* Clock.currentTimeMillis
      const set: Record<string, string | number> = { modified: now }
      if (patch.name !== undefined) set["name"] = patch.name
      if (patch.slug !== undefined) set["slug"] = patch.slug
      yield* sql`UPDATE organization SET ${sql.update(set)} WHERE id = ${id}`
    }).pipe(
      sql.withTransaction,
      retryBusy,
      Effect.catchTag("SqlError", Effect.die),
      Effect.zipRight(findById(id)),
      Effect.flatMap(present("organization"))
    )

  /** Sets the plan level; `free` removes the plan row (Bencher: no plan = free). */
  const setLevel = (id: number, level: PlanLevel): Effect.Effect<Organization, NotFound> =>
    Effect.gen(function* () {
      const org = yield* findById(id)
      if (Option.isNone(org)) return yield* new NotFound({ message: "Organization not found" })
      const now = yield* Clock.currentTimeMillis
      if (level === "free") {
        yield* sql`DELETE FROM plan WHERE organization_id = ${id}`
      } else {
        yield* sql`INSERT INTO plan ${sql.insert({ organization_id: id, level, created: now, modified: now })}
          ON CONFLICT (organization_id) DO UPDATE SET level = excluded.level, modified = excluded.modified`
      }
    }).pipe(
      sql.withTransaction,
      retryBusy,
      Effect.catchTag("SqlError", Effect.die),
      Effect.zipRight(findById(id)),
      Effect.flatMap(present("organization"))
    )

  /** The tier and job priority of an organization (unclaimed 0, free 100, team 200, enterprise 300). */
  const tier = (id: number): Effect.Effect<{ readonly tier: Tier; readonly priority: number }, NotFound> =>
    findById(id).pipe(
      Effect.flatMap(
        Option.match({
          onNone: () => Effect.fail(new NotFound({ message: "Organization not found" })),
          onSome: (org) => Effect.succeed({ tier: organizationTier(org), priority: PRIORITY[organizationTier(org)] })
        })
      )
    )

  return PersistenceError.refailService({
    find,
    findById,
    get,
    create,
    createUnclaimed,
    claim,
    claimIfUnclaimed,
    listFor,
    update,
    setLevel,
    tier
  } as const)
})

/**
 * Organizations (docs/reference.md §6, §8): create for a user (who becomes leader), create unclaimed for a
 * source IP (rate-limited), claim, list, update, plan level and tier. Needs SqlClient and OrganizationsConfig.
 */
export class Organizations extends Context.Tag("bencher/identity/Organizations")<
  Organizations,
  Effect.Effect.Success<typeof make>
>() {
  static readonly Live = Layer.effect(this, make)
}

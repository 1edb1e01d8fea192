import { SqlClient } from "@effect/sql"
import { Clock, Context, Effect, Layer } from "effect"
import { Conflict, NotFound, PersistenceError } from "../domain/errors.js"
import { isUuid } from "../domain/ids.js"
import type { JsonNewSpec, JsonUpdateSpec } from "../domain/runner.js"
import { JsonSpec } from "../domain/spec.js"
import { toIso, toIsoOrNull } from "../domain/time.js"
import { newUuid } from "../store/ids.js"
import { toPage, type PageParams } from "../store/pagination.js"
import { single } from "../store/rows.js"
import { slugBase } from "../store/slugs.js"

export interface SpecRow {
  readonly id: number
  readonly uuid: string
  readonly name: string
  readonly slug: string
  readonly os: string
  readonly architecture: string
  readonly sandbox: string | null
  readonly cpu: number
  readonly memory: number
  readonly disk: number
  readonly network: number
  readonly fallback: number | null
  readonly created: number
  readonly modified: number
  readonly archived: number | null
}

export const specJson = (row: SpecRow): JsonSpec =>
  JsonSpec.make(
    {
      uuid: row.uuid,
      name: row.name,
      slug: row.slug,
      os: row.os as JsonSpec["os"],
      architecture: row.architecture as JsonSpec["architecture"],
      sandbox: row.sandbox as JsonSpec["sandbox"],
      cpu: row.cpu,
      memory: row.memory,
      disk: row.disk,
      network: row.network !== 0,
      fallback: toIsoOrNull(row.fallback),
      created: toIso(row.created),
      modified: toIso(row.modified),
      archived: toIsoOrNull(row.archived)
    },
    { disableValidation: true }
  )

const make = Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient

  const byId = (id: number) => sql<SpecRow>`SELECT * FROM spec WHERE id = ${id}`.pipe(Effect.flatMap(single("spec")))

  /** A spec by uuid or slug; archived specs still resolve (old jobs name them). */
  const find = (ref: string) =>
    sql<SpecRow>`SELECT * FROM spec WHERE ${isUuid(ref) ? sql`uuid = ${ref.toLowerCase()}` : sql`slug = ${ref}`}`.pipe(
      Effect.map((rows) => rows[0])
    )

  const resolve = (ref: string) =>
    Effect.flatMap(find(ref), (row) =>
      row === undefined ? Effect.fail(new NotFound({ message: `Spec not found: ${ref}` })) : Effect.succeed(row)
    )

  const fallback = sql<SpecRow>`SELECT * FROM spec WHERE fallback IS NOT NULL AND archived IS NULL`.pipe(
    Effect.map((rows) => rows[0])
  )

  const slugTaken = (slug: string, exceptId = -1) =>
    sql<{ id: number }>`SELECT id FROM spec WHERE slug = ${slug} AND id != ${exceptId}`.pipe(
      Effect.map((r) => r.length > 0)
    )

  const create = (input: JsonNewSpec) =>
    sql.withTransaction(
      Effect.gen(function* () {
        const now = yield* Clock.currentTimeMillis
        const slug = input.slug ?? slugBase(input.name)
        if (yield* slugTaken(slug)) return yield* new Conflict({ message: `Spec slug already exists: ${slug}` })
        if (input.fallback === true)
          yield* sql`UPDATE spec SET fallback = NULL, modified = ${now} WHERE fallback IS NOT NULL`
        return yield* sql<SpecRow>`INSERT INTO spec ${sql.insert({
          uuid: yield* newUuid,
          name: input.name,
          slug,
          os: input.os ?? "linux",
          architecture: input.architecture ?? "x86_64",
          sandbox: input.sandbox ?? null,
          cpu: input.cpu,
          memory: input.memory,
          disk: input.disk,
          network: input.network === true ? 1 : 0,
          fallback: input.fallback === true ? now : null,
          created: now,
          modified: now
        })} RETURNING *`.pipe(Effect.flatMap(single("spec")))
      })
    )

  const update = (spec: SpecRow, patch: JsonUpdateSpec) =>
    sql.withTransaction(
      Effect.gen(function* () {
        const now = yield* Clock.currentTimeMillis
        if (patch.slug !== undefined && patch.slug !== null && (yield* slugTaken(patch.slug, spec.id))) {
          return yield* new Conflict({ message: `Spec slug already exists: ${patch.slug}` })
        }
        if (patch.fallback === true)
          yield* sql`UPDATE spec SET fallback = NULL, modified = ${now} WHERE fallback IS NOT NULL AND id != ${spec.id}`
        const set = (v: unknown) => v !== undefined && v !== null
        yield* sql`UPDATE spec SET ${sql.update({
          name: patch.name ?? spec.name,
          slug: patch.slug ?? spec.slug,
          sandbox: patch.sandbox !== undefined ? patch.sandbox : spec.sandbox,
          cpu: patch.cpu ?? spec.cpu,
          memory: patch.memory ?? spec.memory,
          disk: patch.disk ?? spec.disk,
          network: set(patch.network) ? (patch.network === true ? 1 : 0) : spec.network,
          fallback: set(patch.fallback) ? (patch.fallback === true ? (spec.fallback ?? now) : null) : spec.fallback,
          archived: set(patch.archived) ? (patch.archived === true ? (spec.archived ?? now) : null) : spec.archived,
          modified: now
        })} WHERE id = ${spec.id}`
        return yield* byId(spec.id)
      })
    )

  /** A spec still named by a job cannot be deleted (the job keeps it for its history): archive it instead. */
  const remove = (spec: SpecRow) =>
    Effect.gen(function* () {
      const [used] = yield* sql<{ n: number }>`SELECT count(*) AS n FROM job WHERE spec_id = ${spec.id}`
      if ((used?.n ?? 0) > 0) {
        return yield* new Conflict({ message: `Spec ${spec.slug} is used by ${used?.n} job(s); archive it instead` })
      }
      yield* sql`DELETE FROM spec WHERE id = ${spec.id}`
    })

  const list = (params: PageParams & { readonly archived?: boolean | undefined }) =>
    Effect.gen(function* () {
      const page = toPage(params)
      const archived = params.archived === true ? 1 : 0
      const [count] = yield* sql<{
        n: number
      }>`SELECT count(*) AS n FROM spec WHERE (archived IS NOT NULL) = ${archived}`
      const rows = yield* sql.unsafe<SpecRow>(
        `SELECT * FROM spec WHERE (archived IS NOT NULL) = ? ORDER BY name ${page.direction}, id LIMIT ? OFFSET ?`,
        [archived, page.limit, page.offset]
      )
      return { rows, total: count?.n ?? 0 }
    })

  return PersistenceError.refailService({ byId, find, resolve, fallback, create, update, remove, list } as const)
})

export class Specs extends Context.Tag("bencher/runners/Specs")<Specs, Effect.Effect.Success<typeof make>>() {
  static readonly Live = Layer.effect(this, make)
}

import { SqlClient, type Statement } from "@effect/sql"
import { Clock, Context, Effect, Layer } from "effect"
import { Conflict, NotFound, PersistenceError } from "../domain/errors.js"
import { isUuid } from "../domain/ids.js"
import { newUuid } from "../store/ids.js"
import { uniqueSlug } from "../store/slugs.js"
import { toPage, type PageParams } from "../store/pagination.js"
import { single } from "../store/rows.js"
import type { Actor } from "../domain/actor.js"
import { storedVisibility } from "../identity/project-ref.js"
import { visibleProjectCondition } from "../identity/project-visibility.js"
import type { ProjectRow } from "./rows.js"

const selectProject = `SELECT project.id, project.uuid, project.organization_id, organization.uuid AS organization_uuid,
  project.name, project.slug, project.url, project.visibility, project.created, project.modified
  FROM project JOIN organization ON organization.id = project.organization_id`

export interface NewProject {
  readonly organizationId: number
  readonly name: string
  readonly slug?: string | null | undefined
  readonly url?: string | null | undefined
  readonly visibility?: "public" | "private" | null | undefined
}

export interface ProjectPatch {
  readonly name?: string | null | undefined
  readonly slug?: string | null | undefined
  readonly url?: string | null | undefined
  readonly visibility?: "public" | "private" | null | undefined
}

const make = Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient

  const byId = (id: number) =>
    sql
      .unsafe<ProjectRow>(`${selectProject} WHERE project.id = ? AND project.deleted IS NULL`, [id])
      .pipe(Effect.map((rows) => rows[0]))

  const byIdOrDie = (id: number) =>
    Effect.flatMap(byId(id), (row) => single<ProjectRow>("project")(row === undefined ? [] : [row]))

  /** A ResourceId: uuid or slug. */
  const find = (resource: string) =>
    sql
      .unsafe<ProjectRow>(
        `${selectProject} WHERE project.${isUuid(resource) ? "uuid" : "slug"} = ? AND project.deleted IS NULL`,
        [isUuid(resource) ? resource.toLowerCase() : resource]
      )
      .pipe(Effect.map((rows) => rows[0]))

  const resolve = (resource: string) =>
    Effect.flatMap(find(resource), (row) =>
      row === undefined ? Effect.fail(new NotFound({ message: `Project not found: ${resource}` })) : Effect.succeed(row)
    )

  /** The organization a project path names (uuid or slug), for listing and creating its projects. */
  const organizationId = (resource: string) =>
    Effect.gen(function* () {
      const [row] = yield* sql<{ id: number }>`SELECT id FROM organization
        WHERE ${sql(isUuid(resource) ? "uuid" : "slug")} = ${isUuid(resource) ? resource.toLowerCase() : resource} AND deleted IS NULL`
      if (row === undefined) return yield* new NotFound({ message: `Organization not found: ${resource}` })
      return row.id
    })

  const slugTaken = (slug: string) =>
    sql<{ n: number }>`SELECT count(*) AS n FROM project WHERE slug = ${slug}`.pipe(
      Effect.map((r) => (r[0]?.n ?? 0) > 0)
    )

  const create = (input: NewProject) =>
    Effect.gen(function* () {
      let slug: string
      if (input.slug !== undefined && input.slug !== null) {
        if (yield* slugTaken(input.slug))
          return yield* new Conflict({ message: `Project slug already exists: ${input.slug}` })
        slug = input.slug
      } else {
        slug = yield* uniqueSlug(input.name, slugTaken)
      }
      const now = yield* Clock.currentTimeMillis
      const uuid = yield* newUuid
      const row = yield* sql<{ id: number }>`INSERT INTO project ${sql.insert({
        uuid,
        organization_id: input.organizationId,
        name: input.name,
        slug,
        url: input.url ?? null,
        visibility: storedVisibility(input.visibility ?? "public"),
        created: now,
        modified: now
      })} RETURNING id`.pipe(Effect.flatMap(single("project")))
      return yield* byIdOrDie(row.id)
    })

  const update = (project: ProjectRow, patch: ProjectPatch) =>
    Effect.gen(function* () {
      if (
        patch.slug !== undefined &&
        patch.slug !== null &&
        patch.slug !== project.slug &&
        (yield* slugTaken(patch.slug))
      ) {
        return yield* new Conflict({ message: `Project slug already exists: ${patch.slug}` })
      }
      const now = yield* Clock.currentTimeMillis
      yield* sql`UPDATE project SET ${sql.update({
        name: patch.name ?? project.name,
        slug: patch.slug ?? project.slug,
        url: patch.url === undefined ? project.url : patch.url,
        visibility:
          patch.visibility === undefined || patch.visibility === null
            ? project.visibility
            : storedVisibility(patch.visibility),
        modified: now
      })} WHERE id = ${project.id}`
      return yield* byIdOrDie(project.id)
    })

  const remove = (project: ProjectRow) => sql`DELETE FROM project WHERE id = ${project.id}`.pipe(Effect.asVoid)

  /**
   * Projects in name order, one page of them. With `visibleTo`, only those the actor may view (identity's
   * visibleProjectCondition), so totals and pages count only what the caller may see.
   */
  const list = (
    params: PageParams & {
      readonly name?: string | undefined
      readonly search?: string | undefined
      readonly organizationId?: number | undefined
      readonly visibleTo?: Actor | undefined
    }
  ) =>
    Effect.gen(function* () {
      const page = toPage(params)
      const conditions: Array<Statement.Fragment> = [sql`project.deleted IS NULL`]
      if (params.organizationId !== undefined) conditions.push(sql`project.organization_id = ${params.organizationId}`)
      if (params.name !== undefined) conditions.push(sql`project.name = ${params.name}`)
      if (params.search !== undefined) {
        conditions.push(sql`(project.name LIKE ${`%${params.search}%`} OR project.slug LIKE ${`%${params.search}%`})`)
      }
      if (params.visibleTo !== undefined) conditions.push(visibleProjectCondition(sql, params.visibleTo))
      const where = sql.and(conditions)
      const [count] = yield* sql<{ n: number }>`SELECT count(*) AS n FROM project WHERE ${where}`
      const rows = yield* sql<ProjectRow>`${sql.literal(selectProject)} WHERE ${where}
        ORDER BY project.name ${sql.literal(page.direction)}, project.id LIMIT ${page.limit} OFFSET ${page.offset}`
      return { rows, total: count?.n ?? 0 }
    })

  return PersistenceError.refailService({
    find,
    resolve,
    byId,
    organizationId,
    create,
    update,
    remove,
    list,
    slugTaken
  } as const)
})

export class Projects extends Context.Tag("bencher/projects/Projects")<Projects, Effect.Effect.Success<typeof make>>() {
  static readonly Live = Layer.effect(this, make)
}

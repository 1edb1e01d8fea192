import { HttpApiBuilder } from "@effect/platform"
import { SqlClient } from "@effect/sql"
import { Effect } from "effect"
import { BencherApi } from "../../api/index.js"
import { NotFound } from "../../domain/errors.js"
import { isUuid } from "../../domain/ids.js"
import { Access } from "../../identity/access.js"
import { CurrentActor } from "../../domain/actor.js"
import { visibleProjectCondition } from "../../identity/project-visibility.js"
import { Projects } from "../../projects/projects.js"
import { projectJson } from "../../projects/rows.js"
import { setTotalCount } from "../../store/pagination.js"
import { orInternal, projectWith } from "./support.js"

const organizationId = (resource: string) =>
  Effect.gen(function*() {
    const sql = yield* SqlClient.SqlClient
    const [row] = yield* sql<{ id: number }>`SELECT id FROM organization
      WHERE ${sql(isUuid(resource) ? "uuid" : "slug")} = ${isUuid(resource) ? resource.toLowerCase() : resource} AND deleted IS NULL`
    if (row === undefined) return yield* new NotFound({ message: `Organization not found: ${resource}` })
    return row.id
  })

export const ProjectsHandlersLive = HttpApiBuilder.group(BencherApi, "projects", (handlers) =>
  Effect.gen(function*() {
    const projects = yield* Projects
    const access = yield* Access
    const sql = yield* SqlClient.SqlClient
    return handlers
      .handle("list", ({ urlParams }) =>
        orInternal(Effect.gen(function*() {
          const visible = visibleProjectCondition(sql, yield* CurrentActor)
          const { rows, total } = yield* projects.list({ ...urlParams, visible })
          yield* setTotalCount(total)
          return rows.map(projectJson)
        })))
      .handle("listForOrganization", ({ path, urlParams }) =>
        orInternal(Effect.gen(function*() {
          const orgId = yield* organizationId(path.organization)
          yield* access.organization(yield* CurrentActor, orgId, "view")
          const { rows, total } = yield* projects.list({ ...urlParams, organizationId: orgId })
          yield* setTotalCount(total)
          return rows.map(projectJson)
        })))
      .handle("create", ({ path, payload }) =>
        orInternal(Effect.gen(function*() {
          const orgId = yield* organizationId(path.organization)
          yield* access.organization(yield* CurrentActor, orgId, "create")
          return projectJson(yield* projects.create({ organizationId: orgId, ...payload }))
        })))
      .handle("view", ({ path }) => orInternal(Effect.map(projectWith(path.project, "view"), projectJson)))
      .handle("update", ({ path, payload }) =>
        orInternal(Effect.gen(function*() {
          // Changing visibility is a maintainer's decision (manage); other fields need edit.
          const needs = payload.visibility !== undefined && payload.visibility !== null ? "manage" : "edit"
          const project = yield* projectWith(path.project, needs)
          return projectJson(yield* projects.update(project, payload))
        })))
      .handle("remove", ({ path }) =>
        orInternal(Effect.gen(function*() {
          const project = yield* projectWith(path.project, "delete")
          yield* projects.remove(project)
        })))
  }))

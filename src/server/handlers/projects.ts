import { HttpApiBuilder } from "@effect/platform"
import { Effect } from "effect"
import { BencherApi } from "../../api/index.js"
import { Access } from "../../identity/access.js"
import { CurrentActor } from "../../domain/actor.js"
import { Projects } from "../../projects/projects.js"
import { projectJson } from "../../projects/rows.js"
import { setTotalCount } from "../../store/pagination.js"
import { projectWith } from "./support.js"

export const ProjectsHandlersLive = HttpApiBuilder.group(BencherApi, "projects", (handlers) =>
  Effect.gen(function* () {
    const projects = yield* Projects
    const access = yield* Access
    return handlers
      .handle("list", ({ urlParams }) =>
        Effect.gen(function* () {
          const { rows, total } = yield* projects.list({ ...urlParams, visibleTo: yield* CurrentActor })
          yield* setTotalCount(total)
          return rows.map(projectJson)
        })
      )
      .handle("listForOrganization", ({ path, urlParams }) =>
        Effect.gen(function* () {
          const orgId = yield* projects.organizationId(path.organization)
          yield* access.organization(yield* CurrentActor, orgId, "view")
          const { rows, total } = yield* projects.list({ ...urlParams, organizationId: orgId })
          yield* setTotalCount(total)
          return rows.map(projectJson)
        })
      )
      .handle("create", ({ path, payload }) =>
        Effect.gen(function* () {
          const orgId = yield* projects.organizationId(path.organization)
          yield* access.organization(yield* CurrentActor, orgId, "create")
          return projectJson(yield* projects.create({ organizationId: orgId, ...payload }))
        })
      )
      .handle("view", ({ path }) => Effect.map(projectWith(path.project, "view"), projectJson))
      .handle("update", ({ path, payload }) =>
        Effect.gen(function* () {
          // Changing visibility is a maintainer's decision (manage); other fields need edit.
          const needs = payload.visibility !== undefined && payload.visibility !== null ? "manage" : "edit"
          const project = yield* projectWith(path.project, needs)
          return projectJson(yield* projects.update(project, payload))
        })
      )
      .handle("remove", ({ path }) =>
        Effect.gen(function* () {
          const project = yield* projectWith(path.project, "delete")
          yield* projects.remove(project)
        })
      )
  })
)

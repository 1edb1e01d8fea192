import { Effect } from "effect"
import { BadRequest, NotFound } from "../../domain/errors.js"
import { Access, type ProjectPermission } from "../../identity/access.js"
import { CurrentActor } from "../../domain/actor.js"
import { Projects } from "../../projects/projects.js"
import { visibilityOf } from "../../identity/project-ref.js"

/** Resolves a project by uuid or slug and checks the caller's permission on it (through the Access service). */
export const projectWith = (resource: string, permission: ProjectPermission) =>
  Effect.gen(function* () {
    const actor = yield* CurrentActor
    const access = yield* Access
    const project = yield* (yield* Projects).resolve(resource)
    yield* access.project(
      actor,
      {
        id: project.id,
        organizationId: project.organization_id,
        visibility: visibilityOf(project.visibility)
      },
      permission
    )
    return project
  })

/** A NameId in a request body that resolves to nothing is the caller's input error: 400 naming the field. */
export const bodyField =
  (field: string) =>
  <A, E, R>(effect: Effect.Effect<A, E, R>) =>
    Effect.catchIf(
      effect,
      (e): e is Extract<E, NotFound> => e instanceof NotFound,
      (e) => Effect.fail(new BadRequest({ message: `${field}: ${e.message}` }))
    )

import { Effect } from "effect"
import { Access, type OrganizationPermission } from "../../identity/access.js"
import { CurrentActor } from "../../domain/actor.js"
import { Organizations } from "../../identity/organizations.js"

/**
 * The organization behind a path, once the current actor holds the permission on it: anonymous callers get 401
 * before anything is looked up; a missing organization and one the caller cannot see are the same 404.
 */
export const makePermittedOrganization = Effect.gen(function* () {
  const organizations = yield* Organizations
  const access = yield* Access
  return (resource: string, permission: OrganizationPermission) =>
    Effect.gen(function* () {
      const actor = yield* CurrentActor
      if (actor._tag === "Anonymous") yield* access.requireUser(actor)
      const org = yield* organizations.get(resource)
      yield* access.organization(actor, org.id, permission)
      return org
    })
})

import { Context, Effect, Layer } from "effect"
import type { Forbidden, NotFound } from "../domain/errors.js"
import type { Actor } from "./actor.js"

export type ProjectPermission = "view" | "create" | "edit" | "delete" | "manage"
export type OrganizationPermission = "view" | "create" | "edit" | "delete" | "manage"

export interface ProjectRef {
  readonly id: number
  readonly organizationId: number
  readonly visibility: "public" | "private"
}

/**
 * The one place permission is decided (reference/bencher.md §6 RBAC). Handlers call it; they never inspect roles.
 * A private project the actor cannot see is NotFound, so its existence is not revealed.
 */
export class Access extends Context.Tag("bencher/identity/Access")<Access, {
  readonly project: (actor: Actor, project: ProjectRef, permission: ProjectPermission) => Effect.Effect<void, Forbidden | NotFound>
  readonly organization: (actor: Actor, organizationId: number, permission: OrganizationPermission) => Effect.Effect<void, Forbidden | NotFound>
  readonly admin: (actor: Actor) => Effect.Effect<void, Forbidden>
}>() {}

/** Until the identity issue lands everything is public and writable, as that issue says. */
export const AccessOpen = Layer.succeed(Access, {
  project: () => Effect.void,
  organization: () => Effect.void,
  admin: () => Effect.void
})

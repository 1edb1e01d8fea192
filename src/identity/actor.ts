import { HttpApiMiddleware } from "@effect/platform"
import { Context } from "effect"
import { Unauthorized } from "../domain/errors.js"

/** Who is making a request, decided once per request by the Authentication middleware. */
export type Actor = AnonymousActor | UserActor | ProjectKeyActor

export interface AnonymousActor {
  readonly _tag: "Anonymous"
  readonly sourceIp: string
}

export interface UserActor {
  readonly _tag: "User"
  readonly userId: number
  readonly uuid: string
  readonly admin: boolean
  readonly sourceIp: string
}

export interface ProjectKeyActor {
  readonly _tag: "ProjectKey"
  readonly keyId: number
  readonly projectId: number
  readonly sourceIp: string
}

export class CurrentActor extends Context.Tag("bencher/identity/CurrentActor")<CurrentActor, Actor>() {}

/**
 * Reads `Authorization: Bearer ...` (user API keys `bencher_user_*`, project keys `bencher_run_*`). No header is
 * the Anonymous actor; a malformed, unknown, revoked or expired credential is a 401 that does not say which.
 * Runner keys are not accepted here: they are valid only on the runner channel.
 */
export class Authentication extends HttpApiMiddleware.Tag<Authentication>()("bencher/identity/Authentication", {
  provides: CurrentActor,
  failure: Unauthorized
}) {}

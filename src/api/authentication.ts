import { HttpApiMiddleware } from "@effect/platform"
import { CurrentActor } from "../domain/actor.js"
import { UnauthorizedError } from "./errors.js"

/**
 * Reads `Authorization: Bearer ...` (user API keys `bencher_user_*`, project keys `bencher_run_*`). No header is
 * the Anonymous actor; a malformed, unknown, revoked or expired credential is a 401 that does not say which.
 * Runner keys are not accepted here: they are valid only on the runner channel.
 */
export class Authentication extends HttpApiMiddleware.Tag<Authentication>()("bencher/identity/Authentication", {
  provides: CurrentActor,
  failure: UnauthorizedError
}) {}

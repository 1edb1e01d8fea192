import { Context, Effect, Layer } from "effect"
import { Unauthorized } from "../domain/errors.js"
import type { Actor } from "../domain/actor.js"
import { makeResolveActor } from "../identity/authentication-live.js"

/**
 * Checks the Basic credentials a docker client sends to `GET /v0/auth/oci/token` (any username; a user API key
 * `bencher_user_*` or a project key `bencher_run_*` as the password) and says who the caller is.
 */
export class RegistryCredentials extends Context.Tag("bencher/registry/RegistryCredentials")<
  RegistryCredentials,
  {
    readonly verifyBasic: (username: string, password: string, sourceIp: string) => Effect.Effect<Actor, Unauthorized>
  }
>() {}

/**
 * The password is a user API key or project key, checked exactly like a Bearer credential on the REST API (hash
 * lookup, revocation, expiry); an empty password is 401, never the anonymous caller.
 */
export const RegistryCredentialsLive = Layer.effect(
  RegistryCredentials,
  Effect.map(makeResolveActor, (resolve) => ({
    verifyBasic: (_username: string, password: string, sourceIp: string) =>
      password.length === 0
        ? Effect.fail(new Unauthorized({ message: "a user API key or project key is required as the password" }))
        : resolve(`Bearer ${password}`, sourceIp)
  }))
)

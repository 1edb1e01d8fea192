import { Context, Effect, Layer } from "effect"
import { Unauthorized } from "../domain/errors.js"
import type { Actor } from "../identity/actor.js"

/**
 * Checks the Basic credentials a docker client sends to `GET /v0/auth/oci/token` (any username; a user API key
 * `bencher_user_*` or a project key `bencher_run_*` as the password) and says who the caller is.
 */
export class RegistryCredentials extends Context.Tag("bencher/registry/RegistryCredentials")<RegistryCredentials, {
  readonly verifyBasic: (username: string, password: string, sourceIp: string) => Effect.Effect<Actor, Unauthorized>
}>() {}

/**
 * THE SEAM THE IDENTITY WORK REPLACES: until user and project keys exist (tables user_key / project_key), any
 * non-empty password is a non-admin User, so pushes work while `AccessOpen` is in place. Replace this layer
 * with one that hashes the password (SHA-256) and looks it up; keep the "empty password is 401" rule.
 */
export const RegistryCredentialsOpen = Layer.succeed(RegistryCredentials, {
  verifyBasic: (_username, password, sourceIp) =>
    password.length === 0
      ? Effect.fail(new Unauthorized({ message: "a user API key or project key is required as the password" }))
      : Effect.succeed({ _tag: "User", userId: 0, uuid: "00000000-0000-0000-0000-000000000000", admin: false, sourceIp })
})

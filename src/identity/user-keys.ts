import { Context, Effect, Layer } from "effect"
import { makeKeyStore } from "./key-store.js"

const make = makeKeyStore({ table: "user_key", owner: "user_id", kind: "user" })

/**
 * User API keys (`bencher_user_` + 30): create returns the plaintext once and stores only its SHA-256;
 * revoke and rotate take effect on the next request. `authenticate` ignores revoked and expired keys.
 */
export class UserKeys extends Context.Tag("bencher/identity/UserKeys")<UserKeys, Effect.Effect.Success<typeof make>>() {
  static readonly Live = Layer.effect(this, make)
}

import { Context, Effect, Option, Redacted } from "effect"
import { connect } from "../../src/cli/backend.js"
import { AdminBootstrap } from "../../src/identity/bootstrap.js"
import { startTestServer } from "./server.js"

/** A typed client for the test server acting with the given key (or anonymously). */
export const clientAs = (url: string, key?: string) =>
  connect({ host: url, key: key === undefined ? Option.none() : Option.some(Redacted.make(key)) })

/** The real test server plus the bootstrap admin's key and a client acting as that admin. */
export const startIdentityServer = Effect.gen(function* () {
  const server = yield* startTestServer()
  const bootstrap = Context.get(server.context, AdminBootstrap)
  const adminKey = Redacted.value(Option.getOrThrow(bootstrap.adminKey))
  const admin = yield* clientAs(server.url, adminKey)
  const anonymous = yield* clientAs(server.url)
  return { ...server, adminKey, admin, anonymous }
})

/** Creates a user and a key for them through the API; returns the user, the key and a client acting as them. */
export const createUserWithKey = (
  admin: Effect.Effect.Success<ReturnType<typeof clientAs>>,
  url: string,
  name: string
) =>
  Effect.gen(function* () {
    const user = yield* admin.users.create({ payload: { name, email: `${name.toLowerCase()}@example.com` } })
    const key = yield* admin.users.createKey({ path: { user: user.uuid }, payload: { name: "test" } })
    const client = yield* clientAs(url, key.key)
    return { user, key: key.key, keyUuid: key.uuid, client }
  })

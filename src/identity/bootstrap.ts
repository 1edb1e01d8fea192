import { Context, Effect, Layer, Option, Redacted } from "effect"
import { UserKeys } from "./user-keys.js"
import { Users } from "./users.js"

/**
 * The first-run admin: on an empty database the server creates an admin user and one API key. The plaintext
 * lives only here, Redacted, for `bencher server` to print once (and write to --admin-key-file); it is never logged.
 */
export class AdminBootstrap extends Context.Tag("bencher/identity/AdminBootstrap")<
  AdminBootstrap,
  {
    readonly adminKey: Option.Option<Redacted.Redacted<string>>
  }
>() {}

export const bootstrapAdmin = Effect.gen(function* () {
  const users = yield* Users
  const keys = yield* UserKeys
  if ((yield* users.count()) > 0) return Option.none<Redacted.Redacted<string>>()
  const created = yield* users
    .create({ name: "Admin", email: "admin@localhost", slug: "admin", admin: true })
    .pipe(Effect.option)
  if (Option.isNone(created)) return Option.none<Redacted.Redacted<string>>()
  const key = yield* keys.create({ ownerId: created.value.id, name: "bootstrap" })
  return Option.some(key.plaintext)
})

export const AdminBootstrapLive = Layer.effect(
  AdminBootstrap,
  Effect.map(bootstrapAdmin, (adminKey) => ({ adminKey }))
)

import { Args, Command, Options } from "@effect/cli"
import { Effect, Option } from "effect"
import { clientOptions, withClient } from "./backend.js"

const userArg = Args.text({ name: "user" }).pipe(Args.withDescription("User UUID or slug"))
const keyArg = Args.text({ name: "key" }).pipe(Args.withDescription("Key UUID"))
const flag = (name: string, description: string) =>
  Options.choice(name, ["true", "false"]).pipe(Options.withDescription(description), Options.optional)
const toBool = (value: Option.Option<"true" | "false">) => Option.getOrUndefined(Option.map(value, (v) => v === "true"))

const list = Command.make("list", clientOptions, (o) => withClient(o, (c) => c.users.list())).pipe(
  Command.withDescription("List users (admin)")
)

const whoami = Command.make("whoami", clientOptions, (o) => withClient(o, (c) => c.users.me())).pipe(
  Command.withDescription("Show the user the API key belongs to")
)

const create = Command.make(
  "create",
  {
    ...clientOptions,
    name: Options.text("name").pipe(Options.withDescription("Display name")),
    email: Options.text("email").pipe(Options.withDescription("Email (the login identity; no mail is sent)")),
    slug: Options.text("slug").pipe(Options.optional),
    admin: Options.boolean("admin").pipe(Options.withDescription("Make the user a server admin"))
  },
  (o) =>
    withClient(o, (c) =>
      c.users.create({ payload: { name: o.name, email: o.email, slug: Option.getOrUndefined(o.slug), admin: o.admin } })
    )
).pipe(Command.withDescription("Create a user (admin)"))

const view = Command.make("view", { ...clientOptions, user: userArg }, (o) =>
  withClient(o, (c) => c.users.get({ path: { user: o.user } }))
).pipe(Command.withDescription("Show a user"))

const update = Command.make(
  "update",
  {
    ...clientOptions,
    user: userArg,
    name: Options.text("name").pipe(Options.optional),
    email: Options.text("email").pipe(Options.optional),
    slug: Options.text("slug").pipe(Options.optional),
    admin: flag("admin", "Grant or remove server admin (admin only)"),
    locked: flag("locked", "Lock or unlock the account (admin only)")
  },
  (o) =>
    withClient(o, (c) =>
      c.users.update({
        path: { user: o.user },
        payload: {
          name: Option.getOrUndefined(o.name),
          email: Option.getOrUndefined(o.email),
          slug: Option.getOrUndefined(o.slug),
          admin: toBool(o.admin),
          locked: toBool(o.locked)
        }
      })
    )
).pipe(Command.withDescription("Update a user"))

const keyList = Command.make("list", { ...clientOptions, user: userArg }, (o) =>
  withClient(o, (c) => c.users.listKeys({ path: { user: o.user } }))
).pipe(Command.withDescription("List a user's API keys"))

const keyCreate = Command.make(
  "create",
  {
    ...clientOptions,
    user: userArg,
    name: Options.text("name").pipe(Options.withDescription("Key name")),
    ttl: Options.integer("ttl").pipe(
      Options.withDescription("Seconds until the key expires (default: never)"),
      Options.optional
    )
  },
  (o) =>
    withClient(o, (c) =>
      c.users.createKey({ path: { user: o.user }, payload: { name: o.name, ttl: Option.getOrUndefined(o.ttl) } })
    )
).pipe(Command.withDescription("Create an API key; the key is printed once"))

const keyRevoke = Command.make("revoke", { ...clientOptions, user: userArg, keyUuid: keyArg }, (o) =>
  withClient(o, (c) =>
    c.users.revokeKey({ path: { user: o.user, key: o.keyUuid } }).pipe(Effect.as({ revoked: o.keyUuid }))
  )
).pipe(Command.withDescription("Revoke an API key now"))

const keyRotate = Command.make("rotate", { ...clientOptions, user: userArg, keyUuid: keyArg }, (o) =>
  withClient(o, (c) => c.users.rotateKey({ path: { user: o.user, key: o.keyUuid } }))
).pipe(Command.withDescription("Revoke an API key and print its replacement once"))

const key = Command.make("key").pipe(
  Command.withDescription("User API keys (bencher_user_...)"),
  Command.withSubcommands([keyList, keyCreate, keyRevoke, keyRotate])
)

export const userCommand = Command.make("user").pipe(
  Command.withDescription("Users and their API keys"),
  Command.withSubcommands([list, whoami, create, view, update, key])
)

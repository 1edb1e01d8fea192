import { Args, Command, Options } from "@effect/cli"
import { Effect, Option } from "effect"
import { clientOptions, withClient } from "./backend.js"

const orgArg = Args.text({ name: "organization" }).pipe(Args.withDescription("Organization UUID or slug"))
const userArg = Args.text({ name: "user" }).pipe(Args.withDescription("User UUID or slug"))
const role = Options.choice("role", ["member", "leader"])

const list = Command.make("list", { ...clientOptions, organization: orgArg }, (o) =>
  withClient(o, (c) => c.members.list({ path: { organization: o.organization } }))
).pipe(Command.withDescription("List an organization's members"))

const add = Command.make("add", { ...clientOptions, organization: orgArg, email: Options.text("email"), role }, (o) =>
  withClient(o, (c) =>
    c.members.add({ path: { organization: o.organization }, payload: { email: o.email, role: o.role } })
  )
).pipe(Command.withDescription("Add an existing user by email (leader)"))

const view = Command.make("view", { ...clientOptions, organization: orgArg, user: userArg }, (o) =>
  withClient(o, (c) => c.members.get({ path: { organization: o.organization, user: o.user } }))
).pipe(Command.withDescription("Show a member"))

const update = Command.make(
  "update",
  { ...clientOptions, organization: orgArg, user: userArg, role: role.pipe(Options.optional) },
  (o) =>
    withClient(o, (c) =>
      c.members.update({
        path: { organization: o.organization, user: o.user },
        payload: { role: Option.getOrUndefined(o.role) }
      })
    )
).pipe(Command.withDescription("Change a member's role (leader)"))

const remove = Command.make("remove", { ...clientOptions, organization: orgArg, user: userArg }, (o) =>
  withClient(o, (c) =>
    c.members.remove({ path: { organization: o.organization, user: o.user } }).pipe(Effect.as({ removed: o.user }))
  )
).pipe(Command.withDescription("Remove a member (leader)"))

export const memberCommand = Command.make("member").pipe(
  Command.withDescription("Organization members and roles"),
  Command.withSubcommands([list, add, view, update, remove])
)

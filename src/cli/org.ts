import { Args, Command, Options } from "@effect/cli"
import { Option } from "effect"
import { clientOptions, withClient } from "./backend.js"

const orgArg = Args.text({ name: "organization" }).pipe(Args.withDescription("Organization UUID or slug"))

const list = Command.make("list", clientOptions, (o) => withClient(o, (c) => c.organizations.list())).pipe(
  Command.withDescription("List your organizations (all, for an admin)")
)

const create = Command.make(
  "create",
  { ...clientOptions, name: Options.text("name"), slug: Options.text("slug").pipe(Options.optional) },
  (o) =>
    withClient(o, (c) => c.organizations.create({ payload: { name: o.name, slug: Option.getOrUndefined(o.slug) } }))
).pipe(Command.withDescription("Create an organization; you become its leader"))

const view = Command.make("view", { ...clientOptions, organization: orgArg }, (o) =>
  withClient(o, (c) => c.organizations.get({ path: { organization: o.organization } }))
).pipe(Command.withDescription("Show an organization"))

const update = Command.make(
  "update",
  {
    ...clientOptions,
    organization: orgArg,
    name: Options.text("name").pipe(Options.optional),
    slug: Options.text("slug").pipe(Options.optional)
  },
  (o) =>
    withClient(o, (c) =>
      c.organizations.update({
        path: { organization: o.organization },
        payload: { name: Option.getOrUndefined(o.name), slug: Option.getOrUndefined(o.slug) }
      })
    )
).pipe(Command.withDescription("Rename an organization (leader)"))

const claim = Command.make("claim", { ...clientOptions, organization: orgArg }, (o) =>
  withClient(o, (c) => c.organizations.claim({ path: { organization: o.organization }, payload: {} }))
).pipe(Command.withDescription("Claim an unclaimed organization (from an unauthenticated `bencher run`)"))

const plan = Command.make(
  "plan",
  {
    ...clientOptions,
    organization: orgArg,
    set: Options.choice("set", ["free", "team", "enterprise"]).pipe(
      Options.withDescription("Change the plan (admin only)"),
      Options.optional
    )
  },
  (o) =>
    withClient(o, (c) =>
      Option.match(o.set, {
        onNone: () => c.organizations.tier({ path: { organization: o.organization } }),
        onSome: (level) => c.organizations.setTier({ path: { organization: o.organization }, payload: { level } })
      })
    )
).pipe(Command.withDescription("Show (or, as admin, set) the plan, job priority and timeout limits"))

const usage = Command.make(
  "usage",
  {
    ...clientOptions,
    organization: orgArg,
    start: Options.text("start").pipe(
      Options.withDescription("ISO 8601 or epoch ms (default: 30 days before end)"),
      Options.optional
    ),
    end: Options.text("end").pipe(Options.withDescription("ISO 8601 or epoch ms (default: now)"), Options.optional)
  },
  (o) =>
    withClient(o, (c) =>
      c.organizations.usage({
        path: { organization: o.organization },
        urlParams: { start: Option.getOrUndefined(o.start), end: Option.getOrUndefined(o.end) }
      })
    )
).pipe(Command.withDescription("Runner minutes and metrics for a period (leader)"))

export const orgCommand = Command.make("org").pipe(
  Command.withDescription("Organizations: create, claim, plan, usage"),
  Command.withSubcommands([list, create, view, update, claim, plan, usage])
)

import { Args, Command, Options } from "@effect/cli"
import { Effect, Option } from "effect"
import { clientOptions, makeBencherClient as apiClient, printJson } from "./client.js"
import { runnerUpCommand } from "./runner-up.js"
import { runnerRunCommand } from "./runner-run.js"

const project = Options.text("project").pipe(Options.withDescription("Project uuid or slug"))
const jobArg = Args.text({ name: "job" }).pipe(Args.withDescription("Job uuid"))
const perPage = Options.integer("per-page").pipe(Options.optional)
const page = Options.integer("page").pipe(Options.optional)
const orUndefined = <A>(o: Option.Option<A>) => Option.getOrUndefined(o)

const jobList = Command.make("list", {
  ...clientOptions,
  project,
  status: Options.choice("status", ["pending", "claimed", "running", "completed", "processed", "failed", "canceled"]).pipe(Options.optional),
  perPage,
  page
}, (o) =>
  Effect.gen(function*() {
    const client = yield* apiClient(o)
    yield* printJson(yield* client.jobs.list({
      path: { project: o.project },
      urlParams: { status: orUndefined(o.status), per_page: orUndefined(o.perPage), page: orUndefined(o.page) }
    }))
  })).pipe(Command.withDescription("List a project's remote jobs"))

const jobView = Command.make("view", { ...clientOptions, project, job: jobArg }, (o) =>
  Effect.gen(function*() {
    const client = yield* apiClient(o)
    yield* printJson(yield* client.jobs.view({ path: { project: o.project, job: o.job } }))
  })).pipe(Command.withDescription("View one job, with its output once it has run"))

const jobCancel = Command.make("cancel", { ...clientOptions, project, job: jobArg }, (o) =>
  Effect.gen(function*() {
    const client = yield* apiClient(o)
    yield* printJson(yield* client.jobs.cancel({ path: { project: o.project, job: o.job } }))
  })).pipe(Command.withDescription("Cancel a pending, claimed or running job; its runner is told within a second"))

export const jobCommand = Command.make("job").pipe(
  Command.withDescription("Remote jobs"),
  Command.withSubcommands([jobList, jobView, jobCancel])
)

const specArg = Args.text({ name: "spec" }).pipe(Args.withDescription("Spec uuid or slug"))
const specFields = {
  cpu: Options.integer("cpu").pipe(Options.optional),
  memory: Options.integer("memory").pipe(Options.withDescription("Bytes"), Options.optional),
  disk: Options.integer("disk").pipe(Options.withDescription("Bytes"), Options.optional),
  network: Options.boolean("network").pipe(Options.optional),
  sandbox: Options.choice("sandbox", ["firecracker", "oci", "bwrap", "unshare"]).pipe(Options.optional),
  fallback: Options.boolean("fallback").pipe(Options.optional)
}

const specCreate = Command.make("create", {
  ...clientOptions,
  name: Args.text({ name: "name" }),
  slug: Options.text("slug").pipe(Options.optional),
  os: Options.choice("os", ["linux", "macos", "windows"]).pipe(Options.optional),
  architecture: Options.choice("architecture", ["x86_64", "aarch64"]).pipe(Options.optional),
  ...specFields
}, (o) =>
  Effect.gen(function*() {
    const client = yield* apiClient(o)
    yield* printJson(yield* client.specs.create({
      payload: {
        name: o.name,
        slug: orUndefined(o.slug),
        os: orUndefined(o.os),
        architecture: orUndefined(o.architecture),
        cpu: Option.getOrElse(o.cpu, () => 1),
        memory: Option.getOrElse(o.memory, () => 512 * 1024 * 1024),
        disk: Option.getOrElse(o.disk, () => 1024 * 1024 * 1024),
        network: orUndefined(o.network),
        sandbox: orUndefined(o.sandbox),
        fallback: orUndefined(o.fallback)
      }
    }))
  })).pipe(Command.withDescription("Create a hardware spec (admin)"))

const specList = Command.make("list", { ...clientOptions, archived: Options.boolean("archived") }, (o) =>
  Effect.gen(function*() {
    const client = yield* apiClient(o)
    yield* printJson(yield* client.specs.list({ urlParams: { archived: o.archived } }))
  })).pipe(Command.withDescription("List specs (admin)"))

const specView = Command.make("view", { ...clientOptions, spec: specArg }, (o) =>
  Effect.gen(function*() {
    const client = yield* apiClient(o)
    yield* printJson(yield* client.specs.view({ path: { spec: o.spec } }))
  }))

const specUpdate = Command.make("update", {
  ...clientOptions,
  spec: specArg,
  name: Options.text("name").pipe(Options.optional),
  slug: Options.text("slug").pipe(Options.optional),
  archived: Options.boolean("archived").pipe(Options.optional),
  ...specFields
}, (o) =>
  Effect.gen(function*() {
    const client = yield* apiClient(o)
    yield* printJson(yield* client.specs.update({
      path: { spec: o.spec },
      payload: {
        name: orUndefined(o.name),
        slug: orUndefined(o.slug),
        cpu: orUndefined(o.cpu),
        memory: orUndefined(o.memory),
        disk: orUndefined(o.disk),
        network: orUndefined(o.network),
        sandbox: orUndefined(o.sandbox),
        fallback: orUndefined(o.fallback),
        archived: orUndefined(o.archived)
      }
    }))
  }))

const specDelete = Command.make("delete", { ...clientOptions, spec: specArg }, (o) =>
  Effect.gen(function*() {
    const client = yield* apiClient(o)
    yield* client.specs.remove({ path: { spec: o.spec } })
  }))

export const specCommand = Command.make("spec").pipe(
  Command.withDescription("Hardware specs (admin)"),
  Command.withSubcommands([specCreate, specList, specView, specUpdate, specDelete])
)

const runnerArg = Args.text({ name: "runner" }).pipe(Args.withDescription("Runner uuid or slug"))

const runnerCreate = Command.make("create", {
  ...clientOptions,
  name: Args.text({ name: "name" }),
  slug: Options.text("slug").pipe(Options.optional),
  spec: Options.text("spec").pipe(Options.repeated)
}, (o) =>
  Effect.gen(function*() {
    const client = yield* apiClient(o)
    yield* printJson(yield* client.runners.create({ payload: { name: o.name, slug: orUndefined(o.slug), specs: o.spec } }))
  })).pipe(Command.withDescription("Create a runner; its key is printed once"))

const runnerList = Command.make("list", { ...clientOptions, archived: Options.boolean("archived") }, (o) =>
  Effect.gen(function*() {
    const client = yield* apiClient(o)
    yield* printJson(yield* client.runners.list({ urlParams: { archived: o.archived } }))
  }))

const runnerView = Command.make("view", { ...clientOptions, runner: runnerArg }, (o) =>
  Effect.gen(function*() {
    const client = yield* apiClient(o)
    yield* printJson(yield* client.runners.view({ path: { runner: o.runner } }))
  }))

const runnerUpdate = Command.make("update", {
  ...clientOptions,
  runner: runnerArg,
  name: Options.text("name").pipe(Options.optional),
  slug: Options.text("slug").pipe(Options.optional),
  archived: Options.boolean("archived").pipe(Options.optional)
}, (o) =>
  Effect.gen(function*() {
    const client = yield* apiClient(o)
    yield* printJson(yield* client.runners.update({
      path: { runner: o.runner },
      payload: { name: orUndefined(o.name), slug: orUndefined(o.slug), archived: orUndefined(o.archived) }
    }))
  }))

const runnerKey = Command.make("key", { ...clientOptions, runner: runnerArg }, (o) =>
  Effect.gen(function*() {
    const client = yield* apiClient(o)
    yield* printJson(yield* client.runners.rotateKey({ path: { runner: o.runner } }))
  })).pipe(Command.withDescription("Rotate a runner's key; the old key stops working at once"))

const runnerSpec = Command.make("spec", {
  ...clientOptions,
  runner: runnerArg,
  add: Options.text("add").pipe(Options.repeated),
  remove: Options.text("remove").pipe(Options.repeated)
}, (o) =>
  Effect.gen(function*() {
    const client = yield* apiClient(o)
    for (const spec of o.add) yield* client.runners.addSpec({ path: { runner: o.runner }, payload: { spec } })
    for (const spec of o.remove) yield* client.runners.removeSpec({ path: { runner: o.runner, spec } })
    yield* printJson(yield* client.runners.listSpecs({ path: { runner: o.runner } }))
  })).pipe(Command.withDescription("List, add (--add) or remove (--remove) the specs a runner serves"))

export const runnerCommand = Command.make("runner").pipe(
  Command.withDescription("Runners: manage them (admin) and run one image locally in a sandbox"),
  Command.withSubcommands([runnerCreate, runnerList, runnerView, runnerUpdate, runnerKey, runnerSpec, runnerRunCommand, runnerUpCommand])
)

import { Args, Command, Options } from "@effect/cli"
import { Console, Duration, Effect, Option, Redacted } from "effect"
import type { JsonJob } from "../domain/job.js"
import { Architecture, OperatingSystem, Sandbox } from "../domain/spec.js"
import { baseUrlOf, clientOptions, connect, printJson } from "./backend.js"
import { reportFormats } from "./render/index.js"
import { DEFAULT_JOB_TIMEOUT_SECONDS } from "./run/remote.js"

const project = Options.text("project").pipe(Options.withDescription("Project uuid or slug"))
const jobArg = Args.text({ name: "job" }).pipe(Args.withDescription("Job uuid"))
const perPage = Options.integer("per-page").pipe(Options.optional)
const page = Options.integer("page").pipe(Options.optional)
const orUndefined = <A>(o: Option.Option<A>) => Option.getOrUndefined(o)

const jobList = Command.make(
  "list",
  {
    ...clientOptions,
    project,
    status: Options.choice("status", [
      "pending",
      "claimed",
      "running",
      "completed",
      "processed",
      "failed",
      "canceled"
    ]).pipe(Options.optional),
    perPage,
    page
  },
  (o) =>
    Effect.gen(function* () {
      const client = yield* connect(o)
      yield* printJson(
        yield* client.jobs.list({
          path: { project: o.project },
          urlParams: { status: orUndefined(o.status), per_page: orUndefined(o.perPage), page: orUndefined(o.page) }
        })
      )
    })
).pipe(Command.withDescription("List a project's remote jobs"))

/** `--output`: each iteration's stdout and stderr as the runner captured them, not the JSON. */
const printOutput = (job: JsonJob) =>
  Effect.gen(function* () {
    const results = job.output?.results ?? []
    if (results.length === 0) return yield* Console.error(`Job ${job.uuid} is ${job.status}; it has no output yet`)
    for (const [i, r] of results.entries()) {
      if (results.length > 1) yield* Console.log(`--- iteration ${i + 1} (exit code ${r.exit_code}) ---`)
      if ((r.stdout ?? "") !== "") process.stdout.write(r.stdout + ((r.stdout ?? "").endsWith("\n") ? "" : "\n"))
      if ((r.stderr ?? "") !== "") process.stderr.write(r.stderr + ((r.stderr ?? "").endsWith("\n") ? "" : "\n"))
    }
    if ((job.error ?? null) !== null) yield* Console.error(`error: ${job.error}`)
  })

const jobView = Command.make(
  "view",
  {
    ...clientOptions,
    project,
    job: jobArg,
    follow: Options.boolean("follow").pipe(
      Options.withDescription("Follow the job live until it ends, then print its report")
    ),
    output: Options.boolean("output").pipe(
      Options.withDescription("Print the job's stdout and stderr instead of its JSON")
    ),
    format: Options.choice("format", reportFormats).pipe(
      Options.withDescription("Report format (--follow)"),
      Options.withDefault("human" as const)
    ),
    errorOnAlert: Options.boolean("error-on-alert").pipe(
      Options.withAlias("err"),
      Options.withDescription("Exit 1 when the report has alerts (--follow)")
    ),
    quiet: Options.boolean("quiet").pipe(
      Options.withAlias("q"),
      Options.withDescription("Only print the final report (--follow)")
    ),
    jobPollInterval: Options.integer("job-poll-interval").pipe(
      Options.withAlias("poll-interval"),
      Options.withDescription("Seconds between polls when the live stream is unavailable (default 5)"),
      Options.optional
    ),
    waitTimeout: Options.integer("wait-timeout").pipe(
      Options.withDescription("Seconds to follow before giving up with exit 4 (default 7200)"),
      Options.optional
    ),
    cancelOnInterrupt: Options.boolean("cancel-on-interrupt").pipe(
      Options.withDescription("Ctrl-C cancels the job without asking")
    )
  },
  (o) =>
    Effect.gen(function* () {
      const client = yield* connect(o)
      const view = (projectRef: string, job: string) => client.jobs.view({ path: { project: projectRef, job } })
      if (!o.follow) {
        const job = yield* view(o.project, o.job)
        return yield* o.output ? printOutput(job) : printJson(job)
      }
      const target = {
        host: baseUrlOf(o.host),
        key: Option.getOrUndefined(Option.map(o.key, Redacted.value)),
        project: o.project,
        job: o.job
      }
      const iterations = (yield* view(o.project, o.job)).config?.iter ?? 1
      // Following loads the live job stream's client (RPC over a WebSocket) only when asked for.
      const { followAndReport, printRemoteReport } = yield* Effect.promise(() => import("./follow/remote.js"))
      const { streamEnabled } = yield* Effect.promise(() => import("./run/remote-run.js"))
      const report = yield* followAndReport(
        {
          viewJob: view,
          viewReport: (projectRef, report) => client.reports.view({ path: { project: projectRef, report } }),
          cancelJob: (projectRef, job) => client.jobs.cancel({ path: { project: projectRef, job } })
        },
        target,
        {
          report: undefined,
          format: o.format,
          errorOnAlert: o.errorOnAlert,
          quiet: o.quiet,
          iterations,
          pollInterval: Duration.seconds(Option.getOrElse(o.jobPollInterval, () => 5)),
          stream: yield* streamEnabled,
          waitTimeout: Duration.seconds(Option.getOrElse(o.waitTimeout, () => 2 * DEFAULT_JOB_TIMEOUT_SECONDS)),
          cancelOnInterrupt: o.cancelOnInterrupt
        }
      )
      yield* printRemoteReport(report, {
        format: o.format,
        host: baseUrlOf(o.host),
        onTheFly: false,
        errorOnAlert: o.errorOnAlert
      })
    })
).pipe(
  Command.withDescription("View one job (--output: its stdout/stderr; --follow: follow it live, then print its report)")
)

const jobCancel = Command.make("cancel", { ...clientOptions, project, job: jobArg }, (o) =>
  Effect.gen(function* () {
    const client = yield* connect(o)
    yield* printJson(yield* client.jobs.cancel({ path: { project: o.project, job: o.job } }))
  })
).pipe(Command.withDescription("Cancel a pending, claimed or running job; its runner is told within a second"))

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
  sandbox: Options.choice("sandbox", Sandbox.literals).pipe(Options.optional),
  fallback: Options.boolean("fallback").pipe(Options.optional)
}

const specCreate = Command.make(
  "create",
  {
    ...clientOptions,
    name: Args.text({ name: "name" }),
    slug: Options.text("slug").pipe(Options.optional),
    os: Options.choice("os", OperatingSystem.literals).pipe(Options.optional),
    architecture: Options.choice("architecture", Architecture.literals).pipe(Options.optional),
    ...specFields
  },
  (o) =>
    Effect.gen(function* () {
      const client = yield* connect(o)
      yield* printJson(
        yield* client.specs.create({
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
        })
      )
    })
).pipe(Command.withDescription("Create a hardware spec (admin)"))

const specList = Command.make("list", { ...clientOptions, archived: Options.boolean("archived") }, (o) =>
  Effect.gen(function* () {
    const client = yield* connect(o)
    yield* printJson(yield* client.specs.list({ urlParams: { archived: o.archived } }))
  })
).pipe(Command.withDescription("List specs (admin)"))

const specView = Command.make("view", { ...clientOptions, spec: specArg }, (o) =>
  Effect.gen(function* () {
    const client = yield* connect(o)
    yield* printJson(yield* client.specs.view({ path: { spec: o.spec } }))
  })
)

const specUpdate = Command.make(
  "update",
  {
    ...clientOptions,
    spec: specArg,
    name: Options.text("name").pipe(Options.optional),
    slug: Options.text("slug").pipe(Options.optional),
    archived: Options.boolean("archived").pipe(Options.optional),
    ...specFields
  },
  (o) =>
    Effect.gen(function* () {
      const client = yield* connect(o)
      yield* printJson(
        yield* client.specs.update({
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
        })
      )
    })
)

const specDelete = Command.make("delete", { ...clientOptions, spec: specArg }, (o) =>
  Effect.gen(function* () {
    const client = yield* connect(o)
    yield* client.specs.remove({ path: { spec: o.spec } })
  })
)

export const specCommand = Command.make("spec").pipe(
  Command.withDescription("Hardware specs (admin)"),
  Command.withSubcommands([specCreate, specList, specView, specUpdate, specDelete])
)

const runnerArg = Args.text({ name: "runner" }).pipe(Args.withDescription("Runner uuid or slug"))

const runnerCreate = Command.make(
  "create",
  {
    ...clientOptions,
    name: Args.text({ name: "name" }),
    slug: Options.text("slug").pipe(Options.optional),
    spec: Options.text("spec").pipe(Options.repeated)
  },
  (o) =>
    Effect.gen(function* () {
      const client = yield* connect(o)
      yield* printJson(
        yield* client.runners.create({ payload: { name: o.name, slug: orUndefined(o.slug), specs: o.spec } })
      )
    })
).pipe(Command.withDescription("Create a runner; its key is printed once"))

const runnerList = Command.make("list", { ...clientOptions, archived: Options.boolean("archived") }, (o) =>
  Effect.gen(function* () {
    const client = yield* connect(o)
    yield* printJson(yield* client.runners.list({ urlParams: { archived: o.archived } }))
  })
)

const runnerView = Command.make("view", { ...clientOptions, runner: runnerArg }, (o) =>
  Effect.gen(function* () {
    const client = yield* connect(o)
    yield* printJson(yield* client.runners.view({ path: { runner: o.runner } }))
  })
)

const runnerUpdate = Command.make(
  "update",
  {
    ...clientOptions,
    runner: runnerArg,
    name: Options.text("name").pipe(Options.optional),
    slug: Options.text("slug").pipe(Options.optional),
    archived: Options.boolean("archived").pipe(Options.optional)
  },
  (o) =>
    Effect.gen(function* () {
      const client = yield* connect(o)
      yield* printJson(
        yield* client.runners.update({
          path: { runner: o.runner },
          payload: { name: orUndefined(o.name), slug: orUndefined(o.slug), archived: orUndefined(o.archived) }
        })
      )
    })
)

const runnerKey = Command.make("key", { ...clientOptions, runner: runnerArg }, (o) =>
  Effect.gen(function* () {
    const client = yield* connect(o)
    yield* printJson(yield* client.runners.rotateKey({ path: { runner: o.runner } }))
  })
).pipe(Command.withDescription("Rotate a runner's key; the old key stops working at once"))

const runnerSpec = Command.make(
  "spec",
  {
    ...clientOptions,
    runner: runnerArg,
    add: Options.text("add").pipe(Options.repeated),
    remove: Options.text("remove").pipe(Options.repeated)
  },
  (o) =>
    Effect.gen(function* () {
      const client = yield* connect(o)
      for (const spec of o.add) yield* client.runners.addSpec({ path: { runner: o.runner }, payload: { spec } })
      for (const spec of o.remove) yield* client.runners.removeSpec({ path: { runner: o.runner, spec } })
      yield* printJson(yield* client.runners.listSpecs({ path: { runner: o.runner } }))
    })
).pipe(Command.withDescription("List, add (--add) or remove (--remove) the specs a runner serves"))

/** `bencher runner`'s client subcommands; the host ones (`run`, `up`) are added where the command tree is assembled. */
export const runnerClientCommands = [runnerCreate, runnerList, runnerView, runnerUpdate, runnerKey, runnerSpec] as const

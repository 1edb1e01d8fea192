import { Args, Command, Options } from "@effect/cli"
import { FetchHttpClient } from "@effect/platform"
import { Clock, Config, Console, Effect, Either, Option, ParseResult, Schema } from "effect"
import { DEFAULT_START_POINT_MAX_VERSIONS } from "../domain/limits.js"
import { JsonNewRun } from "../domain/run.js"
import { backendOptions, envText, isProjectKey, makeBencherClient, resolveBackend } from "./backend.js"
import { renderReport, reportFormats } from "./render/index.js"
import { benchCommand, DEFAULT_SHELL, DEFAULT_SHELL_FLAG, echoToConsole } from "./run/command.js"
import { AlertsDetected, ProjectRequired, RunFlagError } from "./run/errors.js"
import { buildNewRun, currentRunContext, runTimes } from "./run/new-run.js"
import { collectResults, readPipedStdin } from "./run/results.js"
import { parseStartPointFlags } from "./run/start-point.js"
import { parseThresholdFlags } from "./run/thresholds.js"
import { alertCount } from "./render/rows.js"
import { remoteJob } from "./run/remote.js"
import { runRemote } from "./run/remote-run.js"

// `bencher run` for a local run (docs/reference.md §4.1-4.2): run the benchmark command (or read files or
// stdin), build a JsonNewRun, POST /v0/run through the typed client, print the report, and fail on alerts with --err.

const optionalText = (name: string, description: string, env?: string) => {
  const base = Options.text(name).pipe(Options.withDescription(description))
  return (env === undefined ? base : base.pipe(Options.withFallbackConfig(envText(env)))).pipe(Options.optional)
}
const flag = (name: string, description: string) => Options.boolean(name).pipe(Options.withDescription(description))
const repeatedText = (name: string, description: string) =>
  Options.text(name).pipe(Options.withDescription(description), Options.repeated)

export const runOptions = {
  ...backendOptions,
  project: optionalText("project", "Project slug or UUID; created on the fly when absent (env BENCHER_PROJECT)", "BENCHER_PROJECT"),
  ciOnTheFly: flag("ci-on-the-fly", "Allow creating a project on the fly when CI=true"),
  branch: optionalText("branch", "Branch name, slug or UUID (env BENCHER_BRANCH; server default: git branch, else main)", "BENCHER_BRANCH")
    .pipe(Options.withAlias("if-branch")),
  hash: optionalText("hash", "Git commit hash of this run"),
  startPoint: repeatedText("start-point", "Branch to start a new branch from; empty or invalid values are ignored").pipe(
    Options.withAlias("branch-start-point"),
    Options.withAlias("else-if-branch")
  ),
  startPointHash: optionalText("start-point-hash", "Git hash of the start point (requires --start-point)").pipe(
    Options.withAlias("branch-start-point-hash")
  ),
  startPointMaxVersions: Options.integer("start-point-max-versions").pipe(
    Options.withDescription("Historical versions copied from the start point"),
    Options.withDefault(DEFAULT_START_POINT_MAX_VERSIONS)
  ),
  startPointCloneThresholds: flag("start-point-clone-thresholds", "Copy the start point's thresholds"),
  startPointReset: flag("start-point-reset", "Start a new head for the branch").pipe(Options.withAlias("branch-reset")),
  testbed: optionalText("testbed", "Testbed name, slug or UUID (env BENCHER_TESTBED; server default: OS, else localhost)", "BENCHER_TESTBED"),
  adapter: Options.text("adapter").pipe(
    Options.withDescription("Adapter of the benchmark output (env BENCHER_ADAPTER)"),
    Options.withFallbackConfig(envText("BENCHER_ADAPTER")),
    Options.withDefault("magic")
  ),
  average: Options.choice("average", ["mean", "median"]).pipe(Options.withDescription("Which average the adapter takes"), Options.optional),
  iter: Options.integer("iter").pipe(Options.withDescription("Run the command this many times (default 1)"), Options.optional),
  fold: Options.choice("fold", ["min", "max", "mean", "median"]).pipe(
    Options.withDescription("Fold the iterations into one (requires --iter)"),
    Options.optional
  ),
  backdate: Options.integer("backdate").pipe(Options.withDescription("Start time as epoch seconds"), Options.optional),
  allowFailure: flag("allow-failure", "Skip iterations whose command exits non-zero"),
  thresholdMeasures: repeatedText("threshold-measure", "Measure of a threshold (repeatable)"),
  thresholdTests: repeatedText("threshold-test", "Test of each threshold: static, percentage, z_score, t_test, log_normal, iqr, delta_iqr"),
  thresholdMinSampleSizes: repeatedText("threshold-min-sample-size", "Minimum sample size of each threshold (_ for none)"),
  thresholdMaxSampleSizes: repeatedText("threshold-max-sample-size", "Maximum sample size of each threshold (_ for none)"),
  thresholdWindows: repeatedText("threshold-window", "Window in seconds of each threshold (_ for none)"),
  thresholdLowerBoundaries: repeatedText("threshold-lower-boundary", "Lower boundary of each threshold (_ for none)"),
  thresholdUpperBoundaries: repeatedText("threshold-upper-boundary", "Upper boundary of each threshold (_ for none)"),
  thresholdsReset: flag("thresholds-reset", "Remove the models of this branch and testbed's thresholds not listed"),
  errorOnAlert: flag("error-on-alert", "Exit 1 when the report has alerts").pipe(Options.withAlias("err")),
  format: Options.choice("format", reportFormats).pipe(Options.withDescription("Report format"), Options.withDefault("human" as const)),
  quiet: flag("quiet", "Only print the final report").pipe(Options.withAlias("q")),
  dryRun: flag("dry-run", "Print the report JSON that would be sent and send nothing"),
  buildTime: flag("build-time", "Report the command's wall time as build-time"),
  files: repeatedText("file", "Read results from this file after the command (repeatable; one iteration each)"),
  fileSizes: repeatedText("file-size", "Report this file's size as file-size (repeatable)"),
  shell: Options.text("shell").pipe(Options.withDescription("Shell for a single-string command"), Options.withDefault(DEFAULT_SHELL)),
  shellFlag: Options.text("flag").pipe(Options.withDescription("Shell flag before the command"), Options.withDefault(DEFAULT_SHELL_FLAG)),
  exec: flag("exec", "Run the command as argv, without a shell"),
  image: optionalText("image", "Run this image remotely on a runner instead of a local command ([registry/]<project>:<tag>)"),
  spec: optionalText("spec", "Hardware spec (slug or UUID) of the remote run (requires --image)"),
  entrypoint: optionalText("entrypoint", "Override the image's entrypoint (one string, like docker run --entrypoint)"),
  cmd: repeatedText("cmd", "Override the image's command, one argument per --cmd (repeatable)"),
  env: repeatedText("env", "KEY=VALUE added to the remote job's environment (repeatable)"),
  jobTimeout: Options.integer("job-timeout").pipe(Options.withDescription("Seconds the remote job may run"), Options.optional),
  detach: flag("detach", "Submit the remote job, print its uuid and how to follow it, and exit"),
  jobPollInterval: Options.integer("job-poll-interval").pipe(
    Options.withAlias("poll-interval"),
    Options.withDescription("Seconds between polls when the live job stream is unavailable (default 5)"),
    Options.optional
  ),
  waitTimeout: Options.integer("wait-timeout").pipe(
    Options.withDescription("Seconds to follow the remote job before giving up with exit 4 (default twice --job-timeout)"),
    Options.optional
  ),
  cancelOnInterrupt: flag("cancel-on-interrupt", "Ctrl-C cancels the remote job without asking"),
  command: Args.text({ name: "command" }).pipe(Args.withDescription("Benchmark command (env BENCHER_CMD)"), Args.repeated)
}

export type RunOptions = Command.Command.ParseConfig<typeof runOptions>

const orFlagError = <A>(parsed: Either.Either<A, string>) =>
  Either.match(parsed, { onLeft: (message) => Effect.fail(new RunFlagError({ message })), onRight: Effect.succeed })

/** Everything that can be checked before the command runs, so a bad flag does not cost a benchmark run. */
export const checkRunFlags = (options: RunOptions, env: { readonly ci: boolean }) =>
  Effect.gen(function*() {
    const backend = resolveBackend(options)
    const project = Option.getOrUndefined(options.project)
    const remote = remoteJob(options, options)
    if (typeof remote === "string") return yield* new RunFlagError({ message: remote })
    // A remote run's project may come from its image reference, [registry/]<project>:<tag>.
    const derivable = remote.job !== undefined
    if (project === undefined && isProjectKey(backend.key) && !derivable) {
      return yield* new ProjectRequired({ message: "A project key (bencher_run_*) requires --project" })
    }
    if (project === undefined && env.ci && !options.ciOnTheFly && !derivable) {
      return yield* new ProjectRequired({
        message: "No --project given while CI=true: pass --project, or --ci-on-the-fly to create a project on the fly"
      })
    }
    if (Option.isSome(options.fold) && Option.isNone(options.iter)) {
      return yield* new RunFlagError({ message: "--fold requires --iter" })
    }
    if (options.buildTime && options.files.length > 0) {
      return yield* new RunFlagError({ message: "--build-time cannot be used with --file" })
    }
    const thresholds = yield* orFlagError(parseThresholdFlags({
      measures: options.thresholdMeasures,
      tests: options.thresholdTests,
      minSampleSizes: options.thresholdMinSampleSizes,
      maxSampleSizes: options.thresholdMaxSampleSizes,
      windows: options.thresholdWindows,
      lowerBoundaries: options.thresholdLowerBoundaries,
      upperBoundaries: options.thresholdUpperBoundaries,
      reset: options.thresholdsReset
    }))
    const startPoint = yield* orFlagError(parseStartPointFlags({
      startPoints: options.startPoint,
      hash: Option.getOrUndefined(options.startPointHash),
      maxVersions: options.startPointMaxVersions,
      cloneThresholds: options.startPointCloneThresholds,
      reset: options.startPointReset
    }))
    return { backend, project, thresholds, startPoint, job: remote.job }
  })

/**
 * The body is checked against the contract before anything is printed or sent, so a bad `--branch` or `--hash`
 * reads `--branch: must be ...` rather than a schema dump from the client's encoder.
 */
export const validateNewRun = (run: JsonNewRun) =>
  Schema.validate(JsonNewRun)(run, { errors: "all" }).pipe(
    Effect.mapError((error) => {
      const issues = ParseResult.ArrayFormatter.formatErrorSync(error)
      // Optional fields are unions with null and undefined; their "Expected null" members only repeat the issue.
      const meaningful = issues.filter((issue) => !/^Expected (null|undefined), actual/.test(issue.message))
      return new RunFlagError({
        message: (meaningful.length > 0 ? meaningful : issues)
          .map((issue) => `${issue.path.length > 0 ? issue.path.join(".") + ": " : ""}${issue.message}`)
          .join("; ")
      })
    })
  )

export const runCommand = Command.make("run", runOptions, (options) =>
  Effect.gen(function*() {
    const ci = Option.getOrElse(yield* Config.boolean("CI").pipe(Config.option, Effect.orElseSucceed(() => Option.none<boolean>())), () => false)
    const { backend, project, thresholds, startPoint, job } = yield* checkRunFlags(options, { ci })
    if (job !== undefined) return yield* runRemote(options, { backend, project, thresholds, startPoint, job })
    const envCommand = yield* envText("BENCHER_CMD").pipe(Config.option, Effect.orElseSucceed(() => Option.none<string>()))
    const args = options.command.length > 0 ? options.command : Option.match(envCommand, { onNone: () => [], onSome: (c) => [c] })
    const command = benchCommand(args, { exec: options.exec, shell: options.shell, flag: options.shellFlag })
    if (options.buildTime && command === undefined) return yield* new RunFlagError({ message: "--build-time requires a command" })
    const say = (text: string) => (options.quiet ? Effect.void : Console.log(text))

    const started = new Date(yield* Clock.currentTimeMillis)
    const results = yield* collectResults({
      command,
      iter: Option.getOrElse(options.iter, () => 1),
      files: options.files,
      fileSizes: options.fileSizes,
      buildTime: options.buildTime,
      allowFailure: options.allowFailure,
      echo: options.quiet ? undefined : echoToConsole,
      log: options.quiet ? undefined : (line) => process.stderr.write(line + "\n"),
      readStdin: readPipedStdin
    })
    const { start, end } = runTimes(started, new Date(yield* Clock.currentTimeMillis), Option.getOrUndefined(options.backdate))

    const newRun = yield* validateNewRun(buildNewRun({
      project,
      branch: Option.getOrUndefined(options.branch),
      hash: Option.getOrUndefined(options.hash),
      startPoint,
      testbed: Option.getOrUndefined(options.testbed),
      thresholds,
      startTime: start,
      endTime: end,
      results,
      adapter: options.adapter,
      average: Option.getOrUndefined(options.average),
      fold: Option.getOrUndefined(options.fold),
      context: currentRunContext(),
      idempotencyKey: crypto.randomUUID()
    }))
    yield* say(`Benchmark Harness Results:\n${results.join("\n")}\n`)
    const json = JSON.stringify(newRun, null, 2)
    if (options.dryRun) {
      yield* Console.log(options.quiet ? json : `Bencher New Report:\n${json}`)
      return
    }
    yield* say(`Bencher New Report:\n${json}\n`)

    const client = yield* makeBencherClient(backend)
    const report = yield* client.run.run({ payload: newRun })
    yield* Console.log(renderReport(report, options.format, { host: backend.host, onTheFly: project === undefined }))

    const alerts = alertCount(report)
    if (options.errorOnAlert && alerts > 0) return yield* new AlertsDetected({ message: `Alerts detected (${alerts})`, count: alerts })
  }).pipe(Effect.provide(FetchHttpClient.layer))).pipe(
  Command.withDescription("Run a benchmark command (or read results), send the report, and check it for alerts")
)

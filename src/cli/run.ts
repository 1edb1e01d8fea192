import { Command } from "@effect/cli"
import { FetchHttpClient } from "@effect/platform"
import { Clock, Config, Console, Effect, Either, Option } from "effect"
import { envText, isProjectKey, makeBencherClient, resolveBackend } from "./backend.js"
import { renderReport } from "./render/index.js"
import { benchCommand, echoToConsole } from "./run/command.js"
import { AlertsDetected, ProjectRequired, RunFlagError } from "./run/errors.js"
import { buildNewRun, currentRunContext, runTimes } from "./run/new-run.js"
import { collectResults, readPipedStdin, warnSkippedLines } from "./run/results.js"
import { parseStartPointFlags } from "./run/start-point.js"
import { parseThresholdFlags } from "./run/thresholds.js"
import { alertCount } from "./render/rows.js"
import { remoteJob } from "./run/remote.js"
import { type RunOptions, runOptions } from "./run/options.js"
import { validateNewRun } from "./run/validate.js"
import { type CiSettings, planCi, postCi } from "./ci/index.js"
import { unknownFlagMessage, unknownFlagOf } from "./run/flags.js"
import { UnknownRunFlag } from "./run/errors.js"

// `bencher run` for a local run (docs/reference.md §4.1-4.2): run the benchmark command (or read files or
// stdin), build a JsonNewRun, POST /v0/run through the typed client, print the report, and fail on alerts with --err.

const orFlagError = <A>(parsed: Either.Either<A, string>) =>
  Either.match(parsed, { onLeft: (message) => Effect.fail(new RunFlagError({ message })), onRight: Effect.succeed })

/** Everything that can be checked before the command runs, so a bad flag does not cost a benchmark run. */
export const checkRunFlags = (options: RunOptions, env: { readonly ci: boolean }) =>
  Effect.gen(function* () {
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
    if (options.specReset && Option.isSome(options.image)) {
      return yield* new RunFlagError({ message: "--spec-reset cannot be used with --image" })
    }
    if (Option.isNone(options.githubActions) && Option.isNone(options.gitlabCi)) {
      const ciFlag = options.ciOnlyThresholds
        ? "--ci-only-thresholds"
        : options.ciOnlyOnAlert
          ? "--ci-only-on-alert"
          : undefined
      if (ciFlag !== undefined)
        return yield* new RunFlagError({ message: `${ciFlag} requires --github-actions or --gitlab-ci` })
    }
    const thresholds = yield* orFlagError(
      parseThresholdFlags({
        measures: options.thresholdMeasures,
        tests: options.thresholdTests,
        minSampleSizes: options.thresholdMinSampleSizes,
        maxSampleSizes: options.thresholdMaxSampleSizes,
        windows: options.thresholdWindows,
        lowerBoundaries: options.thresholdLowerBoundaries,
        upperBoundaries: options.thresholdUpperBoundaries,
        reset: options.thresholdsReset
      })
    )
    const startPoint = yield* orFlagError(
      parseStartPointFlags({
        startPoints: options.startPoint,
        hash: Option.getOrUndefined(options.startPointHash),
        maxVersions: options.startPointMaxVersions,
        cloneThresholds: options.startPointCloneThresholds,
        reset: options.startPointReset
      })
    )
    return { backend, project, thresholds, startPoint, job: remote.job }
  })

/** The `--github-actions`, `--gitlab-ci` and `--ci-*` flags (docs/ci.md). */
export const ciSettingsOf = (options: RunOptions): CiSettings => ({
  githubToken: Option.getOrUndefined(options.githubActions),
  gitlabToken: Option.getOrUndefined(options.gitlabCi),
  ciId: Option.getOrUndefined(options.ciId),
  ciNumber: Option.getOrUndefined(options.ciNumber),
  onlyThresholds: options.ciOnlyThresholds,
  onlyOnAlert: options.ciOnlyOnAlert,
  publicLinks: options.ciPublicLinks,
  pwnOverride: options.ciIAmVulnerableToPwnRequests
})

/** `--spec-reset`: the run clears the testbed's hardware spec (Bencher's `spec_reset`). */
export const withSpecReset = <A extends object>(specReset: boolean, newRun: A): A =>
  specReset ? { ...newRun, spec_reset: true } : newRun

export const runCommand = Command.make("run", runOptions, (options) =>
  Effect.gen(function* () {
    const unknown = unknownFlagOf(options.command, process.argv)
    if (unknown !== undefined) return yield* new UnknownRunFlag({ message: unknownFlagMessage(unknown) })
    // Bencher's --insecure-host: accept the backend's invalid certificate (Node reads this at each TLS connect).
    if (options.insecureHost) process.env.NODE_TLS_REJECT_UNAUTHORIZED = "0"
    const ci = Option.getOrElse(
      yield* Config.boolean("CI").pipe(
        Config.option,
        Effect.orElseSucceed(() => Option.none<boolean>())
      ),
      () => false
    )
    const { backend, project, thresholds, startPoint, job } = yield* checkRunFlags(options, { ci })
    // The CI plan is read before the benchmark runs, so a fork's pull request is refused before it costs a run.
    // With --quiet the CI notes are not printed; warnings about failures to post always are.
    const ciSay = options.quiet ? () => {} : (line: string) => void process.stderr.write(line + "\n")
    const ciPlan = options.dryRun ? undefined : yield* planCi(ciSettingsOf(options), process.env, ciSay)
    // A remote run loads the job stream's client (RPC over a WebSocket) only when asked for.
    if (job !== undefined) {
      const { runRemote } = yield* Effect.promise(() => import("./run/remote-run.js"))
      return yield* runRemote(options, { backend, project, thresholds, startPoint, job, ciPlan, ciSay })
    }
    const envCommand = yield* envText("BENCHER_CMD").pipe(
      Config.option,
      Effect.orElseSucceed(() => Option.none<string>())
    )
    const args =
      options.command.length > 0 ? options.command : Option.match(envCommand, { onNone: () => [], onSome: (c) => [c] })
    const command = benchCommand(args, { exec: options.exec, shell: options.shell, flag: options.shellFlag })
    if (options.buildTime && command === undefined)
      return yield* new RunFlagError({ message: "--build-time requires a command" })
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
    const { start, end } = runTimes(
      started,
      new Date(yield* Clock.currentTimeMillis),
      Option.getOrUndefined(options.backdate)
    )
    yield* warnSkippedLines(results, options.adapter, Option.getOrUndefined(options.average))

    const newRun = yield* validateNewRun(
      withSpecReset(
        options.specReset,
        buildNewRun({
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
        })
      )
    )
    yield* say(`Benchmark Harness Results:\n${results.join("\n")}\n`)
    const json = JSON.stringify(newRun, null, 2)
    if (options.dryRun) {
      yield* Console.log(options.quiet ? json : `Bencher New Report:\n${json}`)
      return
    }
    yield* say(`Bencher New Report:\n${json}\n`)

    const client = yield* makeBencherClient(backend)
    const report = yield* client.run.run({ payload: newRun })
    const render = { host: backend.host, onTheFly: project === undefined }
    yield* Console.log(renderReport(report, options.format, render))
    if (ciPlan !== undefined) yield* postCi(ciPlan, report, render, ciSay)

    const alerts = alertCount(report)
    if (options.errorOnAlert && alerts > 0)
      return yield* new AlertsDetected({ message: `Alerts detected (${alerts})`, count: alerts })
  }).pipe(Effect.provide(FetchHttpClient.layer))
).pipe(Command.withDescription("Run a benchmark command (or read results), send the report, and check it for alerts"))

import { Console, Duration, Effect } from "effect"
import type { JsonJob } from "../../domain/job.js"
import type { JsonReport } from "../../domain/report.js"
import { renderReport, type ReportFormat } from "../render/index.js"
import { alertCount } from "../render/rows.js"
import { AlertsDetected } from "../run/errors.js"
import { type FollowDisplay, lineDisplay, quietDisplay, ttyDisplay } from "./display.js"
import { FollowInterrupted, JobCanceled, JobFailed, WaitTimedOut } from "./errors.js"
import { type FollowApi, followJob, type FollowTarget } from "./follow.js"
import { onCtrlC } from "./interrupt.js"

// The end of `bencher run --image` and `bencher job view --follow`: follow the job, then show the processed report
// exactly as a local run does, or say why it did not get there (exit codes 0/1/2/3/4/130, listed in the README).

export interface RemoteApi extends FollowApi {
  readonly viewReport: (project: string, report: string) => Effect.Effect<JsonReport, unknown>
  readonly cancelJob: (project: string, job: string) => Effect.Effect<JsonJob, unknown>
}

export interface RemoteOptions {
  /** The report the job fills; taken from the job when unknown (`job view --follow`). */
  readonly report: string | undefined
  readonly format: ReportFormat
  readonly errorOnAlert: boolean
  readonly quiet: boolean
  /** More than one iteration: output lines are prefixed with theirs. */
  readonly iterations: number
  readonly pollInterval: Duration.Duration
  readonly stream: boolean
  readonly waitTimeout: Duration.Duration
  readonly cancelOnInterrupt: boolean
}

/** The command that attaches to the job again. */
export const followCommand = (target: Pick<FollowTarget, "project" | "job">) =>
  `bencher job view ${target.job} --project ${target.project} --follow`

const outputCommand = (target: Pick<FollowTarget, "project" | "job">) =>
  `bencher job view ${target.job} --project ${target.project} --output`

/** The last lines of the job's stderr (of its last iteration that wrote any). */
export const stderrTail = (job: JsonJob, lines = 20): string | undefined => {
  const withStderr = (job.output?.results ?? []).filter((r) => (r.stderr ?? "") !== "")
  const last = withStderr[withStderr.length - 1]?.stderr
  if (last === undefined || last === null) return undefined
  return last.replace(/\n$/, "").split("\n").slice(-lines).join("\n")
}

const displayFor = (job: string, options: RemoteOptions): FollowDisplay =>
  options.quiet
    ? quietDisplay
    : process.stderr.isTTY === true
      ? ttyDisplay(job, { prefixIterations: options.iterations > 1, startedAt: Date.now() })
      : lineDisplay(job, { prefixIterations: options.iterations > 1 })

export const followAndReport = (api: RemoteApi, target: FollowTarget, options: RemoteOptions) =>
  Effect.gen(function* () {
    const display = displayFor(target.job, options)
    const follow = followJob(api, target, { pollInterval: options.pollInterval, stream: options.stream, display }).pipe(
      Effect.timeoutFail({
        duration: options.waitTimeout,
        onTimeout: () =>
          new WaitTimedOut({
            message:
              `Stopped waiting for job ${target.job} after ${Duration.format(options.waitTimeout)}; it keeps running. ` +
              `Follow it again with: ${followCommand(target)}`
          })
      })
    )
    const cancel = Effect.gen(function* () {
      display.close()
      process.stderr.write(`\nCanceling job ${target.job}...\n`)
      const canceled = yield* api.cancelJob(target.project, target.job).pipe(Effect.either)
      const how =
        canceled._tag === "Right"
          ? "canceled"
          : `not canceled (${String((canceled.left as { message?: unknown }).message ?? canceled.left)})`
      return yield* new FollowInterrupted({ message: `Interrupted: job ${target.job} ${how}` })
    })
    const outcome = yield* onCtrlC(follow, {
      confirm: !options.cancelOnInterrupt && process.stdin.isTTY === true && process.stderr.isTTY === true,
      cancel,
      asking: (asking) => display.pause(asking),
      leave: () => {
        display.close()
        process.stderr.write(`\nLeft job ${target.job} running. Follow it again with: ${followCommand(target)}\n`)
        process.exit(130)
      }
    }).pipe(Effect.ensuring(Effect.sync(() => display.close())))

    if (outcome.status === "canceled") {
      return yield* new JobCanceled({
        message: `Job ${target.job} was canceled${outcome.error === null ? "" : ` (${outcome.error})`}`
      })
    }
    if (outcome.status === "failed") {
      // The end of stderr, unless it was just shown live.
      if (options.quiet || !outcome.shownStderr) {
        const job = yield* api.viewJob(target.project, target.job).pipe(Effect.option)
        const tail = job._tag === "Some" ? stderrTail(job.value) : undefined
        if (tail !== undefined) yield* Console.error(`stderr (last lines):\n${tail}`)
      }
      return yield* new JobFailed({
        message: `Job ${target.job} failed: ${outcome.error ?? "no reason given"}. Full output: ${outputCommand(target)}`
      })
    }
    if (outcome.report !== undefined) return outcome.report
    const reportUuid = options.report ?? (yield* api.viewJob(target.project, target.job)).report ?? undefined
    if (reportUuid === undefined) return yield* new JobFailed({ message: `Job ${target.job} has no report` })
    const report = yield* api.viewReport(target.project, reportUuid)
    return report
  })

/** Prints the report as a local run does and fails with exit 1 on alerts with `--err`. */
export const printRemoteReport = (
  report: JsonReport,
  options: {
    readonly format: ReportFormat
    readonly host: string
    readonly onTheFly: boolean
    readonly errorOnAlert: boolean
  }
) =>
  Effect.gen(function* () {
    yield* Console.log(renderReport(report, options.format, { host: options.host, onTheFly: options.onTheFly }))
    const alerts = alertCount(report)
    if (options.errorOnAlert && alerts > 0)
      return yield* new AlertsDetected({ message: `Alerts detected (${alerts})`, count: alerts })
  })

import { Clock, Config, Console, Duration, Effect, Option } from "effect"
import type { JsonNewRunJob, JsonReportThresholds, JsonUpdateStartPoint } from "../../domain/run.js"
import { type BackendConfig, makeBencherClient } from "../backend.js"
import { followCommand, followAndReport, printRemoteReport, type RemoteApi } from "../follow/remote.js"
import type { BencherClient } from "../backend.js"
import type { RunOptions } from "./options.js"
import { validateNewRun } from "./validate.js"
import { buildNewRun, currentRunContext } from "./new-run.js"
import { waitTimeoutSeconds } from "./remote.js"
import { type CiPlan, postCi } from "../ci/index.js"

/** The REST calls of a follower, through the run's own client (retries, timeouts, error bodies). */
export const remoteApiOf = (client: BencherClient): RemoteApi => ({
  viewJob: (project, job) => client.jobs.view({ path: { project, job } }),
  viewReport: (project, report) => client.reports.view({ path: { project, report } }),
  cancelJob: (project, job) => client.jobs.cancel({ path: { project, job } })
})

/** `BENCHER_FOLLOW_STREAM=false` follows by polling only, as Bencher's CLI does (the follow bench's baseline). */
export const streamEnabled = Config.boolean("BENCHER_FOLLOW_STREAM").pipe(
  Config.withDefault(true),
  Effect.orElseSucceed(() => true)
)

/**
 * `bencher run --image`: POST the run with its `job` (no results), then follow the job until it is processed and
 * print its report like a local run; `--detach` stops after the submission.
 */
export const runRemote = (
  options: RunOptions,
  checked: {
    readonly backend: BackendConfig
    readonly project: string | undefined
    readonly thresholds: typeof JsonReportThresholds.Type | undefined
    readonly startPoint: typeof JsonUpdateStartPoint.Type | undefined
    readonly job: JsonNewRunJob
    /** Where to post the report in CI (docs/ci.md), read before the run. */
    readonly ciPlan?: CiPlan | undefined
    readonly ciSay?: ((line: string) => void) | undefined
  }
) =>
  Effect.gen(function* () {
    const now = new Date(yield* Clock.currentTimeMillis)
    const newRun = yield* validateNewRun({
      ...buildNewRun({
        project: checked.project,
        branch: Option.getOrUndefined(options.branch),
        hash: Option.getOrUndefined(options.hash),
        startPoint: checked.startPoint,
        testbed: Option.getOrUndefined(options.testbed),
        thresholds: checked.thresholds,
        startTime: now,
        endTime: now,
        results: [],
        adapter: options.adapter,
        average: Option.getOrUndefined(options.average),
        fold: Option.getOrUndefined(options.fold),
        context: currentRunContext(),
        idempotencyKey: crypto.randomUUID()
      }),
      job: checked.job
    })
    const json = JSON.stringify(newRun, null, 2)
    if (options.dryRun) {
      yield* Console.log(options.quiet ? json : `Bencher New Report:\n${json}`)
      return
    }
    const client = yield* makeBencherClient(checked.backend)
    const submitted = yield* client.run.run({ payload: newRun })
    const job = submitted.job ?? undefined
    if (job === undefined) {
      return yield* Effect.dieMessage("the server answered a remote run without a job (does it support --image?)")
    }
    const target = {
      host: checked.backend.host,
      key: Option.getOrUndefined(checked.backend.key),
      project: submitted.project.slug,
      job
    }
    if (options.detach) {
      yield* Console.log(options.quiet ? job : `Remote job submitted: ${job}\nFollow it with: ${followCommand(target)}`)
      return
    }
    if (!options.quiet) yield* Console.error(`Remote job submitted: ${job}`)
    const api = remoteApiOf(client)
    const report = yield* followAndReport(api, target, {
      report: submitted.uuid,
      format: options.format,
      errorOnAlert: options.errorOnAlert,
      quiet: options.quiet,
      iterations: Option.getOrElse(options.iter, () => 1),
      pollInterval: Duration.seconds(Option.getOrElse(options.jobPollInterval, () => 5)),
      stream: yield* streamEnabled,
      waitTimeout: Duration.seconds(waitTimeoutSeconds(options)),
      cancelOnInterrupt: options.cancelOnInterrupt
    })
    if (checked.ciPlan !== undefined)
      yield* postCi(checked.ciPlan, report, { host: checked.backend.host, onTheFly: false }, checked.ciSay)
    yield* printRemoteReport(report, {
      format: options.format,
      host: checked.backend.host,
      // The image's project exists already (its registry holds the image), so it was never created on the fly.
      onTheFly: false,
      errorOnAlert: options.errorOnAlert
    })
  })

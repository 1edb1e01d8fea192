import { Context, Duration, Effect, Either, Layer, Option, ParseResult, Schema } from "effect"
import { BadRequest } from "../domain/errors.js"
import { JsonIterationOutput, JsonJobOutput } from "../domain/job.js"
import { MAX_OUTCOME_CHARS } from "../domain/limits.js"
import { JobNotHeld, JsonClaimedJob, OutcomeIncomplete, OutcomeRejected, OutcomeText } from "../domain/runner.js"
import { toIso } from "../domain/time.js"
import type { AuthenticatedRunner } from "../runners/runners.js"
import { Specs, specJson } from "../runners/specs.js"
import { jobConfigOf } from "./jobs.js"
import { isTerminal } from "../domain/job.js"
import { JobEvents, type OutputStream } from "./events.js"
import { JobLifecycle } from "./lifecycle.js"
import { type JobRow, statusOf } from "./job-row.js"
import { JobCompletion, JobOutputStore, RunnerPullTokens } from "./output.js"
import { DEFAULT_POLL_TIMEOUT, JobQueue } from "./queue.js"
import { JobSupervisor } from "./supervisor.js"

/** The parts of one outcome a runner is sending (`OutcomePart`), until its `OutcomeEnd`. */
interface OutcomeUpload {
  readonly runnerId: number
  readonly parts: Array<string>
  chars: number
  touched: number
}

/** An upload its runner left unfinished this long (it died, or restarted and began anew) is dropped. */
const UPLOAD_IDLE_MS = 10 * 60 * 1000

const decodeOutcome = Schema.decodeUnknownEither(Schema.parseJson(OutcomeText))

const make = Effect.gen(function* () {
  const queue = yield* JobQueue
  const supervisor = yield* JobSupervisor
  const lifecycle = yield* JobLifecycle
  const specs = yield* Specs
  const outputs = yield* JobOutputStore
  const completion = yield* JobCompletion
  const tokens = yield* RunnerPullTokens
  const events = yield* JobEvents

  const notHeld = (uuid: string) => new JobNotHeld({ message: `Job ${uuid} is not held by this runner` })

  /** The job row, if (and only if) this runner is the one that claimed it. */
  const ownRow = (runner: AuthenticatedRunner, uuid: string) =>
    Effect.flatMap(lifecycle.byUuid(uuid), (row) =>
      row !== undefined && row.runner_id === runner.id ? Effect.succeed(row) : Effect.fail(notHeld(uuid))
    )

  const claimed = (runner: AuthenticatedRunner, row: JobRow) =>
    Effect.gen(function* () {
      const config = yield* Option.match(jobConfigOf(row), {
        onNone: () => Effect.dieMessage(`job ${row.uuid} has an unreadable config`),
        onSome: Effect.succeed
      })
      return JsonClaimedJob.make(
        {
          uuid: row.uuid,
          spec: specJson(yield* specs.byId(row.spec_id)),
          config,
          oci_token: yield* tokens.mint(config.project, runner.uuid),
          timeout: row.timeout,
          created: toIso(row.created)
        },
        { disableValidation: true }
      )
    })

  /** Waits (in memory) for a job this runner serves, claims it and starts its supervisor. */
  const claim = (runner: AuthenticatedRunner, pollTimeoutSeconds?: number | null) =>
    Effect.gen(function* () {
      const timeout =
        pollTimeoutSeconds === undefined || pollTimeoutSeconds === null
          ? DEFAULT_POLL_TIMEOUT
          : Duration.seconds(pollTimeoutSeconds)
      const row = yield* queue.claim(runner, timeout)
      if (Option.isNone(row)) return Option.none<JsonClaimedJob>()
      yield* supervisor.supervise(row.value)
      return Option.some(yield* claimed(runner, row.value))
    })

  /** Heartbeats and `running` outside memory (after a failure, a cancel, a restart): the database decides. */
  const fromStore = (runner: AuthenticatedRunner, uuid: string) =>
    Effect.map(ownRow(runner, uuid), (row) => ({ canceled: statusOf(row) === "canceled" }))

  const running = (runner: AuthenticatedRunner, uuid: string) =>
    Effect.flatMap(supervisor.running(runner.id, uuid), (r) =>
      r === undefined ? fromStore(runner, uuid) : Effect.succeed(r)
    )

  const heartbeat = (runner: AuthenticatedRunner, uuid: string) =>
    Effect.flatMap(supervisor.heartbeat(runner.id, uuid), (r) =>
      r === undefined ? fromStore(runner, uuid) : Effect.succeed(r)
    )

  /**
   * A failed write of the raw output (a full disk under the blob store) must not strand the job in `completed`:
   * the output is processed from memory all the same and only its stored copy is missing.
   */
  const store = (jobId: number, output: JsonJobOutput) =>
    outputs
      .put(jobId, output)
      .pipe(
        Effect.catchAllDefect((defect) =>
          Effect.logError("storing a job's output failed; processing it from memory", defect)
        )
      )

  const checkResults = (results: ReadonlyArray<JsonIterationOutput>) =>
    results.length > 255 ? Effect.fail(new BadRequest({ message: "results: at most 255 iterations" })) : Effect.void

  const outputOf = (results: ReadonlyArray<JsonIterationOutput>, error: string | null) =>
    new JsonJobOutput({ results: results.map((r) => new JsonIterationOutput(r)), error })

  /**
   * running | failed -> completed, output stored, processing hook forked. A duplicate (already completed or
   * processed) is acknowledged without changes; a canceled job keeps its status.
   */
  const completed = (runner: AuthenticatedRunner, uuid: string, results: ReadonlyArray<JsonIterationOutput>) =>
    Effect.gen(function* () {
      yield* checkResults(results)
      const row = yield* ownRow(runner, uuid)
      // A result may arrive for a job still only claimed (the runner's `running` was lost): start it first.
      if (statusOf(row) === "claimed") yield* lifecycle.start(row.id, runner.id)
      const output = outputOf(results, null)
      // Followers hear `completed` once the output is stored, so what they fetch next is there.
      const updated = yield* lifecycle.complete(row.id, runner.id, { publish: false })
      if (updated !== undefined) {
        yield* store(row.id, output)
        yield* events.status(updated)
        yield* supervisor.end(uuid)
        yield* completion.onCompleted(updated, output).pipe(
          Effect.catchAllCause((cause) => Effect.logError("job processing failed", cause)),
          Effect.forkDaemon
        )
        return { job: row.uuid, status: "completed" }
      }
      return { job: row.uuid, status: statusOf((yield* lifecycle.byId(row.id)) ?? row) }
    })

  const failed = (
    runner: AuthenticatedRunner,
    uuid: string,
    results: ReadonlyArray<JsonIterationOutput>,
    error: string
  ) =>
    Effect.gen(function* () {
      yield* checkResults(results)
      const row = yield* ownRow(runner, uuid)
      // Followers hear `failed` once the output is stored: they fetch its stderr tail next.
      const updated = yield* lifecycle.fail(row.id, error.slice(0, 4096), {
        runnerId: runner.id,
        from: ["claimed", "running"],
        publish: false
      })
      if (updated !== undefined) {
        const output = outputOf(results, error)
        yield* store(row.id, output)
        yield* events.status(updated)
        yield* supervisor.end(uuid)
        yield* completion.onFailed(updated, output).pipe(
          Effect.catchAllCause((cause) => Effect.logError("processing a failed job's output failed", cause)),
          Effect.forkDaemon
        )
        return { job: row.uuid, status: "failed" }
      }
      return { job: row.uuid, status: statusOf((yield* lifecycle.byId(row.id)) ?? row) }
    })

  const uploads = new Map<string, OutcomeUpload>()
  const mib = (n: number) => `${Math.round(n / 1024 / 1024)} MiB`

  /**
   * One part of a finished job's outcome. Parts arrive in order; one at another offset than the server holds is
   * not taken, and the answer (`received`) tells the runner where to go on from (0 after a server restart).
   */
  const outcomePart = (runner: AuthenticatedRunner, uuid: string, offset: number, data: string) =>
    Effect.gen(function* () {
      yield* ownRow(runner, uuid)
      const now = Date.now()
      for (const [key, upload] of uploads) if (now - upload.touched > UPLOAD_IDLE_MS) uploads.delete(key)
      let upload = uploads.get(uuid)
      if (offset === 0 || upload === undefined || upload.runnerId !== runner.id) {
        upload = { runnerId: runner.id, parts: [], chars: 0, touched: now }
        uploads.set(uuid, upload)
      }
      upload.touched = now
      if (offset !== upload.chars) return { received: upload.chars }
      if (upload.chars + data.length > MAX_OUTCOME_CHARS) {
        uploads.delete(uuid)
        return yield* new OutcomeRejected({
          message: `the outcome of job ${uuid} is over ${mib(MAX_OUTCOME_CHARS)} (the most one job's results may be)`
        })
      }
      upload.parts.push(data)
      upload.chars += data.length
      return { received: upload.chars }
    })

  /** Every part is sent: the outcome is decoded and applied as `completed` or `failed`; what cannot be is refused. */
  const outcomeEnd = (runner: AuthenticatedRunner, uuid: string, size: number) =>
    Effect.gen(function* () {
      yield* ownRow(runner, uuid)
      const upload = uploads.get(uuid)
      const received = upload !== undefined && upload.runnerId === runner.id ? upload.chars : 0
      if (upload === undefined || received !== size) {
        return yield* new OutcomeIncomplete({
          message: `the server holds ${received} of ${size} characters of the outcome`,
          received
        })
      }
      uploads.delete(uuid)
      const decoded = decodeOutcome(upload.parts.join(""))
      if (Either.isLeft(decoded)) {
        const why = ParseResult.ArrayFormatter.formatErrorSync(decoded.left)
          .slice(0, 5)
          .map((issue) => `${issue.path.length === 0 ? "" : `${issue.path.join(".")}: `}${issue.message}`)
          .join("; ")
        return yield* new OutcomeRejected({
          message: `the outcome of job ${uuid} does not decode: ${why.length > 1000 ? `${why.slice(0, 1000)}...` : why}`
        })
      }
      const outcome = decoded.right
      const applied =
        outcome.kind === "Completed"
          ? completed(runner, uuid, outcome.results)
          : failed(runner, uuid, outcome.results, outcome.error ?? "failed")
      return yield* Effect.catchTag(applied, "BadRequest", (e) =>
        Effect.fail(new OutcomeRejected({ message: e.message }))
      )
    })

  /** The runner stopped the job: after our cancel that is its acknowledgement, otherwise it canceled on its own. */
  const canceled = (runner: AuthenticatedRunner, uuid: string) =>
    Effect.gen(function* () {
      const row = yield* ownRow(runner, uuid)
      yield* lifecycle.cancel(row.id, "job_canceled_by_runner", { runnerId: runner.id })
      yield* supervisor.end(uuid)
      return { job: row.uuid, status: statusOf((yield* lifecycle.byId(row.id)) ?? row) }
    })

  /**
   * Live output for followers. A job this server supervises is checked in memory (no SQL per chunk); output of a
   * job that ended or was canceled is dropped, so no tail outlives its job.
   */
  const output = (
    runner: AuthenticatedRunner,
    uuid: string,
    chunks: ReadonlyArray<{ readonly iteration: number; readonly stream: OutputStream; readonly chunk: string }>
  ) =>
    Effect.gen(function* () {
      if (supervisor.held(runner.id, uuid) === undefined) {
        const row = yield* ownRow(runner, uuid)
        if (isTerminal(statusOf(row))) return
      } else if (supervisor.isCanceled(uuid)) return
      for (const c of chunks) yield* events.output(uuid, c.iteration, c.stream, c.chunk)
    })

  return { claim, running, heartbeat, completed, failed, canceled, output, outcomePart, outcomeEnd } as const
})

/**
 * The RunnerSession of docs/architecture.md, shared by the RPC channel (HTTP and WebSocket) and the REST long poll: each
 * message becomes an idempotent job transition.
 */
export class RunnerChannel extends Context.Tag("bencher/jobs/RunnerChannel")<
  RunnerChannel,
  Effect.Effect.Success<typeof make>
>() {
  static readonly Live = Layer.effect(this, make)
}

import { Deferred, Duration, Effect, Either, Fiber, Stream } from "effect"
import { JobEventsClient, jobEventsClientWebSocket } from "../../api/job-events-client.js"
import type { JobEvent } from "../../api/job-events-rpc.js"
import { isTerminal, type JobStatus, type JsonJob } from "../../domain/job.js"
import type { JsonReport } from "../../domain/report.js"
import type { FollowDisplay, StatusChange } from "./display.js"

// Following a remote job: an RPC stream over WebSocket of its status changes and live output, with
// polling of `GET /v0/projects/{project}/jobs/{job}` as the fallback while the stream is unavailable.

/** The REST calls a follower needs; any client of the contract fits. */
export interface FollowApi {
  readonly viewJob: (project: string, job: string) => Effect.Effect<JsonJob, unknown>
}

export interface FollowTarget {
  /** Server base URL (http...). */
  readonly host: string
  /** User or project key for the stream's upgrade request; none for a public project. */
  readonly key: string | undefined
  readonly project: string
  readonly job: string
}

export interface FollowOptions {
  readonly pollInterval: Duration.Duration
  /** False: poll only, as Bencher's CLI does (the bench's baseline). */
  readonly stream: boolean
  readonly display: FollowDisplay
}

export type TerminalStatus = "processed" | "failed" | "canceled"

/** The job's end as the follower saw it. */
export interface FollowOutcome {
  readonly status: TerminalStatus
  readonly error: string | null
  /** The processed report when the stream brought it (polling fetches it afterwards). */
  readonly report: JsonReport | undefined
  /** Some stderr was shown live, so a failure need not repeat its tail. */
  readonly shownStderr: boolean
}

/** Errors the server answers with a verdict (not an outage): following cannot go on, by stream or by polling. */
const isVerdict = (error: unknown): boolean =>
  typeof error === "object" &&
  error !== null &&
  "_tag" in error &&
  (error._tag === "NotFound" || error._tag === "Forbidden" || error._tag === "Unauthorized")

const messageOf = (error: unknown): string =>
  typeof error === "object" && error !== null && "message" in error ? String(error.message) : String(error)

/**
 * Follows until the job is processed, failed or canceled. Each status is shown once, and each output character
 * once (by offset), whether it arrived live, in a reconnect's tail, or after a fallback to polling.
 */
export const followJob = (api: FollowApi, target: FollowTarget, options: FollowOptions) =>
  Effect.gen(function* () {
    const display = options.display
    let status: JobStatus | undefined
    let outcome: FollowOutcome | undefined
    const printed = new Map<string, number>()
    let shownStderr = false

    const onStatus = (change: StatusChange, report?: JsonReport | null) => {
      if (change.status === status) return
      status = change.status
      display.status(change)
      if (isTerminal(change.status))
        outcome = {
          status: change.status as TerminalStatus,
          error: change.error,
          report: report ?? undefined,
          shownStderr
        }
    }

    const onEvent = (event: JobEvent) =>
      Effect.sync(() => {
        if (event._tag === "Status") return onStatus(event, event.report)
        const key = `${event.iteration}:${event.stream}`
        const done = printed.get(key) ?? 0
        const end = event.offset + event.chunk.length
        if (end <= done) return
        display.output(event.iteration, event.stream, event.chunk.slice(Math.max(0, done - event.offset)))
        if (event.stream === "stderr") shownStderr = true
        printed.set(key, end)
      })

    /**
     * One stream session: Right when it ended (terminal or not), Left with why it broke. On a terminal status it
     * returns at once and the WebSocket is closed in the background: the report fetch need not wait for the close
     * handshake.
     */
    const streamOnce = Effect.gen(function* () {
      const ended = yield* Deferred.make<Either.Either<void, unknown>>()
      const session = yield* Effect.gen(function* () {
        const client = yield* JobEventsClient
        return yield* Stream.runForEach(client.Follow({ project: target.project, job: target.job }), (event) =>
          Effect.zipRight(
            onEvent(event),
            Effect.suspend(() =>
              outcome === undefined ? Effect.void : Deferred.succeed(ended, Either.right(undefined))
            )
          )
        )
      }).pipe(
        Effect.scoped,
        Effect.provide(jobEventsClientWebSocket(target.host, target.key)),
        Effect.either,
        Effect.flatMap((result) => Deferred.succeed(ended, result)),
        Effect.forkDaemon
      )
      const result = yield* Deferred.await(ended).pipe(Effect.onInterrupt(() => Fiber.interruptFork(session)))
      if (outcome !== undefined) yield* Fiber.interruptFork(session)
      return result
    })

    const poll = Effect.gen(function* () {
      const job = yield* api.viewJob(target.project, target.job).pipe(Effect.either)
      if (Either.isLeft(job)) {
        if (isVerdict(job.left)) return yield* Effect.fail(job.left)
        display.note(`Polling job ${target.job} failed (${messageOf(job.left)}); retrying`)
        return
      }
      const runner = job.right.runner ?? null
      onStatus({ status: job.right.status, runner, error: job.right.error ?? null })
    })

    let streamBroken = false
    let polledOnce = false
    while (outcome === undefined) {
      if (options.stream) {
        const session = yield* streamOnce
        if (outcome !== undefined) break
        if (Either.isLeft(session)) {
          if (isVerdict(session.left)) return yield* Effect.fail(session.left)
          if (!streamBroken)
            display.note(
              `Job events stream unavailable (${messageOf(session.left)}); polling every ${Duration.format(options.pollInterval)}`
            )
          streamBroken = true
        }
      }
      // Polling, until the stream can be resumed (tried again after each poll).
      if (polledOnce || options.stream) yield* Effect.sleep(options.pollInterval)
      polledOnce = true
      yield* poll
    }
    return outcome
  })

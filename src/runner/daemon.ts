import type { RpcClientError } from "@effect/rpc/RpcClientError"
import { Data, Deferred, Duration, Effect, Either, Fiber, Option, Queue, Schedule } from "effect"
import { mkdir, readdir, readFile, rename, rm, writeFile } from "node:fs/promises"
import { join } from "node:path"
import { StringDecoder } from "node:string_decoder"
import { RunnerClient, runnerClientWebSocket } from "../api/runner-client.js"
import type { OutputChunk } from "../api/runner-rpc.js"
import type { JsonIterationOutput } from "../domain/job.js"
import { MAX_OUTCOME_CHARS, OUTCOME_PART_CHARS } from "../domain/limits.js"
import { type JsonClaimedJob, OutcomeRejected } from "../domain/runner.js"
import { execute, type JobSettings, resourceSpecOf, type RunnerLimits } from "./execute.js"
import type { Executor } from "./executors/executor.js"
import { parseImageReference } from "../oci/index.js"
import { pullImage, sourceFor } from "./image/store.js"

export interface RunnerLoopOptions {
  /** The server's base URL, e.g. http://localhost:61016. */
  readonly host: string
  readonly key: string
  readonly executor: Executor
  /** Image blob and rootfs cache. */
  readonly cacheDir: string
  /** Outcomes not yet acknowledged by the server, one JSON file per job. */
  readonly spoolDir: string
  readonly maxJobs?: number | undefined
  /** Seconds a Claim waits for a job (long poll). */
  readonly pollTimeout?: number | undefined
  readonly limits?: Omit<RunnerLimits, "scratchRoot"> | undefined
  readonly maxDownloadBytes?: number | undefined
  /** Completed when the runner must stop: no more claims; running jobs get `stopGrace` to finish, then are canceled. */
  readonly stop?: Deferred.Deferred<void> | undefined
  readonly stopGrace?: Duration.DurationInput | undefined
  /** Between heartbeats (Bencher: every second). */
  readonly heartbeatInterval?: Duration.DurationInput | undefined
}

/** What the runner owes the server for one job: written to the spool before it is sent, removed after the ack. */
export interface SpooledOutcome {
  readonly job: string
  readonly kind: "Completed" | "Failed" | "Canceled"
  readonly results: ReadonlyArray<IterationWire>
  readonly error?: string | undefined
  /** Deliveries that failed while the server was reachable; kept across restarts (MAX_DELIVERY_ATTEMPTS). */
  readonly attempts?: number | undefined
  /** The failure the runner reports in place of an outcome the server refused or never took: never replaced again. */
  readonly replaces?: "refused" | "undeliverable" | undefined
}

type IterationWire = {
  readonly exit_code: number
  readonly stdout?: string
  readonly stderr?: string
  readonly output?: Record<string, string>
  readonly truncated?: boolean
  readonly dropped_bytes?: number
}

const toWire = (r: JsonIterationOutput): IterationWire => ({
  exit_code: r.exit_code,
  ...(r.stdout == null ? {} : { stdout: r.stdout }),
  ...(r.stderr == null ? {} : { stderr: r.stderr }),
  ...(r.output == null ? {} : { output: { ...r.output } }),
  ...(r.truncated == null ? {} : { truncated: r.truncated }),
  ...(r.dropped_bytes == null ? {} : { dropped_bytes: r.dropped_bytes })
})

/**
 * Deliveries of one outcome that may fail while the server is reachable (the connection closes on it, its parts
 * get lost) before it is moved aside into `<spool>/rejected/` and the job is reported failed. An outcome the server
 * refuses outright (OutcomeRejected: it does not decode, it is too large) is moved aside at once.
 */
export const MAX_DELIVERY_ATTEMPTS = 5
export const REJECTED_DIR = "rejected"

/** The outcome's parts did not all reach the server (it answered with other offsets each time). */
class OutcomeLost extends Data.TaggedError("OutcomeLost")<{ readonly message: string }> {}

const isHighSurrogate = (code: number) => code >= 0xd800 && code <= 0xdbff

/** Transport failures (server gone, socket closed) are retried with a capped exponential backoff, forever. */
export const reconnectSchedule = Schedule.exponential("100 millis").pipe(Schedule.union(Schedule.spaced("5 seconds")))

const isTransport = (e: unknown): e is RpcClientError =>
  typeof e === "object" && e !== null && (e as { _tag?: unknown })._tag === "RpcClientError"

const retryTransport = <A, E, R>(self: Effect.Effect<A, E, R>) =>
  self.pipe(
    Effect.tapError((e) =>
      isTransport(e) ? Effect.logWarning(`runner channel: ${e.message}; retrying`) : Effect.void
    ),
    Effect.retry({ schedule: reconnectSchedule, while: isTransport })
  )

/** Live output is sent at most this long after it was written... */
export const OUTPUT_BATCH_MS = 100
/** ...or as soon as this much is waiting. */
export const OUTPUT_BATCH_CHARS = 16 * 1024
/** Per message: a flood is cut to its newest part (followers get a tail; the outcome carries the capped whole). */
const OUTPUT_MESSAGE_CHARS = 256 * 1024
/** Between two live output messages: at most 20 a second, so a flood reaches followers sampled. */
const OUTPUT_MIN_GAP_MS = 50
/** Live output waiting or being sent: past this, new output skips followers until the backlog drains. */
const OUTPUT_BACKLOG_CHARS = 1024 * 1024

/** Consecutive chunks of the same iteration and stream become one; the total is cut to its newest part. */
export const mergeChunks = (chunks: ReadonlyArray<OutputChunk>, max = OUTPUT_MESSAGE_CHARS): Array<OutputChunk> => {
  const merged: Array<OutputChunk> = []
  for (const c of chunks) {
    const last = merged[merged.length - 1]
    if (last !== undefined && last.iteration === c.iteration && last.stream === c.stream) {
      merged[merged.length - 1] = { ...last, chunk: last.chunk + c.chunk }
    } else merged.push(c)
  }
  let total = merged.reduce((n, c) => n + c.chunk.length, 0)
  while (total > max && merged.length > 0) {
    const first = merged[0] as OutputChunk
    const over = total - max
    if (first.chunk.length <= over) {
      merged.shift()
      total -= first.chunk.length
    } else {
      merged[0] = { ...first, chunk: first.chunk.slice(over) }
      total -= over
    }
  }
  return merged
}

const spoolPath = (dir: string, job: string) => join(dir, `${job}.json`)

export const writeSpool = (dir: string, outcome: SpooledOutcome) =>
  Effect.promise(async () => {
    await mkdir(dir, { recursive: true, mode: 0o700 })
    const tmp = `${spoolPath(dir, outcome.job)}.tmp`
    await writeFile(tmp, JSON.stringify(outcome), { mode: 0o600 })
    await rename(tmp, spoolPath(dir, outcome.job))
  })

/** Moves a spooled outcome into `<spool>/rejected/` (never resent); returns where it is now. */
const moveAside = (dir: string, outcome: SpooledOutcome) =>
  Effect.promise(async () => {
    const folder = join(dir, REJECTED_DIR)
    await mkdir(folder, { recursive: true, mode: 0o700 })
    const target = join(folder, `${outcome.job}${outcome.replaces === undefined ? "" : ".failed"}.json`)
    await rename(spoolPath(dir, outcome.job), target).catch(() =>
      writeFile(target, JSON.stringify(outcome), { mode: 0o600 })
    )
    return target
  })

const readSpool = (dir: string) =>
  Effect.promise(async () => {
    const names = await readdir(dir).catch(() => [] as Array<string>)
    const outcomes: Array<SpooledOutcome> = []
    for (const name of names.filter((n) => n.endsWith(".json")).sort()) {
      try {
        outcomes.push(JSON.parse(await readFile(join(dir, name), "utf8")) as SpooledOutcome)
      } catch {
        await rm(join(dir, name), { force: true })
      }
    }
    return outcomes
  })

/** Over `max` (MAX_OUTCOME_CHARS) no server takes it: the job fails here, with why, and its results are dropped. */
export const boundedOutcome = (outcome: SpooledOutcome, max = MAX_OUTCOME_CHARS): SpooledOutcome => {
  if (outcome.kind === "Canceled") return outcome
  const chars = JSON.stringify({ kind: outcome.kind, results: outcome.results, error: outcome.error }).length
  if (chars <= max) return outcome
  const size = (n: number) => (n >= 1024 * 1024 ? `${Math.round(n / 1024 / 1024)} MiB` : `${n} characters`)
  return {
    job: outcome.job,
    kind: "Failed",
    results: [],
    error: `the job's output over ${outcome.results.length} iteration(s) is ${size(chars)} as JSON, over the ${size(
      max
    )} one job may report; lower --iter, the output files' sizes or --max-output-size`
  }
}

/**
 * The registry to pull from: the claimed config's, unless it names an unspecified bind address (0.0.0.0, ::)
 * or port 0, in which case the authority the runner connects to (the same server) is used instead.
 */
export const registryFor = (configured: string, host: string): string => {
  const url = new URL(host)
  const colon = configured.lastIndexOf(":")
  const name = colon > 0 ? configured.slice(0, colon) : configured
  const port = colon > 0 ? configured.slice(colon + 1) : ""
  return ["0.0.0.0", "::", "[::]", ""].includes(name) || port === "0" ? url.host : configured
}

export const jobSettingsOf = (config: JsonClaimedJob["config"]): JobSettings => ({
  timeout: config.timeout,
  ...(config.iter == null ? {} : { iter: config.iter }),
  ...(config.allow_failure == null ? {} : { allow_failure: config.allow_failure }),
  ...(config.build_time == null ? {} : { build_time: config.build_time }),
  ...(config.file_size == null ? {} : { file_size: config.file_size }),
  ...(config.entrypoint == null ? {} : { entrypoint: config.entrypoint }),
  ...(config.cmd == null ? {} : { cmd: config.cmd }),
  ...(config.env == null ? {} : { env: config.env }),
  ...(config.file_paths == null ? {} : { file_paths: config.file_paths })
})

/**
 * `bencher runner up`: claims jobs over the runner channel (WebSocket), runs them, and reports them. Outcomes are
 * spooled to disk before they are sent, and every spooled outcome is resent at start, so a server restart loses
 * no result. Returns when `stop` completes and every slot has reported its job.
 */
export const runnerLoop = (o: RunnerLoopOptions) =>
  Effect.gen(function* () {
    const rpc = yield* RunnerClient
    const stop = o.stop ?? (yield* Deferred.make<void>())
    const heartbeatEvery = o.heartbeatInterval ?? "1 second"

    /**
     * A job's results travel as JSON text in parts (OutcomePart, then OutcomeEnd), however large they are: no
     * message comes near the RPC frame limit, and whatever the server cannot take comes back as OutcomeRejected.
     * A failure without results and a cancel are one small message.
     */
    const sendOutcome = (outcome: SpooledOutcome) =>
      Effect.gen(function* () {
        const job = outcome.job
        if (outcome.kind === "Canceled") return yield* rpc.Canceled({ job })
        if (outcome.kind === "Failed" && outcome.results.length === 0) {
          return yield* rpc.Failed({ job, results: [], error: (outcome.error ?? "failed").slice(0, 4096) })
        }
        const text = JSON.stringify({ kind: outcome.kind, results: outcome.results, error: outcome.error })
        let offset = 0
        let resets = 0
        while (offset < text.length) {
          let end = Math.min(text.length, offset + OUTCOME_PART_CHARS)
          if (end < text.length && isHighSurrogate(text.charCodeAt(end - 1))) end--
          const { received } = yield* rpc.OutcomePart({ job, offset, data: text.slice(offset, end) })
          if (received === end) offset = end
          else if (++resets > 3)
            return yield* new OutcomeLost({
              message: `the server keeps holding ${received} of ${text.length} characters`
            })
          else offset = received <= text.length ? received : 0
        }
        return yield* rpc.OutcomeEnd({ job, size: text.length })
      })

    /**
     * Sends a spooled outcome until the server acknowledges it (a JobNotHeld answer settles it too). While the
     * server is away it waits and sends again, however long; a delivery that fails while the server answers counts,
     * and after MAX_DELIVERY_ATTEMPTS of them, or at once when the server refuses it, the outcome is moved aside
     * and the job is reported failed in its place.
     */
    const deliver = (first: SpooledOutcome): Effect.Effect<void> =>
      Effect.gen(function* () {
        let outcome: SpooledOutcome | undefined = first
        while (outcome !== undefined) {
          const current: SpooledOutcome = outcome
          const answer = yield* sendOutcome(current).pipe(
            // A message the server could not even decode comes back as a defect: a refusal all the same.
            Effect.catchAllDefect((defect) =>
              Effect.fail(new OutcomeRejected({ message: `the server failed on it: ${String(defect)}` }))
            ),
            Effect.either
          )
          if (Either.isRight(answer)) {
            yield* Effect.logInfo(`job ${current.job}: ${current.kind} acknowledged (${answer.right.status})`)
            yield* Effect.promise(() => rm(spoolPath(o.spoolDir, current.job), { force: true }))
            return
          }
          const e = answer.left
          if (e._tag === "JobNotHeld") {
            yield* Effect.logWarning(`job ${current.job}: ${current.kind} refused: ${e.message}`)
            yield* Effect.promise(() => rm(spoolPath(o.spoolDir, current.job), { force: true }))
            return
          }
          if (e._tag === "OutcomeRejected" || e._tag === "BadRequest") {
            outcome = yield* giveUp(current, "refused", `the server refused the job's outcome: ${e.message}`)
            continue
          }
          // Lost on the way (the connection closed, the parts went missing): wait until the server answers again.
          yield* Effect.logWarning(`job ${current.job}: ${current.kind} not delivered: ${e.message}`)
          yield* retryTransport(rpc.Heartbeat({ job: current.job })).pipe(
            Effect.ignore,
            Effect.catchAllDefect(() => Effect.void)
          )
          const attempts = (current.attempts ?? 0) + 1
          if (attempts >= MAX_DELIVERY_ATTEMPTS) {
            outcome = yield* giveUp(
              current,
              "undeliverable",
              `the job's outcome could not be delivered after ${attempts} attempts: ${e.message}`
            )
            continue
          }
          outcome = { ...current, attempts }
          yield* writeSpool(o.spoolDir, outcome)
          yield* Effect.sleep(Duration.millis(200 * 2 ** (attempts - 1)))
        }
      })

    /** Moves an outcome aside with a log line; returns the failure to report in its place (none for a cancel or a replacement). */
    const giveUp = (outcome: SpooledOutcome, reason: "refused" | "undeliverable", message: string) =>
      Effect.gen(function* () {
        const aside = yield* moveAside(o.spoolDir, outcome)
        const replace = outcome.kind !== "Canceled" && outcome.replaces === undefined
        yield* Effect.logError(
          `job ${outcome.job}: ${message}; the ${outcome.kind} outcome is moved aside to ${aside}${replace ? "; reporting the job failed" : ""}`
        )
        if (!replace) return undefined
        const failure: SpooledOutcome = {
          job: outcome.job,
          kind: "Failed",
          results: [],
          error: message.slice(0, 4096),
          replaces: reason
        }
        yield* writeSpool(o.spoolDir, failure)
        return failure
      })

    const report = (outcome: SpooledOutcome) => Effect.zipRight(writeSpool(o.spoolDir, outcome), deliver(outcome))

    const runJob = (job: JsonClaimedJob) =>
      Effect.gen(function* () {
        yield* Effect.logInfo(`job ${job.uuid}: claimed (${job.config.project}@${job.config.digest})`)
        const controller = new AbortController()
        const cancel = (why: string) =>
          Effect.sync(() => {
            if (!controller.signal.aborted) controller.abort(why)
          })
        const started = yield* retryTransport(rpc.Running({ job: job.uuid })).pipe(Effect.either)
        if (started._tag === "Left") {
          yield* Effect.logWarning(`job ${job.uuid}: Running refused: ${started.left.message}`)
          return
        }
        if (started.right.canceled) yield* cancel("canceled")
        const heartbeat = yield* rpc.Heartbeat({ job: job.uuid }).pipe(
          Effect.flatMap((signal) =>
            signal.canceled
              ? Effect.zipRight(Effect.logInfo(`job ${job.uuid}: cancel received`), cancel("canceled"))
              : Effect.void
          ),
          Effect.catchAll((e) => Effect.logDebug(`job ${job.uuid}: heartbeat: ${e.message}`)),
          Effect.repeat(Schedule.spaced(heartbeatEvery)),
          Effect.delay(heartbeatEvery),
          Effect.forkScoped
        )
        // On stop, the job gets a grace period to finish, then it is canceled.
        const stopper = yield* Deferred.await(stop).pipe(
          Effect.zipRight(Effect.sleep(o.stopGrace ?? "30 seconds")),
          Effect.zipRight(cancel("runner stopping")),
          Effect.forkScoped
        )
        // Output for followers: collected from the executor's callbacks, sent in batches over the channel.
        const pendingOutput = yield* Queue.unbounded<OutputChunk>()
        let backlog = 0
        const taken = (chunks: Iterable<OutputChunk>) => {
          for (const c of chunks) backlog -= c.chunk.length
        }
        const decoders = new Map<string, StringDecoder>()
        const onOutput = (iteration: number, stream: "stdout" | "stderr", chunk: Buffer) => {
          // A flood faster than the channel: followers miss some of it (the outcome keeps its head and tail).
          if (backlog > OUTPUT_BACKLOG_CHARS) return
          const key = `${iteration}:${stream}`
          let decoder = decoders.get(key)
          if (decoder === undefined) {
            decoder = new StringDecoder("utf8")
            decoders.set(key, decoder)
          }
          const text = decoder.write(chunk)
          if (text === "") return
          backlog += text.length
          Queue.unsafeOffer(pendingOutput, { iteration, stream, chunk: text })
        }
        const sendOutput = (chunks: ReadonlyArray<OutputChunk>) =>
          chunks.length === 0
            ? Effect.void
            : rpc
                .Output({ job: job.uuid, chunks: mergeChunks(chunks) })
                .pipe(Effect.catchAll((e) => Effect.logDebug(`job ${job.uuid}: output: ${e.message}`)))
        // Waits for output, then gathers more for up to OUTPUT_BATCH_MS (less once OUTPUT_BATCH_CHARS wait) and
        // sends it; uninterruptible past the first chunk, so stopping the forwarder never drops a gathered batch.
        let lastSent = 0
        const forwarder = yield* Effect.gen(function* () {
          for (;;) {
            const first = yield* Queue.take(pendingOutput)
            yield* Effect.gen(function* () {
              const batch = [first]
              let chars = first.chunk.length
              const deadline = Date.now() + OUTPUT_BATCH_MS
              // A full batch goes at once, but no sooner than OUTPUT_MIN_GAP_MS after the last: a flood is sampled.
              const earliest = lastSent + OUTPUT_MIN_GAP_MS
              while ((chars < OUTPUT_BATCH_CHARS || Date.now() < earliest) && Date.now() < deadline) {
                yield* Effect.sleep(Duration.millis(Math.min(10, Math.max(0, deadline - Date.now()))))
                for (const c of yield* Queue.takeAll(pendingOutput)) {
                  batch.push(c)
                  chars += c.chunk.length
                }
              }
              lastSent = Date.now()
              yield* sendOutput(batch)
              taken(batch)
            }).pipe(Effect.uninterruptible)
          }
        }).pipe(Effect.forkScoped)
        const scratchRoot = join(o.cacheDir, "scratch", job.uuid)
        const outcome = yield* Effect.gen(function* () {
          const registry = registryFor(job.config.registry, o.host)
          const ref = yield* parseImageReference(`${registry}/${job.config.project}@${job.config.digest}`)
          const image = yield* pullImage(
            sourceFor(ref, { token: job.oci_token, insecure: o.host.startsWith("http://") }),
            ref.reference,
            { cacheDir: o.cacheDir, maxDownloadBytes: o.maxDownloadBytes }
          ).pipe(
            // A registry that is briefly away (a server restart) is retried; a bad image fails at once.
            Effect.retry({
              schedule: Schedule.exponential("200 millis"),
              times: 4,
              while: (e) => e._tag === "ImageFetchError"
            })
          )
          return yield* execute({
            executor: o.executor,
            image,
            imageName: job.config.image ?? `${job.config.project}@${job.config.digest}`,
            job: jobSettingsOf(job.config),
            spec: resourceSpecOf(job.spec),
            runner: { ...o.limits, scratchRoot },
            signal: controller.signal,
            onOutput
          })
        }).pipe(
          Effect.map(
            (result): SpooledOutcome =>
              result.canceled || controller.signal.aborted
                ? { job: job.uuid, kind: "Canceled", results: [] }
                : result.error === undefined
                  ? { job: job.uuid, kind: "Completed", results: result.results.map(toWire) }
                  : { job: job.uuid, kind: "Failed", results: result.results.map(toWire), error: result.error }
          ),
          Effect.catchAll((e) =>
            Effect.succeed<SpooledOutcome>({ job: job.uuid, kind: "Failed", results: [], error: e.message })
          ),
          Effect.ensuring(Effect.promise(() => rm(scratchRoot, { recursive: true, force: true })))
        )
        yield* Fiber.interrupt(heartbeat)
        yield* Fiber.interrupt(stopper)
        // The last output goes before the outcome, so a follower sees it before the job completes.
        yield* Fiber.interrupt(forwarder)
        yield* sendOutput(yield* Queue.takeAll(pendingOutput).pipe(Effect.map((c) => [...c])))
        yield* Effect.logInfo(
          `job ${job.uuid}: ${outcome.kind}${outcome.error === undefined ? "" : `: ${outcome.error}`}`
        )
        yield* report(boundedOutcome(outcome))
      }).pipe(Effect.scoped)

    const slot = (n: number) =>
      Effect.gen(function* () {
        while (!(yield* Deferred.isDone(stop))) {
          const claimed = yield* retryTransport(rpc.Claim({ poll_timeout: o.pollTimeout ?? 30 })).pipe(
            Effect.map(Option.some),
            Effect.raceFirst(Effect.as(Deferred.await(stop), Option.none())),
            Effect.catchAll((e) =>
              Effect.as(
                Effect.zipRight(Effect.logWarning(`claim: ${e.message}`), Effect.sleep("1 second")),
                Option.none()
              )
            )
          )
          if (Option.isSome(claimed) && claimed.value !== null) yield* runJob(claimed.value)
        }
        yield* Effect.logDebug(`slot ${n} stopped`)
      })

    // Outcomes a previous run could not deliver go first.
    const pending = yield* readSpool(o.spoolDir)
    if (pending.length > 0) yield* Effect.logInfo(`resending ${pending.length} spooled outcome(s)`)
    yield* Effect.forEach(pending, deliver, { discard: true })

    yield* Effect.forEach(
      Array.from({ length: Math.max(1, o.maxJobs ?? 1) }, (_, i) => i),
      slot,
      {
        concurrency: "unbounded",
        discard: true
      }
    )
  })

/** The loop with its own WebSocket channel to `host`. */
export const runRunner = (o: RunnerLoopOptions) =>
  runnerLoop(o).pipe(Effect.provide(runnerClientWebSocket(o.host, o.key)))

/** After the grace period, how long canceled jobs get to report before the loop is interrupted (the outcome stays spooled). */
export const STOP_REPORT_SLACK = Duration.seconds(10)

/**
 * The loop as a CLI runs it: an interrupt (SIGTERM/SIGINT via the runtime) stops claiming, lets running jobs
 * finish within the grace period (then cancels them: their sandboxes are killed), waits until every outcome is
 * reported or STOP_REPORT_SLACK has passed (a server that is away gets it from the spool at the next start), and
 * returns. Interrupting the loop kills what still runs.
 */
export const runRunnerUntilInterrupted = (o: Omit<RunnerLoopOptions, "stop">) =>
  Effect.gen(function* () {
    const stop = yield* Deferred.make<void>()
    const fiber = yield* Effect.forkDaemon(runRunner({ ...o, stop }))
    return yield* Fiber.join(fiber).pipe(
      Effect.onInterrupt(() =>
        Effect.logInfo("runner stopping: no more claims; reporting running jobs").pipe(
          Effect.zipRight(Deferred.succeed(stop, undefined)),
          Effect.zipRight(
            Fiber.await(fiber).pipe(
              Effect.timeout(Duration.sum(Duration.decode(o.stopGrace ?? "30 seconds"), STOP_REPORT_SLACK)),
              Effect.ignore
            )
          ),
          Effect.zipRight(Fiber.interrupt(fiber))
        )
      )
    )
  })

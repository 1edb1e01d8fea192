import type { RpcClientError } from "@effect/rpc/RpcClientError"
import { Deferred, Duration, Effect, Fiber, Option, Queue, Schedule } from "effect"
import { mkdir, readdir, readFile, rename, rm, writeFile } from "node:fs/promises"
import { join } from "node:path"
import { StringDecoder } from "node:string_decoder"
import { RunnerClient, runnerClientWebSocket } from "../api/runner-client.js"
import type { OutputChunk } from "../api/runner-rpc.js"
import type { JsonIterationOutput } from "../domain/job.js"
import type { JsonClaimedJob } from "../domain/runner.js"
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
}

type IterationWire = { readonly exit_code: number; readonly stdout?: string; readonly stderr?: string; readonly output?: Record<string, string> }

const toWire = (r: JsonIterationOutput): IterationWire => ({
  exit_code: r.exit_code,
  ...(r.stdout == null ? {} : { stdout: r.stdout }),
  ...(r.stderr == null ? {} : { stderr: r.stderr }),
  ...(r.output == null ? {} : { output: { ...r.output } })
})

/** Transport failures (server gone, socket closed) are retried with a capped exponential backoff, forever. */
export const reconnectSchedule = Schedule.exponential("100 millis").pipe(
  Schedule.union(Schedule.spaced("5 seconds"))
)

const isTransport = (e: unknown): e is RpcClientError =>
  typeof e === "object" && e !== null && (e as { _tag?: unknown })._tag === "RpcClientError"

const retryTransport = <A, E, R>(self: Effect.Effect<A, E, R>) =>
  self.pipe(
    Effect.tapError((e) => isTransport(e) ? Effect.logWarning(`runner channel: ${e.message}; retrying`) : Effect.void),
    Effect.retry({ schedule: reconnectSchedule, while: isTransport })
  )

/** Live output is sent at most this long after it was written... */
export const OUTPUT_BATCH_MS = 100
/** ...or as soon as this much is waiting. */
export const OUTPUT_BATCH_CHARS = 16 * 1024
/** Per message: a flood is cut to its newest part (followers get a tail; Completed still carries everything). */
const OUTPUT_MESSAGE_CHARS = 256 * 1024

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
  Effect.gen(function*() {
    const rpc = yield* RunnerClient
    const stop = o.stop ?? (yield* Deferred.make<void>())
    const heartbeatEvery = o.heartbeatInterval ?? "1 second"

    /** Sends a spooled outcome until the server answers; a JobNotHeld/BadRequest answer also settles it. */
    const deliver = (outcome: SpooledOutcome) =>
      Effect.gen(function*() {
        const send = outcome.kind === "Completed"
          ? rpc.Completed({ job: outcome.job, results: outcome.results })
          : outcome.kind === "Failed"
          ? rpc.Failed({ job: outcome.job, results: outcome.results, error: outcome.error ?? "failed" })
          : rpc.Canceled({ job: outcome.job })
        const answer = yield* retryTransport(send).pipe(Effect.either)
        if (answer._tag === "Right") yield* Effect.logInfo(`job ${outcome.job}: ${outcome.kind} acknowledged (${answer.right.status})`)
        else yield* Effect.logWarning(`job ${outcome.job}: ${outcome.kind} refused: ${answer.left.message}`)
        yield* Effect.promise(() => rm(spoolPath(o.spoolDir, outcome.job), { force: true }))
      })

    const report = (outcome: SpooledOutcome) => Effect.zipRight(writeSpool(o.spoolDir, outcome), deliver(outcome))

    const runJob = (job: JsonClaimedJob) =>
      Effect.gen(function*() {
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
          Effect.flatMap((signal) => signal.canceled ? Effect.zipRight(Effect.logInfo(`job ${job.uuid}: cancel received`), cancel("canceled")) : Effect.void),
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
        const decoders = new Map<string, StringDecoder>()
        const onOutput = (iteration: number, stream: "stdout" | "stderr", chunk: Buffer) => {
          const key = `${iteration}:${stream}`
          let decoder = decoders.get(key)
          if (decoder === undefined) {
            decoder = new StringDecoder("utf8")
            decoders.set(key, decoder)
          }
          const text = decoder.write(chunk)
          if (text !== "") Queue.unsafeOffer(pendingOutput, { iteration, stream, chunk: text })
        }
        const sendOutput = (chunks: ReadonlyArray<OutputChunk>) =>
          chunks.length === 0
            ? Effect.void
            : rpc.Output({ job: job.uuid, chunks: mergeChunks(chunks) }).pipe(
              Effect.catchAll((e) => Effect.logDebug(`job ${job.uuid}: output: ${e.message}`))
            )
        // Waits for output, then gathers more for up to OUTPUT_BATCH_MS (less once OUTPUT_BATCH_CHARS wait) and
        // sends it; uninterruptible past the first chunk, so stopping the forwarder never drops a gathered batch.
        const forwarder = yield* Effect.gen(function*() {
          for (;;) {
            const first = yield* Queue.take(pendingOutput)
            yield* Effect.gen(function*() {
              const batch = [first]
              let chars = first.chunk.length
              const deadline = Date.now() + OUTPUT_BATCH_MS
              while (chars < OUTPUT_BATCH_CHARS && Date.now() < deadline) {
                yield* Effect.sleep(Duration.millis(Math.min(10, Math.max(0, deadline - Date.now()))))
                for (const c of yield* Queue.takeAll(pendingOutput)) {
                  batch.push(c)
                  chars += c.chunk.length
                }
              }
              yield* sendOutput(batch)
            }).pipe(Effect.uninterruptible)
          }
        }).pipe(Effect.forkScoped)
        const scratchRoot = join(o.cacheDir, "scratch", job.uuid)
        const outcome = yield* Effect.gen(function*() {
          const registry = registryFor(job.config.registry, o.host)
          const ref = yield* parseImageReference(`${registry}/${job.config.project}@${job.config.digest}`)
          const image = yield* pullImage(
            sourceFor(ref, { token: job.oci_token, insecure: o.host.startsWith("http://") }),
            ref.reference,
            { cacheDir: o.cacheDir, maxDownloadBytes: o.maxDownloadBytes }
          ).pipe(
            // A registry that is briefly away (a server restart) is retried; a bad image fails at once.
            Effect.retry({ schedule: Schedule.exponential("200 millis"), times: 4, while: (e) => e._tag === "ImageFetchError" })
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
          Effect.map((result): SpooledOutcome =>
            result.canceled || controller.signal.aborted
              ? { job: job.uuid, kind: "Canceled", results: [] }
              : result.error === undefined
              ? { job: job.uuid, kind: "Completed", results: result.results.map(toWire) }
              : { job: job.uuid, kind: "Failed", results: result.results.map(toWire), error: result.error }),
          Effect.catchAll((e) => Effect.succeed<SpooledOutcome>({ job: job.uuid, kind: "Failed", results: [], error: e.message })),
          Effect.ensuring(Effect.promise(() => rm(scratchRoot, { recursive: true, force: true })))
        )
        yield* Fiber.interrupt(heartbeat)
        yield* Fiber.interrupt(stopper)
        // The last output goes before the outcome, so a follower sees it before the job completes.
        yield* Fiber.interrupt(forwarder)
        yield* sendOutput(yield* Queue.takeAll(pendingOutput).pipe(Effect.map((c) => [...c])))
        yield* Effect.logInfo(`job ${job.uuid}: ${outcome.kind}${outcome.error === undefined ? "" : `: ${outcome.error}`}`)
        yield* report(outcome)
      }).pipe(Effect.scoped)

    const slot = (n: number) =>
      Effect.gen(function*() {
        while (!(yield* Deferred.isDone(stop))) {
          const claimed = yield* retryTransport(rpc.Claim({ poll_timeout: o.pollTimeout ?? 30 })).pipe(
            Effect.map(Option.some),
            Effect.raceFirst(Effect.as(Deferred.await(stop), Option.none())),
            Effect.catchAll((e) => Effect.as(Effect.zipRight(Effect.logWarning(`claim: ${e.message}`), Effect.sleep("1 second")), Option.none()))
          )
          if (Option.isSome(claimed) && claimed.value !== null) yield* runJob(claimed.value)
        }
        yield* Effect.logDebug(`slot ${n} stopped`)
      })

    // Outcomes a previous run could not deliver go first.
    const pending = yield* readSpool(o.spoolDir)
    if (pending.length > 0) yield* Effect.logInfo(`resending ${pending.length} spooled outcome(s)`)
    yield* Effect.forEach(pending, deliver, { discard: true })

    yield* Effect.forEach(Array.from({ length: Math.max(1, o.maxJobs ?? 1) }, (_, i) => i), slot, {
      concurrency: "unbounded",
      discard: true
    })
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
  Effect.gen(function*() {
    const stop = yield* Deferred.make<void>()
    const fiber = yield* Effect.forkDaemon(runRunner({ ...o, stop }))
    return yield* Fiber.join(fiber).pipe(
      Effect.onInterrupt(() =>
        Effect.logInfo("runner stopping: no more claims; reporting running jobs").pipe(
          Effect.zipRight(Deferred.succeed(stop, undefined)),
          Effect.zipRight(Fiber.await(fiber).pipe(
            Effect.timeout(Duration.sum(Duration.decode(o.stopGrace ?? "30 seconds"), STOP_REPORT_SLACK)),
            Effect.ignore
          )),
          Effect.zipRight(Fiber.interrupt(fiber))
        ))
    )
  })

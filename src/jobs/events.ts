import { Context, Effect, Layer, PubSub, type Queue, type Scope } from "effect"
import { isTerminal, type JobStatus } from "../domain/job.js"
import { type JobRow, statusOf } from "./job-row.js"

// The follow stream of docs/architecture.md, server side: job status changes and runner output published in memory, so a
// follower hears a terminal state as soon as the transition is written, with no query per follower.

export type OutputStream = "stdout" | "stderr"

export interface JobStatusChange {
  readonly _tag: "Status"
  readonly seq: number
  readonly uuid: string
  readonly status: JobStatus
  readonly runnerId: number | null
  readonly error: string | null
  readonly at: number
}

export interface JobOutputChunk {
  readonly _tag: "Output"
  readonly seq: number
  readonly uuid: string
  readonly iteration: number
  readonly stream: OutputStream
  /** Characters of this (iteration, stream) before this chunk: followers that reconnect skip what they printed. */
  readonly offset: number
  readonly chunk: string
}

export type JobEvent = JobStatusChange | JobOutputChunk

/** Output kept per job for late followers; older chunks are dropped first. */
export const OUTPUT_TAIL_CHARS = 64 * 1024

interface Tail {
  chunks: Array<JobOutputChunk>
  chars: number
  /** Next offset per `${iteration}:${stream}`. */
  readonly offsets: Map<string, number>
}

export interface JobSubscription {
  /** The job's output tail when the subscription started (empty once the job ended). */
  readonly tail: ReadonlyArray<JobOutputChunk>
  /** Live events of this job only, published after the tail was taken. */
  readonly take: Effect.Effect<JobEvent>
}

const make = Effect.gen(function* () {
  const hub = yield* Effect.acquireRelease(PubSub.unbounded<JobEvent>(), PubSub.shutdown)
  const tails = new Map<string, Tail>()
  let seq = 0

  const trim = (tail: Tail) => {
    while (tail.chars > OUTPUT_TAIL_CHARS && tail.chunks.length > 1) {
      const dropped = tail.chunks.shift()
      tail.chars -= dropped?.chunk.length ?? 0
    }
    const only = tail.chunks[0]
    if (tail.chars > OUTPUT_TAIL_CHARS && only !== undefined) {
      const cut = only.chunk.length - OUTPUT_TAIL_CHARS
      tail.chunks[0] = { ...only, chunk: only.chunk.slice(cut), offset: only.offset + cut }
      tail.chars = OUTPUT_TAIL_CHARS
    }
  }

  /** A transition was written: tell followers; a terminal state also frees the job's output tail. */
  const status = (row: JobRow) =>
    Effect.suspend(() => {
      const s = statusOf(row)
      const uuid = row.uuid.toLowerCase()
      if (isTerminal(s)) tails.delete(uuid)
      return PubSub.publish(hub, {
        _tag: "Status",
        seq: ++seq,
        uuid,
        status: s,
        runnerId: row.runner_id,
        error: row.error,
        at: row.modified
      })
    }).pipe(Effect.asVoid)

  /** Runner output as it arrives; the caller has checked that the runner holds the (running) job. */
  const output = (uuid: string, iteration: number, stream: OutputStream, chunk: string) =>
    Effect.suspend(() => {
      if (chunk === "") return Effect.void
      const key = uuid.toLowerCase()
      let tail = tails.get(key)
      if (tail === undefined) {
        tail = { chunks: [], chars: 0, offsets: new Map() }
        tails.set(key, tail)
      }
      const slot = `${iteration}:${stream}`
      const offset = tail.offsets.get(slot) ?? 0
      tail.offsets.set(slot, offset + chunk.length)
      const event: JobOutputChunk = { _tag: "Output", seq: ++seq, uuid: key, iteration, stream, offset, chunk }
      tail.chunks.push(event)
      tail.chars += chunk.length
      trim(tail)
      return PubSub.publish(hub, event)
    }).pipe(Effect.asVoid)

  /**
   * Subscribes before the tail is read, and drops live events already in the tail (by sequence number), so a
   * late follower misses nothing and sees nothing twice.
   */
  const subscribe = (uuid: string): Effect.Effect<JobSubscription, never, Scope.Scope> =>
    Effect.gen(function* () {
      const key = uuid.toLowerCase()
      const dequeue: Queue.Dequeue<JobEvent> = yield* PubSub.subscribe(hub)
      const tail = [...(tails.get(key)?.chunks ?? [])]
      const seen = seq
      const take: Effect.Effect<JobEvent> = Effect.flatMap(dequeue.take, (event) =>
        event.uuid === key && event.seq > seen ? Effect.succeed(event) : take
      )
      return { tail, take }
    })

  /** Jobs with an output tail in memory (for tests and leak checks). */
  const tailedJobs = Effect.sync(() => tails.size)

  return { status, output, subscribe, tailedJobs } as const
})

/** The in-memory PubSub of job status changes and runner output that `bencher run --image` follows. */
export class JobEvents extends Context.Tag("bencher/jobs/JobEvents")<JobEvents, Effect.Effect.Success<typeof make>>() {
  static readonly Live = Layer.scoped(this, make)
}

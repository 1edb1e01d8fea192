import { SqlClient } from "@effect/sql"
import { Clock, Context, Deferred, Duration, Effect, Layer, Option } from "effect"
import { jobStatusToInt } from "../domain/job.js"
import type { AuthenticatedRunner } from "../runners/runners.js"
import { JobLifecycle } from "./lifecycle.js"
import { type JobRow } from "./job-row.js"

/** What the queue keeps in memory about a pending job: enough to order it, match it and apply tier rules. */
export interface QueuedJob {
  readonly id: number
  readonly specId: number
  readonly priority: number
  readonly created: number
  readonly organizationId: number
  readonly sourceIp: string | null
}

export const queuedJob = (row: JobRow): QueuedJob => ({
  id: row.id,
  specId: row.spec_id,
  priority: row.priority,
  created: row.created,
  organizationId: row.organization_id,
  sourceIp: row.source_ip
})

export const DEFAULT_POLL_TIMEOUT = Duration.seconds(30)
export const MAX_POLL_TIMEOUT_SECONDS = 900

/** Priority desc, then created asc, then id asc (docs/reference.md §5.4). */
export const before = (a: QueuedJob, b: QueuedJob): boolean =>
  a.priority !== b.priority ? a.priority > b.priority : a.created !== b.created ? a.created < b.created : a.id < b.id

interface Waiter {
  readonly runner: AuthenticatedRunner
  readonly handed: Deferred.Deferred<QueuedJob>
}

const increment = (m: Map<string | number, number>, k: string | number) => m.set(k, (m.get(k) ?? 0) + 1)
const decrement = (m: Map<string | number, number>, k: string | number) => {
  const n = (m.get(k) ?? 0) - 1
  if (n <= 0) m.delete(k)
  else m.set(k, n)
}

/**
 * Tier rules (docs/reference.md §5.4): team and enterprise (>= 200) run without limit; free (100..199) runs
 * one job at a time per organization; unclaimed (< 100) one at a time per source IP.
 */
export const tierAllows = (
  job: QueuedJob,
  activeByOrganization: ReadonlyMap<string | number, number>,
  activeBySourceIp: ReadonlyMap<string | number, number>
): boolean => {
  if (job.priority >= 200) return true
  if (job.priority >= 100) return (activeByOrganization.get(job.organizationId) ?? 0) === 0
  return (activeBySourceIp.get(job.sourceIp ?? "") ?? 0) === 0
}

const make = Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient
  const lifecycle = yield* JobLifecycle

  // All state is plain memory mutated in synchronous sections, so the event loop makes each section atomic.
  const pending: Array<QueuedJob> = []
  const waiters: Array<Waiter> = []
  const active = new Map<number, QueuedJob>()
  const activeByOrganization = new Map<string | number, number>()
  const activeBySourceIp = new Map<string | number, number>()

  const activate = (job: QueuedJob) => {
    if (active.has(job.id)) return
    active.set(job.id, job)
    increment(activeByOrganization, job.organizationId)
    increment(activeBySourceIp, job.sourceIp ?? "")
  }
  const deactivate = (jobId: number) => {
    const job = active.get(jobId)
    if (job === undefined) return
    active.delete(jobId)
    decrement(activeByOrganization, job.organizationId)
    decrement(activeBySourceIp, job.sourceIp ?? "")
  }

  const insertPending = (job: QueuedJob) => {
    if (pending.some((p) => p.id === job.id)) return
    let i = pending.length
    while (i > 0 && before(job, pending[i - 1] as QueuedJob)) i--
    pending.splice(i, 0, job)
  }

  /**
   * Hands jobs to waiting runners: each job, in priority order, goes to the longest-waiting runner that serves
   * its spec, if the tier rules allow it now. A handed job is reserved (counted as active) so no second runner
   * is woken for it; exactly one runner wakes per job.
   */
  const dispatch = (): Array<readonly [Waiter, QueuedJob]> => {
    const handed: Array<readonly [Waiter, QueuedJob]> = []
    for (let i = 0; i < pending.length && waiters.length > 0; ) {
      const job = pending[i] as QueuedJob
      const w = tierAllows(job, activeByOrganization, activeBySourceIp)
        ? waiters.findIndex((waiter) => waiter.runner.specIds.has(job.specId))
        : -1
      if (w < 0) {
        i++
        continue
      }
      const [waiter] = waiters.splice(w, 1)
      pending.splice(i, 1)
      activate(job)
      if (waiter !== undefined) handed.push([waiter, job])
    }
    return handed
  }

  const wake = (handed: ReadonlyArray<readonly [Waiter, QueuedJob]>) =>
    Effect.forEach(handed, ([waiter, job]) => Deferred.succeed(waiter.handed, job), { discard: true })

  /** A new pending job (after its INSERT): indexed in memory, and handed to one waiting runner if any fits. */
  const enqueue = (job: QueuedJob): Effect.Effect<void> =>
    Effect.uninterruptible(
      Effect.suspend(() => {
        insertPending(job)
        return wake(dispatch())
      })
    )

  /** A pending job that stopped being pending some other way (user cancel). */
  const remove = (jobId: number) =>
    Effect.sync(() => {
      const i = pending.findIndex((p) => p.id === jobId)
      if (i >= 0) pending.splice(i, 1)
    })

  /** A claimed or running job ended: its organization or source IP may run the next one. */
  const release = (jobId: number) =>
    Effect.uninterruptible(
      Effect.suspend(() => {
        if (!active.has(jobId)) return Effect.void
        deactivate(jobId)
        return wake(dispatch())
      })
    )

  /** Marks a job found claimed or running (recovery) as active for the tier rules. */
  const track = (job: QueuedJob) => Effect.sync(() => activate(job))

  /**
   * Waits until a job this runner can take is handed to it, or the poll timeout passes (no SQL while waiting),
   * then claims it with one compare-and-set. A lost race (the job was canceled meanwhile) waits again for the
   * time left.
   */
  /** Puts a handed-out job back, still pending (its runner went away or its claim failed). */
  const giveBack = (job: QueuedJob) =>
    Effect.suspend(() => {
      deactivate(job.id)
      return enqueue(job)
    })

  /**
   * One wait: registers the runner, waits for a handed job or the deadline, and claims what it was handed. The
   * registration, the clean-up and the claim are uninterruptible, so a runner that goes away never strands a job
   * it was handed; only the wait itself can be interrupted.
   */
  const waitOnce = (runner: AuthenticatedRunner, deadline: number) =>
    Effect.uninterruptibleMask((restore) =>
      Effect.gen(function* () {
        const handed = yield* Deferred.make<QueuedJob>()
        const waiter: Waiter = { runner, handed }
        yield* Effect.suspend(() => {
          waiters.push(waiter)
          return wake(dispatch())
        })
        const now = yield* Clock.currentTimeMillis
        const job = yield* restore(
          Deferred.await(handed).pipe(Effect.timeoutOption(Duration.millis(Math.max(0, deadline - now))))
        ).pipe(
          Effect.flatMap((got) =>
            Option.isSome(got)
              ? Effect.succeed(got)
              : Effect.suspend(() => {
                  const i = waiters.indexOf(waiter)
                  if (i >= 0) {
                    waiters.splice(i, 1)
                    return Effect.succeedNone
                  }
                  // Handed a job at the very moment the poll timed out: take it.
                  return Effect.asSome(Deferred.await(handed))
                })
          ),
          Effect.onInterrupt(() =>
            Effect.suspend(() => {
              const i = waiters.indexOf(waiter)
              if (i >= 0) {
                waiters.splice(i, 1)
                return Effect.void
              }
              return Effect.flatMap(
                Deferred.poll(handed),
                Option.match({
                  onNone: () => Effect.void,
                  onSome: (got) => Effect.flatMap(got, giveBack)
                })
              )
            })
          )
        )
        if (Option.isNone(job)) return { _tag: "TimedOut" } as const
        const row = yield* lifecycle.claim(job.value.id, runner.id).pipe(Effect.tapError(() => giveBack(job.value)))
        if (row !== undefined) return { _tag: "Claimed", row } as const
        yield* release(job.value.id)
        return { _tag: "LostRace" } as const
      })
    )

  /**
   * Waits until a job this runner can take is handed to it, or the poll timeout passes (no SQL while waiting),
   * then claims it with one compare-and-set. A lost race (the job was canceled meanwhile) waits again for the
   * time left.
   */
  const claim = (runner: AuthenticatedRunner, pollTimeout: Duration.Duration = DEFAULT_POLL_TIMEOUT) =>
    Effect.gen(function* () {
      const deadline = (yield* Clock.currentTimeMillis) + Duration.toMillis(pollTimeout)
      while (true) {
        const outcome = yield* waitOnce(runner, deadline)
        if (outcome._tag === "Claimed") return Option.some(outcome.row)
        if (outcome._tag === "TimedOut" || (yield* Clock.currentTimeMillis) >= deadline) return Option.none<JobRow>()
      }
    })

  /** Rebuilds the in-memory index from the database: pending jobs, and claimed or running ones for tier rules. */
  const rebuild = Effect.gen(function* () {
    const rows =
      yield* sql<JobRow>`SELECT * FROM job WHERE status IN ${sql.in([jobStatusToInt("pending"), jobStatusToInt("claimed"), jobStatusToInt("running")])}`
    pending.length = 0
    active.clear()
    activeByOrganization.clear()
    activeBySourceIp.clear()
    for (const row of rows) {
      if (row.status === jobStatusToInt("pending")) insertPending(queuedJob(row))
      else activate(queuedJob(row))
    }
    return yield* wake(dispatch())
  })

  yield* rebuild

  const stats = Effect.sync(() => ({ pending: pending.length, waiting: waiters.length, active: active.size }))

  return { enqueue, remove, release, track, claim, rebuild, stats } as const
})

/** The one JobQueue of a server (an actor of docs/architecture.md): pending jobs in memory, waiting runners on Deferreds. */
export class JobQueue extends Context.Tag("bencher/jobs/JobQueue")<JobQueue, Effect.Effect.Success<typeof make>>() {
  static readonly Live = Layer.effect(this, make)
}

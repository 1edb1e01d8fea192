import { Effect, type Scheduler } from "effect"

/**
 * An Effect scheduler that hands the event loop back every `sliceMs` of work. better-sqlite3 is synchronous and
 * Effect's default scheduler resumes yielded fibers on microtasks, so a long report (thousands of benchmarks,
 * each a few effects) ran start to finish without one turn of the event loop: every other request, even
 * `GET /v0/server/version`, waited seconds for it. Here a fiber that has run for a slice yields, and its next
 * task runs after pending I/O (setImmediate); within a slice tasks run on microtasks as before. Each op of a
 * fiber asks whether to yield; the clock is read once per 8 ops (an op may be a statement of a few milliseconds).
 */
export class TimeSlicedScheduler implements Scheduler.Scheduler {
  private queue: Array<Scheduler.Task> = []
  private scheduled = false
  private sliceStart = performance.now()

  constructor(readonly sliceMs: number) {}

  shouldYield(fiber: { readonly currentOpCount?: number }): number | false {
    if (((fiber.currentOpCount ?? 0) & 7) !== 0) return false
    return performance.now() - this.sliceStart >= this.sliceMs ? 0 : false
  }

  scheduleTask(task: Scheduler.Task): void {
    this.queue.push(task)
    if (this.scheduled) return
    this.scheduled = true
    if (performance.now() - this.sliceStart >= this.sliceMs) setImmediate(this.afterIo)
    else queueMicrotask(this.drain)
  }

  private readonly afterIo = () => {
    this.sliceStart = performance.now()
    this.drain()
  }

  private readonly drain = () => {
    this.scheduled = false
    const tasks = this.queue
    this.queue = []
    for (const task of tasks) task()
  }
}

/** One scheduler for every report write, so that concurrent reports share one slice clock. */
const reportScheduler = new TimeSlicedScheduler(8)

/**
 * Runs a long piece of request work (a report's parsing, writing and view) in slices of at most a few
 * milliseconds between turns of the event loop. Work inside one synchronous call (a statement, a parse) is not
 * split: callers keep those bounded (chunks of rows).
 */
export const inTimeSlices = <A, E, R>(effect: Effect.Effect<A, E, R>): Effect.Effect<A, E, R> =>
  Effect.withScheduler(effect, reportScheduler as unknown as Scheduler.Scheduler)

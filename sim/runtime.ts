import { Clock, Duration, Effect, type Fiber, FiberRef, Runtime, Scheduler } from "effect"

/** Effect's default of FiberRef.currentMaxOpsBeforeYield. */
const DEFAULT_MAX_OPS_BEFORE_YIELD = 2048

/**
 * Every fiber of the simulation runs on this scheduler: tasks queue here and run only when the driver calls
 * `runUntilIdle`, in FIFO order, so one seed always interleaves fibers the same way and the driver knows when
 * the whole world is quiet.
 */
export class SimScheduler implements Scheduler.Scheduler {
  private tasks: Array<Scheduler.Task> = []
  ran = 0

  scheduleTask(task: Scheduler.Task): void {
    this.tasks.push(task)
  }

  /**
   * Effect asks this before every operation; the default reads a FiberRef each time. Nothing here lowers
   * maxOpsBeforeYield below Effect's default, so a plain count decides first and the default answers past it:
   * fibers yield at exactly the same operations as before.
   */
  shouldYield(fiber: Fiber.RuntimeFiber<unknown, unknown>): number | false {
    return fiber.currentOpCount > DEFAULT_MAX_OPS_BEFORE_YIELD ? Scheduler.defaultShouldYield(fiber) : false
  }

  runUntilIdle(): void {
    while (this.tasks.length > 0) {
      const batch = this.tasks
      this.tasks = []
      for (const task of batch) task()
      this.ran += batch.length
    }
  }
}

interface Timer {
  readonly at: number
  readonly seq: number
  readonly fire: () => void
  canceled: boolean
}

/** Effect's Clock on simulated time: `sleep` parks a timer that fires only when the driver advances time. */
export class SimClock implements Clock.Clock {
  readonly [Clock.ClockTypeId]: Clock.ClockTypeId = Clock.ClockTypeId
  now: number
  private seq = 0
  private heap: Array<Timer> = []

  constructor(start: number) {
    this.now = start
  }

  unsafeCurrentTimeMillis(): number {
    return this.now
  }

  unsafeCurrentTimeNanos(): bigint {
    return BigInt(this.now) * 1_000_000n
  }

  readonly currentTimeMillis: Effect.Effect<number> = Effect.sync(() => this.now)
  readonly currentTimeNanos: Effect.Effect<bigint> = Effect.sync(() => BigInt(this.now) * 1_000_000n)

  sleep(duration: Duration.Duration): Effect.Effect<void> {
    return Effect.async<void>((resume) => {
      const millis = Duration.toMillis(duration)
      if (!Number.isFinite(millis)) return
      const timer = this.at(this.now + Math.max(0, Math.ceil(millis)), () => resume(Effect.void))
      return Effect.sync(() => {
        timer.canceled = true
      })
    })
  }

  /** Parks a callback at a simulated instant (the driver's own events use this too). */
  at(at: number, fire: () => void): Timer {
    const timer: Timer = { at, seq: this.seq++, fire, canceled: false }
    const h = this.heap
    h.push(timer)
    let i = h.length - 1
    while (i > 0) {
      const p = (i - 1) >> 1
      if (!earlier(timer, h[p] as Timer)) break
      h[i] = h[p] as Timer
      i = p
    }
    h[i] = timer
    return timer
  }

  /** The next live timer's instant, if any. */
  peek(): number | undefined {
    while (this.heap.length > 0 && (this.heap[0] as Timer).canceled) this.pop()
    return this.heap[0]?.at
  }

  /** Moves time to the next timer and fires every timer due at that instant, in the order they were set. */
  advance(): boolean {
    const next = this.peek()
    if (next === undefined) return false
    this.now = Math.max(this.now, next)
    while (this.heap.length > 0 && (this.heap[0] as Timer).at <= this.now) {
      const timer = this.pop()
      if (!timer.canceled) timer.fire()
    }
    return true
  }

  private pop(): Timer {
    const h = this.heap
    const top = h[0] as Timer
    const last = h.pop() as Timer
    if (h.length > 0) {
      let i = 0
      for (;;) {
        const l = 2 * i + 1
        const r = l + 1
        let m = i
        const cur = (j: number) => (j === i ? last : (h[j] as Timer))
        if (l < h.length && earlier(h[l] as Timer, cur(m))) m = l
        if (r < h.length && earlier(h[r] as Timer, cur(m))) m = r
        if (m === i) break
        h[i] = h[m] as Timer
        i = m
      }
      h[i] = last
    }
    return top
  }
}

const earlier = (a: Timer, b: Timer) => a.at < b.at || (a.at === b.at && a.seq < b.seq)

/** A runtime whose fibers all run on the given scheduler. */
export const simRuntime = (scheduler: SimScheduler): Runtime.Runtime<never> =>
  Runtime.defaultRuntime.pipe(Runtime.setFiberRef(FiberRef.currentScheduler, scheduler as Scheduler.Scheduler))

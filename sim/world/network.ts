import { Cause, Effect, Exit, Fiber, Option } from "effect"
import type { Rng } from "../rng.js"
import type { ServerServices } from "../server.js"
import type { ServerProcess } from "./server-process.js"
import type { World } from "./world.js"

/** A runner's end of its connection to the server. */
export interface RunnerLink {
  readonly name: string
  readonly rng: Rng
  /** Bumped at each crash: answers to an earlier incarnation's requests find nobody. */
  incarnation: number
  partitionedUntil: number
  /** Server-side handlers of this runner's requests (interrupted when its connection drops). */
  readonly handlers: Set<Fiber.RuntimeFiber<unknown, unknown>>
  /** Claim requests waiting at the server. */
  readonly claims: Set<Fiber.RuntimeFiber<unknown, unknown>>
}

/**
 * The link between runners and the server: each message takes a seed-chosen delay (sometimes a long one), may be
 * sent twice, and is lost while its runner is partitioned or the server is down.
 */
export class Network {
  constructor(
    private readonly world: World,
    private readonly server: ServerProcess
  ) {}

  private delay(r: Rng): number {
    const slow = r.next()
    const long = r.int(500, 8000)
    const short = r.int(1, 40)
    if (slow < this.world.rates.delay) {
      this.world.fault("delay", "network", `message delayed ${long} ms`)
      return long
    }
    return short
  }

  /**
   * One request from a runner and its response over the simulated link: delivered after a delay (maybe twice),
   * lost while the runner is partitioned or the server is down, and answered the same way back. Resolves with
   * the server's answer, or None when nothing came back within `timeoutMs`.
   */
  rpc<A, E>(
    runner: RunnerLink,
    what: string,
    call: Effect.Effect<A, E, ServerServices>,
    timeoutMs: number,
    options: { readonly duplicable?: boolean; readonly claim?: boolean } = {}
  ): Effect.Effect<Option.Option<Exit.Exit<A, E>>> {
    const { clock, rates } = this.world
    // One async step on the simulated clock (no Deferred, no racing timeout fiber): the first of the answer and
    // the timeout resumes the caller, the other is dropped.
    return Effect.async<Option.Option<Exit.Exit<A, E>>>((resume) => {
      let settled = false
      const incarnation = runner.incarnation
      const r = runner.rng
      const dup = r.next()
      const copies = options.duplicable === true && dup < rates.duplicate ? 2 : 1
      if (copies === 2) this.world.fault("duplicate", runner.name, `${what} sent twice`)
      const timeout = clock.at(clock.now + timeoutMs, () => {
        if (settled) return
        settled = true
        resume(Effect.succeed(Option.none()))
      })
      const answer = (exit: Exit.Exit<A, E>) => {
        if (settled) return
        settled = true
        timeout.canceled = true
        resume(Effect.succeed(Option.some(exit)))
      }
      for (let copy = 0; copy < copies; copy++) {
        const at = clock.now + this.delay(r)
        clock.at(at, () => this.deliver(runner, incarnation, what, call, answer, options.claim === true))
      }
      return Effect.sync(() => {
        settled = true
        timeout.canceled = true
      })
    })
  }

  private deliver<A, E>(
    runner: RunnerLink,
    incarnation: number,
    what: string,
    call: Effect.Effect<A, E, ServerServices>,
    answer: (exit: Exit.Exit<A, E>) => void,
    claim: boolean
  ) {
    const { clock } = this.world
    if (clock.now < runner.partitionedUntil) return this.world.log(runner.name, `${what} lost (partition)`)
    // A request already on the wire arrives even if its runner died since; a claim's long poll does not (its
    // connection closed).
    if (claim && runner.incarnation !== incarnation) return
    const server = this.server.current
    if (server === undefined) return this.world.log(runner.name, `${what} lost (server down)`)
    const handler = this.world.fork(Effect.exit(Effect.provide(call, server.ctx)))
    runner.handlers.add(handler)
    if (claim) runner.claims.add(handler)
    handler.addObserver((exit) => {
      runner.handlers.delete(handler)
      runner.claims.delete(handler)
      // An interrupted request (its connection dropped) gets no answer; errors are answered like an HTTP 4xx/5xx.
      if (Exit.isInterrupted(exit) || Exit.isFailure(exit) || this.server.current !== server) return
      if (Exit.isFailure(exit.value) && Cause.isInterruptedOnly(exit.value.cause)) return
      const response = exit.value
      const back = clock.now + this.delay(runner.rng)
      clock.at(back, () => {
        if (clock.now < runner.partitionedUntil)
          return this.world.log(runner.name, `answer to ${what} lost (partition)`)
        if (runner.incarnation !== incarnation) return
        answer(response)
      })
    })
  }

  /** The server went down: every request it was serving is interrupted, unanswered. */
  serverDown(links: Iterable<RunnerLink>) {
    for (const runner of links) {
      const handlers = [...runner.handlers]
      runner.handlers.clear()
      runner.claims.clear()
      for (const h of handlers) this.world.fork(Fiber.interrupt(h))
    }
  }

  /** A runner crashed: the server interrupts the long polls it was serving for it. */
  runnerDown(runner: RunnerLink) {
    runner.incarnation++
    const handlers = [...runner.claims]
    runner.claims.clear()
    for (const h of handlers) this.world.fork(Fiber.interrupt(h))
  }
}

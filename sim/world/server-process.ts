import { Cause, Effect, Exit, type Fiber, Layer, Scope } from "effect"
import type { JobPriority } from "../../src/domain/job.js"
import {
  type ServerContext,
  type ServerFaults,
  serverLayer,
  type ServerOptions,
  type ServerServices
} from "../server.js"
import type { World } from "./world.js"

const TIERS: ReadonlyArray<JobPriority> = ["unclaimed", "free", "team", "enterprise"]

/** A server that is up: its services, and the scope that shuts it down. */
export interface RunningServer {
  readonly ctx: ServerContext
  readonly scope: Scope.CloseableScope
}

export interface ServerProcessOptions {
  readonly file: string
  readonly faults: ServerFaults
  /** Planted bugs, for the tests that prove the simulator catches them. */
  readonly plant?: Pick<ServerOptions, "queue" | "lifecycle">
  /** Drops every runner's connection, as the server goes down. */
  readonly onDown: () => void
}

/**
 * The server process of the seed: it starts (recovery included), goes down and comes back on the seed's restarts,
 * and counts the time it spent down, which stretches every deadline the oracle checks.
 */
export class ServerProcess {
  private server: RunningServer | undefined
  private starting: Fiber.RuntimeFiber<RunningServer, unknown> | undefined
  private closing: Fiber.RuntimeFiber<void> | undefined
  private downSince: number | null = null
  private downtime = 0

  constructor(
    private readonly world: World,
    private readonly options: ServerProcessOptions
  ) {}

  /** The server while it is up. */
  get current(): RunningServer | undefined {
    return this.server
  }

  start() {
    const seed = this.world.seed
    const layer = serverLayer({
      file: this.options.file,
      settings: this.world.settings,
      faults: this.options.faults,
      tierOf: (organizationId) => TIERS[(organizationId * 7 + seed) % TIERS.length] ?? "free",
      ...this.options.plant
    })
    this.starting = this.world.fork(
      Effect.gen(function* () {
        const scope = yield* Scope.make()
        const ctx = yield* Layer.buildWithScope(layer, scope)
        return { ctx, scope }
      })
    )
  }

  /** The server is up once its layers (and recovery) finished building, which may take simulated time. */
  poll() {
    const starting = this.starting
    if (starting === undefined) return
    const exit = starting.unsafePoll()
    if (exit === null) return
    this.starting = undefined
    if (Exit.isFailure(exit))
      this.world.violate("server_start", `the server did not start: ${Cause.pretty(exit.cause)}`)
    this.server = exit.value
    if (this.downSince !== null) this.downtime += this.world.clock.now - this.downSince
    this.downSince = null
    this.world.log("server", "up (recovery ran)")
  }

  /** Called from the driver only (a timer), never from inside a fiber. */
  stop(reason: string) {
    const server = this.server
    if (server === undefined) return
    this.server = undefined
    this.downSince = this.world.clock.now
    // Connections drop with the server: every request it was serving is interrupted, unanswered.
    this.options.onDown()
    // Its finalizers (the heartbeat writer's last flush) may retry on SQLITE_BUSY, so closing takes simulated time.
    this.closing = this.world.fork(Scope.close(server.scope, Exit.void))
    this.world.log("server", `down (${reason})`)
  }

  /** Starts again once the last run has closed. */
  restart() {
    if (this.closing !== undefined && this.closing.unsafePoll() === null) {
      this.world.clock.at(this.world.clock.now + 100, () => this.restart())
      return
    }
    this.closing = undefined
    this.start()
  }

  /** Lets simulated time pass until the server has closed (its final flush done). */
  drainClose() {
    const { clock, scheduler } = this.world
    for (let i = 0; i < 100_000 && this.closing !== undefined && this.closing.unsafePoll() === null; i++) {
      if (!clock.advance()) break
      scheduler.runUntilIdle()
    }
    if (this.closing !== undefined && this.closing.unsafePoll() === null)
      this.world.violate("shutdown", "the server never finished closing")
  }

  /** Simulated time spent down so far. */
  downtimeNow() {
    return this.downtime + (this.downSince === null ? 0 : this.world.clock.now - this.downSince)
  }

  /** Runs an effect against the live server's services; fails with "down" while the server restarts. */
  onServer<A, E>(effect: Effect.Effect<A, E, ServerServices>): Effect.Effect<A, E | "down"> {
    return Effect.suspend((): Effect.Effect<A, E | "down"> => {
      const server = this.server
      if (server === undefined) return Effect.fail("down" as const)
      return Effect.provide(effect, server.ctx)
    })
  }
}

import { Cause, Duration, Effect, Exit, Option } from "effect"
import { RunnerChannel } from "../../src/jobs/channel.js"
import { JobSupervisor } from "../../src/jobs/supervisor.js"
import { type AuthenticatedRunner, Runners } from "../../src/runners/runners.js"
import type { Rng } from "../rng.js"
import type { ServerServices } from "../server.js"
import type { JobPlan } from "./job-plan.js"
import type { Network, RunnerLink } from "./network.js"
import type { ServerProcess } from "./server-process.js"
import { SPECS, type World } from "./world.js"

/** A runner's heartbeat period in seconds (well under the 30 s heartbeat timeout, even with an 8 s delay). */
const RUNNER_HEARTBEAT_SECONDS = [5, 10] as const
const POLL_SECONDS = 30

export interface SimRunner extends RunnerLink {
  readonly auth: AuthenticatedRunner
  readonly heartbeatMs: number
}

/** What the supervisor holds for a job when a heartbeat for it arrives (what decides its bill). */
export interface HeldJob {
  readonly started: number | null
  readonly timeoutMs: number
  readonly canceled: boolean
}

export interface RunnerFleetOptions {
  /** The plan of a job, by the key in its env. */
  readonly plan: (key: string) => JobPlan | undefined
  /** Tells the oracle about a heartbeat the server is handling (what it should bill). */
  readonly onHeartbeat: (held: HeldJob | undefined, uuid: string, now: number) => void
}

/**
 * The runners: each long-polls for a job, runs it for its planned time while heartbeating, and reports the end;
 * with the seed's crashes (before Running, while running, after sending the end) and heartbeat stalls.
 */
export class RunnerFleet {
  readonly all: Array<SimRunner> = []
  private readonly byId = new Map<number, SimRunner>()
  /** Which runner is executing each job, to catch a job handed to a second runner. */
  private readonly executingBy = new Map<string, string>()

  constructor(
    private readonly world: World,
    private readonly server: ServerProcess,
    private readonly network: Network,
    private readonly options: RunnerFleetOptions
  ) {}

  runner(id: number): SimRunner | undefined {
    return this.byId.get(id)
  }

  /**
   * Registers runner `i` of `count` at the server: every spec has a runner, the others serve one or two specs at
   * random. Draws from the world's setup stream `r`.
   */
  join(i: number, count: number, r: Rng) {
    const served = new Set<string>([SPECS[i % SPECS.length] ?? "small"])
    if (i >= SPECS.length || r.chance(0.4)) served.add(r.pick(SPECS))
    if (i === count - 1) for (let j = count; j < SPECS.length; j++) served.add(SPECS[j] ?? "small")
    const name = `runner${i}`
    const created = this.world.fork(
      this.server.onServer(
        Effect.gen(function* () {
          const runners = yield* Runners
          const made = yield* runners.create({ name, specs: [...served] })
          return yield* runners.authenticate(made.key)
        })
      )
    )
    this.world.scheduler.runUntilIdle()
    const auth = created.unsafePoll()
    if (auth === null || Exit.isFailure(auth))
      return this.world.violate(
        "world",
        `cannot create ${name}: ${auth === null ? "pending" : Cause.pretty(auth.cause)}`
      )
    const runner: SimRunner = {
      name,
      auth: auth.value,
      rng: this.world.rng.fork(`runner-${i}`),
      heartbeatMs: r.int(...RUNNER_HEARTBEAT_SECONDS) * 1000,
      incarnation: 0,
      partitionedUntil: 0,
      handlers: new Set(),
      claims: new Set()
    }
    this.all.push(runner)
    this.byId.set(runner.auth.id, runner)
    this.world.log(name, `serves ${[...served].join(", ")}`)
  }

  start() {
    for (const runner of this.all) this.world.fork(this.loop(runner))
  }

  private loop(runner: SimRunner): Effect.Effect<void> {
    const self = this
    return Effect.gen(function* () {
      for (;;) {
        const channelClaim = Effect.flatMap(RunnerChannel, (c) => c.claim(runner.auth, POLL_SECONDS))
        const got = yield* self.network.rpc(runner, "claim", channelClaim, POLL_SECONDS * 1000 + 10_000, {
          claim: true
        })
        if (Option.isNone(got) || Exit.isFailure(got.value)) {
          if (Option.isSome(got)) yield* Effect.sleep("1 second")
          continue
        }
        const claimed = got.value.value
        if (Option.isNone(claimed)) continue
        const crashed = yield* self.execute(runner, claimed.value.uuid, claimed.value.config.env ?? {})
        if (crashed) return
      }
    }).pipe(this.world.catchViolations(runner.name))
  }

  /** Runs one claimed job; true when the runner crashed doing so. */
  private execute(runner: SimRunner, uuid: string, env: Readonly<Record<string, string>>): Effect.Effect<boolean> {
    const self = this
    const world = this.world
    const network = this.network
    return Effect.gen(function* () {
      const plan = self.options.plan(env["SIM_JOB"] ?? "")
      if (plan === undefined)
        return world.violate("world", `runner ${runner.name} claimed ${uuid} with no plan`, [uuid])
      const holder = self.executingBy.get(uuid)
      if (holder !== undefined && holder !== runner.name) {
        world.violate(
          "single_claim",
          `job ${plan.key} (${uuid}) handed to ${runner.name} while ${holder} still runs it`,
          [uuid]
        )
      }
      self.executingBy.set(uuid, runner.name)
      world.log(
        runner.name,
        `claimed ${plan.key} ${uuid.slice(0, 8)} (${plan.durationMs} ms, timeout ${plan.timeout} s)`
      )
      const r = runner.rng
      // Every draw is made whatever the rates, so a fault turned off leaves the rest of the stream as it was.
      const draws = {
        before: r.next(),
        during: r.next(),
        after: r.next(),
        stop: r.next(),
        stopAt: r.int(0, plan.durationMs),
        stopFor: r.int(10_000, 90_000),
        crashAt: r.int(0, plan.durationMs)
      }
      const crashPoint =
        draws.before < world.rates.crash_before_running
          ? "before"
          : draws.during < world.rates.crash_during
            ? "during"
            : draws.after < world.rates.crash_after_completed
              ? "after"
              : "none"
      const stopAt = draws.stop < world.rates.heartbeat_stop ? draws.stopAt : -1
      const stopFor = draws.stopFor
      const crash = () => {
        self.executingBy.delete(uuid)
        self.crash(runner)
        return true
      }
      const finish = () => {
        if (self.executingBy.get(uuid) === runner.name) self.executingBy.delete(uuid)
        return false
      }
      if (crashPoint === "before") {
        world.fault("crash_before_running", runner.name, `crashed before Running of ${plan.key}`)
        return crash()
      }
      /** Sends a message until the server answers (up to `attempts`); the answer or None. */
      const send = <A, E>(what: string, call: Effect.Effect<A, E, ServerServices>, attempts: number) =>
        Effect.gen(function* () {
          for (let i = 0; i < attempts; i++) {
            const got = yield* network.rpc(runner, `${what} ${plan.key}`, call, 5000, { duplicable: true })
            if (Option.isSome(got) && Exit.isSuccess(got.value)) return Option.some(got.value.value)
            // A refusal (the job is not ours any more) ends it; a server error is retried.
            if (Option.isSome(got) && Exit.isFailure(got.value) && Option.isSome(Cause.failureOption(got.value.cause)))
              return Option.none<A>()
          }
          return Option.none<A>()
        })
      const acknowledgeCancel = Effect.gen(function* () {
        world.log(runner.name, `stops ${plan.key}: canceled`)
        yield* send(
          "canceled",
          Effect.flatMap(RunnerChannel, (c) => c.canceled(runner.auth, uuid)),
          6
        )
        return finish()
      })
      const running = yield* send(
        "running",
        Effect.flatMap(RunnerChannel, (c) => c.running(runner.auth, uuid)),
        3
      )
      if (Option.isSome(running) && running.value.canceled) return yield* acknowledgeCancel
      const started = world.clock.now
      const crashAt = crashPoint === "during" ? draws.crashAt : -1
      let hungUntil = -1
      for (;;) {
        const elapsed = world.clock.now - started
        if (elapsed >= plan.durationMs) break
        if (crashAt >= 0 && elapsed >= crashAt) {
          world.fault("crash_during", runner.name, `crashed while running ${plan.key}`)
          return crash()
        }
        if (stopAt >= 0 && hungUntil < 0 && elapsed >= stopAt) {
          hungUntil = world.clock.now + stopFor
          world.fault("heartbeat_stop", runner.name, `stops heartbeating ${plan.key} for ${stopFor} ms`)
        }
        yield* Effect.sleep(Duration.millis(Math.min(runner.heartbeatMs, plan.durationMs - elapsed)))
        if (world.clock.now - started >= plan.durationMs) break
        if (world.clock.now < hungUntil) continue
        const beat = yield* network.rpc(runner, `heartbeat ${plan.key}`, self.heartbeat(runner, uuid), 3000, {
          duplicable: true
        })
        if (Option.isSome(beat) && Exit.isSuccess(beat.value) && beat.value.value.canceled)
          return yield* acknowledgeCancel
      }
      const results = plan.results.map((it) => ({ exit_code: it.exit_code, stdout: it.stdout }))
      const terminal =
        plan.error === null
          ? Effect.flatMap(RunnerChannel, (c) => c.completed(runner.auth, uuid, results))
          : Effect.flatMap(RunnerChannel, (c) => c.failed(runner.auth, uuid, results, plan.error ?? ""))
      const what = plan.error === null ? "completed" : "failed"
      if (crashPoint === "after") {
        yield* network.rpc(runner, `${what} ${plan.key}`, terminal, 0, { duplicable: true })
        world.fault(
          "crash_after_completed",
          runner.name,
          `crashed after sending ${what} of ${plan.key}, before the ack`
        )
        return crash()
      }
      const ack = yield* send(what, terminal, 12)
      world.log(
        runner.name,
        `${what} ${plan.key}: ${Option.match(ack, { onNone: () => "no ack, gives up", onSome: (a) => `ack ${a.status}` })}`
      )
      return finish()
    })
  }

  /** A heartbeat as the server handles it, shown to the oracle first (what the supervisor holds decides the bill). */
  private heartbeat(runner: SimRunner, uuid: string) {
    return Effect.gen(this, function* () {
      const supervisor = yield* JobSupervisor
      this.options.onHeartbeat(supervisor.held(runner.auth.id, uuid), uuid, this.world.clock.now)
      return yield* Effect.flatMap(RunnerChannel, (c) => c.heartbeat(runner.auth, uuid))
    })
  }

  private crash(runner: SimRunner) {
    // The runner's connection drops with it.
    this.network.runnerDown(runner)
    const down = runner.rng.int(2000, 30_000)
    this.world.log(runner.name, `down for ${down} ms`)
    this.world.fork(
      Effect.sleep(Duration.millis(down)).pipe(
        Effect.zipRight(
          Effect.sync(() => {
            this.world.log(runner.name, "restarted")
            this.world.fork(this.loop(runner))
          })
        )
      )
    )
  }
}

import { Cause, Duration, Effect, Exit } from "effect"
import { Specs } from "../src/runners/specs.js"
import { FAULTS, type FaultName, type FaultRates } from "./faults.js"
import { Oracle } from "./oracle/oracle.js"
import { Reader } from "./oracle/reader.js"
import type { ServerOptions } from "./server.js"
import { chaos } from "./world/chaos.js"
import { Clients } from "./world/clients.js"
import { removeDatabase, seedDatabase } from "./world/database.js"
import { Network } from "./world/network.js"
import { RunnerFleet } from "./world/runners.js"
import { ServerProcess } from "./world/server-process.js"
import { storageFaults } from "./world/storage-faults.js"
import { SPECS, START, type Violation, ViolationError, World } from "./world/world.js"

export type { Violation } from "./world/world.js"

export interface SimOptions {
  readonly seed: number
  /** Jobs submitted over the run (default 100). */
  readonly jobs?: number
  /** Stop after this many clock steps (a prefix of the full run; the drain checks are skipped). */
  readonly steps?: number
  readonly disabled?: ReadonlySet<FaultName>
  /** A named scenario's fault, made frequent in this run. */
  readonly emphasize?: FaultName
  /** Planted bugs, for the tests that prove the simulator catches them. */
  readonly plant?: Pick<ServerOptions, "queue" | "lifecycle">
  /** Every event line, as it happens. */
  readonly onLine?: (line: string) => void
}

export interface SimResult {
  readonly seed: number
  readonly ok: boolean
  /** The run reached its end (every job ended and the final checks ran), rather than a --steps cut or a violation. */
  readonly complete: boolean
  readonly violation?: Violation
  readonly hash: string
  readonly steps: number
  readonly jobs: number
  readonly simulatedMs: number
  readonly faults: Readonly<Record<FaultName, number>>
  readonly rates: FaultRates
  /** The last event lines (all of them for short runs). */
  readonly trace: ReadonlyArray<string>
}

/** Time the world keeps running after the last submission before it calls a job stuck for good. */
const DRAIN_LIMIT_MS = 6 * 3600_000

/**
 * One seed's run: the world's parts (sim/world/: server process, network, runners, clients, chaos) on simulated
 * time, and the oracle (sim/oracle/) checking the invariants after every step. A fault belongs to the part that
 * injects it; an invariant to the oracle.
 */
export class Simulation {
  private readonly world: World
  private readonly totalJobs: number
  private readonly file: string
  private readonly reader: Reader
  private readonly server: ServerProcess
  private readonly network: Network
  private readonly runners: RunnerFleet
  private readonly clients: Clients
  private readonly oracle: Oracle
  private lastSubmission = START

  constructor(private readonly options: SimOptions) {
    const world = new World(options)
    this.world = world
    this.totalJobs = options.jobs ?? 100
    this.file = seedDatabase(options.seed)
    this.reader = new Reader(this.file)
    this.server = new ServerProcess(world, {
      file: this.file,
      faults: storageFaults(world, (jobId) => this.oracle.jobKey(jobId)),
      onDown: () => this.network.serverDown(this.runners.all),
      ...(options.plant === undefined ? {} : { plant: options.plant })
    })
    this.network = new Network(world, this.server)
    this.runners = new RunnerFleet(world, this.server, this.network, {
      plan: (key) => this.clients.plans.get(key),
      onHeartbeat: (held, uuid, now) => this.oracle.billHeartbeat(held, uuid, now)
    })
    this.clients = new Clients(world, this.server, (uuid, plan) => this.oracle.attachPlan(uuid, plan))
    this.oracle = new Oracle(world, this.reader, {
      plan: (key) => this.clients.plans.get(key),
      runner: (id) => this.runners.runner(id),
      runners: this.runners.all,
      serverUp: () => this.server.current !== undefined,
      downtime: () => this.server.downtimeNow()
    })
  }

  /** The specs, the runners and the clients, then the chaos; every count is drawn from the seed's setup stream. */
  private populate() {
    const world = this.world
    const r = world.rng.fork("world")
    const runnerCount = r.int(2, 5)
    const clientCount = r.int(2, 6)
    const fiber = world.fork(
      this.server.onServer(
        Effect.gen(function* () {
          const specs = yield* Specs
          for (const name of SPECS) yield* specs.create({ name, cpu: 1, memory: 512, disk: 1024, fallback: false })
        })
      )
    )
    world.scheduler.runUntilIdle()
    const specs = fiber.unsafePoll()
    if (specs === null || Exit.isFailure(specs))
      return world.violate("world", `cannot create specs: ${specs === null ? "pending" : Cause.pretty(specs.cause)}`)
    for (let i = 0; i < runnerCount; i++) this.runners.join(i, runnerCount, r)
    this.clients.start(clientCount, this.totalJobs)
    this.runners.start()
    world.fork(chaos(world, this.runners.all, this.server, () => this.finished()))
  }

  private finished(): boolean {
    if (this.clients.done < this.clients.count) return false
    return this.oracle.allEnded() && this.oracle.size >= this.clients.submitted
  }

  run(): SimResult {
    const { world, server, oracle } = this
    let completedNaturally = false
    try {
      world.log(
        "world",
        `seed ${this.options.seed}, ${this.totalJobs} jobs, heartbeat flush every ${Duration.toMillis(world.settings.heartbeatFlushInterval) / 1000} s, faults ${FAULTS.map((f) => `${f}=${world.rates[f].toFixed(3)}`).join(" ")}`
      )
      server.start()
      world.scheduler.runUntilIdle()
      server.poll()
      if (server.current === undefined)
        world.violate("server_start", "the server did not start without simulated time passing")
      this.populate()
      world.scheduler.runUntilIdle()
      const maxSteps = this.options.steps ?? Number.POSITIVE_INFINITY
      while (world.step < maxSteps) {
        if (world.violation !== undefined) throw new ViolationError(world.violation)
        if (this.finished()) {
          completedNaturally = true
          break
        }
        if (this.clients.done < this.clients.count) this.lastSubmission = world.clock.now
        if (world.clock.now - this.lastSubmission > DRAIN_LIMIT_MS)
          world.violate("stuck", "jobs still unfinished six simulated hours after the last submission")
        if (!world.clock.advance()) world.violate("world", "nothing left to happen, yet jobs are unfinished")
        world.step++
        world.scheduler.runUntilIdle()
        server.poll()
        if (world.violation !== undefined) throw new ViolationError(world.violation)
        oracle.checkTransitions()
        oracle.checkProgress()
      }
      if (completedNaturally) {
        server.stop("end of run")
        world.scheduler.runUntilIdle()
        server.drainClose()
        oracle.checkTransitions()
        oracle.finalChecks()
        world.log("world", `done: ${oracle.size} jobs, ${oracle.summary()}`)
      }
    } catch (error) {
      if (!(error instanceof ViolationError)) throw error
      world.violation = error.violation
    } finally {
      if (server.current !== undefined) {
        server.stop("end of run")
        world.scheduler.runUntilIdle()
      }
      this.reader.close()
      removeDatabase(this.file)
    }
    const violation = world.violation
    return {
      seed: this.options.seed,
      ok: violation === undefined,
      complete: completedNaturally && violation === undefined,
      ...(violation === undefined ? {} : { violation }),
      hash: world.events.digest(),
      steps: world.step,
      jobs: oracle.size,
      simulatedMs: world.clock.now - START,
      faults: world.events.faults,
      rates: world.rates,
      trace: world.events.trace()
    }
  }
}

/** Runs one seed to the end (or to its first violation). */
export const runSeed = (options: SimOptions): SimResult => new Simulation(options).run()

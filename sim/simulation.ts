import Sqlite from "better-sqlite3"
import { Cause, Clock, Context, DefaultServices, Duration, Effect, Exit, Fiber, FiberRef, HashSet, Layer, Logger, Option, Random, Runtime, Scope } from "effect"
import { createHash } from "node:crypto"
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { threadId } from "node:worker_threads"
import { join } from "node:path"
import type { AdapterName } from "../src/adapters/index.js"
import { canTransition, type JobPriority, jobPriorityToInt, type JobStatus, jobStatusFromInt, isTerminal } from "../src/domain/job.js"
import { CurrentActor } from "../src/identity/actor.js"
import { RunnerChannel } from "../src/jobs/channel.js"
import { Jobs } from "../src/jobs/jobs.js"
import { JobLifecycle } from "../src/jobs/lifecycle.js"
import { JobSupervisor } from "../src/jobs/supervisor.js"
import { submitRun } from "../src/runs/submit.js"
import { defaultJobSettings, type JobSettingsShape } from "../src/jobs/settings.js"
import type { AuthenticatedRunner } from "../src/runners/runners.js"
import { Runners } from "../src/runners/runners.js"
import { Specs } from "../src/runners/specs.js"
import { StoreLive } from "../src/store/database.js"
import { Ids } from "../src/store/ids.js"
import { chooseRates, FAULTS, type FaultName, type FaultRates } from "./faults.js"
import { adapterFixtures, type ExpectedMetric, garbageOutput, generatedBmf, oracleMetrics } from "./fixtures.js"
import { Rng, uuidFrom } from "./rng.js"
import { SimClock, SimScheduler, simRuntime } from "./runtime.js"
import { REGISTRY, type ServerContext, serverLayer, type ServerOptions, type ServerServices } from "./server.js"

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

export interface Violation {
  readonly invariant: string
  readonly message: string
  readonly step: number
  readonly jobs: ReadonlyArray<string>
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

const START = Date.UTC(2026, 0, 1)
const SETTINGS: JobSettingsShape = defaultJobSettings
const HEARTBEAT_MS = Duration.toMillis(SETTINGS.heartbeatTimeout)
const GRACE_MS = Duration.toMillis(SETTINGS.timeoutGrace)
/**
 * The heartbeat writer's flush interval, per seed. Each flush is a step of the world and a background
 * transaction; a few seconds keeps several marks per flush (and BUSY faults on it) at a fraction of the cost of
 * the production default of one second, which changes nothing the checks read.
 */
const FLUSH_SECONDS = [2, 5, 10] as const
/** A runner's heartbeat period in seconds (well under the 30 s heartbeat timeout, even with an 8 s delay). */
const RUNNER_HEARTBEAT_SECONDS = [5, 10] as const
const POLL_SECONDS = 30
const SPECS = ["small", "large", "gpu"] as const
const TIERS: ReadonlyArray<JobPriority> = ["unclaimed", "free", "team", "enterprise"]
const TRACE_KEEP = 4000
/** Time the world keeps running after the last submission before it calls a job stuck for good. */
const DRAIN_LIMIT_MS = 6 * 3600_000

/** What the client decided a job will do when a runner executes it. */
interface JobPlan {
  readonly key: string
  readonly client: number
  readonly adapter: AdapterName
  readonly results: ReadonlyArray<{ readonly exit_code: number; readonly stdout: string }>
  /** The runner reports Failed with this error (a non-zero exit) instead of Completed. */
  readonly error: string | null
  readonly durationMs: number
  readonly spec: string
  readonly timeout: number
  /** Metrics the report must hold when processed, and when failed by the runner (exit-0 iterations only). */
  readonly expected: ReadonlyArray<ExpectedMetric> | undefined
}

interface JobModel {
  readonly id: number
  readonly uuid: string
  readonly specId: number
  readonly priority: number
  readonly organizationId: number
  readonly sourceIp: string
  readonly created: number
  readonly timeoutMs: number
  readonly reportId: number
  plan: JobPlan | undefined
  status: JobStatus
  runnerId: number | null
  lastEventAt: number
  downtimeAtEvent: number
  error: string | null
  /** Billing oracle: the highest minute any accepted heartbeat billed. */
  billed: number
}

interface SimRunner {
  readonly name: string
  readonly auth: AuthenticatedRunner
  readonly rng: Rng
  readonly heartbeatMs: number
  incarnation: number
  partitionedUntil: number
  /** Server-side handlers of this runner's requests (interrupted when its connection drops). */
  readonly handlers: Set<Fiber.RuntimeFiber<unknown, unknown>>
  /** Claim requests waiting at the server. */
  readonly claims: Set<Fiber.RuntimeFiber<unknown, unknown>>
  executing: string | null
}

class ViolationError extends Error {
  constructor(readonly violation: Violation) {
    super(violation.message)
  }
}

interface Transition {
  readonly seq: number
  readonly job_id: number
  readonly old_status: number | null
  readonly new_status: number
  readonly old_runner: number | null
  readonly new_runner: number | null
  readonly at: number
  readonly error: string | null
}

const TRIGGERS = [
  `CREATE TABLE IF NOT EXISTS sim_transition (seq INTEGER PRIMARY KEY AUTOINCREMENT, job_id INTEGER NOT NULL,
    old_status INTEGER, new_status INTEGER NOT NULL, old_runner INTEGER, new_runner INTEGER, at INTEGER NOT NULL, error TEXT)`,
  `CREATE TRIGGER IF NOT EXISTS sim_job_insert AFTER INSERT ON job BEGIN
    INSERT INTO sim_transition (job_id, old_status, new_status, old_runner, new_runner, at, error)
    VALUES (new.id, NULL, new.status, NULL, new.runner_id, new.modified, new.error); END`,
  `CREATE TRIGGER IF NOT EXISTS sim_job_update AFTER UPDATE ON job
    WHEN old.status IS NOT new.status OR old.runner_id IS NOT new.runner_id BEGIN
    INSERT INTO sim_transition (job_id, old_status, new_status, old_runner, new_runner, at, error)
    VALUES (new.id, old.status, new.status, old.runner_id, new.runner_id, new.modified, new.error); END`
]

/** Seed databases live in memory-backed /dev/shm when there is one, one file per seed, removed after its run. */
const seedFile = (name: string) =>
  join(existsSync("/dev/shm") ? "/dev/shm" : tmpdir(), `bencher-sim-${process.pid}-${threadId}-${name}.db`)

const removeDatabase = (file: string) => {
  for (const suffix of ["", "-wal", "-shm"]) rmSync(file + suffix, { force: true })
}

let template: Buffer | undefined

/**
 * A migrated database with the simulator's transition triggers, built once per process and kept in memory:
 * each seed starts from a copy of these bytes, so nothing is left on disk once the seeds are done.
 */
const templateBytes = (): Buffer => {
  if (template !== undefined) return template
  const file = seedFile("template")
  removeDatabase(file)
  try {
    const scheduler = new SimScheduler()
    const fiber = Runtime.runFork(simRuntime(scheduler))(Effect.scoped(Layer.build(StoreLive(file, { checkpoints: "inline" }))))
    scheduler.runUntilIdle()
    const exit = fiber.unsafePoll()
    if (exit === null || Exit.isFailure(exit)) throw new Error(`cannot build the simulator's template database: ${exit === null ? "did not finish" : Cause.pretty(exit.cause)}`)
    const db = new Sqlite(file)
    for (const statement of TRIGGERS) db.exec(statement)
    db.pragma("wal_checkpoint(TRUNCATE)")
    db.close()
    template = readFileSync(file)
    return template
  } finally {
    removeDatabase(file)
  }
}

const statusName = (n: number | null): string => (n === null ? "none" : jobStatusFromInt(n) ?? `?${n}`)

const fmtTime = (ms: number) => `${((ms - START) / 1000).toFixed(3).padStart(10)}s`

/** One seed's world: server, runners, clients, network and the invariant checker, all on simulated time. */
export class Simulation {
  private readonly scheduler = new SimScheduler()
  private readonly clock = new SimClock(START)
  private readonly runtime: Runtime.Runtime<Ids>
  private readonly rng: Rng
  private readonly rates: FaultRates
  private readonly faultCount = Object.fromEntries(FAULTS.map((f) => [f, 0])) as Record<FaultName, number>
  private readonly file: string
  private readonly reader: Sqlite.Database
  private readonly hash = createHash("sha256")
  private readonly trace: Array<string> = []
  private readonly random: Random.Random
  private readonly ids: Context.Tag.Service<typeof Ids>
  private readonly totalJobs: number
  private readonly settings: JobSettingsShape

  private server: { ctx: ServerContext; scope: Scope.CloseableScope } | undefined
  private downSince: number | null = null
  private downtime = 0
  private step = 0
  private lastSeq = 0
  private readonly jobs = new Map<number, JobModel>()
  private readonly jobsByUuid = new Map<string, JobModel>()
  private readonly plans = new Map<string, JobPlan>()
  private readonly runners: Array<SimRunner> = []
  private readonly runnerById = new Map<number, SimRunner>()
  private readonly specIds = new Map<string, number>()
  private submitted = 0
  private clientsDone = 0
  private clients = 0
  private readonly executingBy = new Map<string, string>()
  private idleSince = new Map<number, number>()
  private violation: Violation | undefined

  constructor(private readonly options: SimOptions) {
    this.rng = new Rng(options.seed)
    this.rates = chooseRates(this.rng.fork("rates"), options.disabled ?? new Set(), options.emphasize)
    this.totalJobs = options.jobs ?? 100
    this.settings = { ...SETTINGS, heartbeatFlushInterval: Duration.seconds(this.rng.fork("settings").pick(FLUSH_SECONDS)) }
    this.file = seedFile(`seed-${options.seed}`)
    removeDatabase(this.file)
    writeFileSync(this.file, templateBytes())
    this.reader = new Sqlite(this.file)
    this.random = Random.make(options.seed)
    const idRng = this.rng.fork("ids")
    this.ids = { uuid: Effect.sync(() => uuidFrom(idRng) as ReturnType<typeof crypto.randomUUID>) }
    const logger = Logger.make<unknown, void>(({ logLevel, message }) => {
      if (logLevel._tag === "Debug" || logLevel._tag === "Trace") return
      // Only the message strings: causes carry stack traces whose paths depend on the checkout, not the seed.
      const text = (Array.isArray(message) ? message : [message]).filter((m) => typeof m === "string").join(" ")
      this.log("server", `log ${logLevel.label} ${text}`)
    })
    // Spans cost time and carry nothing the checks read; the services' code paths are the same without them.
    // The clock, random and ids live in the runtime itself, so every fiber of the world (and each one they fork)
    // starts with them, without per-fiber wrappers.
    this.runtime = simRuntime(this.scheduler).pipe(
      Runtime.setFiberRef(FiberRef.currentLoggers, HashSet.make(logger)),
      Runtime.setFiberRef(FiberRef.currentTracerEnabled, false),
      Runtime.setFiberRef(
        DefaultServices.currentServices,
        DefaultServices.liveServices.pipe(Context.add(Clock.Clock, this.clock), Context.add(Random.Random, this.random))
      ),
      Runtime.provideService(Ids, this.ids)
    )
  }

  // ---------------------------------------------------------------- plumbing

  private log(actor: string, event: string) {
    const line = `${fmtTime(this.clock.now)} ${actor.padEnd(8)} ${event}`
    this.hash.update(line)
    this.hash.update("\n")
    this.trace.push(line)
    if (this.trace.length > TRACE_KEEP * 2) this.trace.splice(0, this.trace.length - TRACE_KEEP)
    this.options.onLine?.(line)
  }

  private fault(name: FaultName, actor: string, detail: string) {
    this.faultCount[name]++
    this.log(actor, `FAULT ${name} ${detail}`)
  }

  /** Runs an effect as a fiber of the world, with its clock, random and ids. */
  private fork<A, E>(effect: Effect.Effect<A, E>): Fiber.RuntimeFiber<A, E> {
    return Runtime.runFork(this.runtime)(effect)
  }

  /** Runs an effect against the live server's services; fails with "down" while the server restarts. */
  private onServer<A, E>(effect: Effect.Effect<A, E, ServerServicesOf>): Effect.Effect<A, E | "down"> {
    return Effect.suspend((): Effect.Effect<A, E | "down"> => {
      const server = this.server
      if (server === undefined) return Effect.fail("down" as const)
      return Effect.provide(effect, server.ctx)
    })
  }

  private violate(invariant: string, message: string, jobs: ReadonlyArray<string> = []): never {
    const violation = { invariant, message, step: this.step, jobs }
    this.log("CHECK", `VIOLATION ${invariant}: ${message}`)
    throw new ViolationError(violation)
  }

  // ---------------------------------------------------------------- server lifecycle

  private startServer() {
    const faults = {
      backgroundBusy: () => {
        const r = this.rng.fork(`busy-${this.step}-${this.clock.now}`)
        if (!r.chance(this.rates.background_busy)) return undefined
        const where = r.chance(0.5) ? "begin" as const : "commit" as const
        this.fault("background_busy", "server", `background transaction fails at ${where}`)
        return where
      },
      outputDiskFull: (jobId: number) => {
        const job = this.jobs.get(jobId)
        const r = this.rng.fork(`disk-${jobId}-${this.clock.now}`)
        if (!r.chance(this.rates.disk_full)) return false
        this.fault("disk_full", "server", `output of ${job?.plan?.key ?? jobId} not written: disk full`)
        return true
      }
    }
    const layer = serverLayer({
      file: this.file,
      settings: this.settings,
      faults,
      tierOf: (organizationId) => TIERS[(organizationId * 7 + this.options.seed) % TIERS.length] ?? "free",
      ...this.options.plant
    })
    this.starting = this.fork(Effect.gen(function*() {
      const scope = yield* Scope.make()
      const ctx = yield* Layer.buildWithScope(layer, scope)
      return { ctx, scope }
    }))
  }

  private starting: Fiber.RuntimeFiber<{ ctx: ServerContext; scope: Scope.CloseableScope }, unknown> | undefined
  private closing: Fiber.RuntimeFiber<void> | undefined

  /** The server is up once its layers (and recovery) finished building, which may take simulated time. */
  private pollServer() {
    const starting = this.starting
    if (starting === undefined) return
    const exit = starting.unsafePoll()
    if (exit === null) return
    this.starting = undefined
    if (Exit.isFailure(exit)) this.violate("server_start", `the server did not start: ${Cause.pretty(exit.cause)}`)
    this.server = exit.value
    if (this.downSince !== null) this.downtime += this.clock.now - this.downSince
    this.downSince = null
    this.log("server", "up (recovery ran)")
  }

  /** Called from the driver only (a timer), never from inside a fiber. */
  private stopServer(reason: string) {
    const server = this.server
    if (server === undefined) return
    this.server = undefined
    this.downSince = this.clock.now
    // Connections drop with the server: every request it was serving is interrupted, unanswered.
    for (const runner of this.runners) {
      const handlers = [...runner.handlers]
      runner.handlers.clear()
      runner.claims.clear()
      for (const h of handlers) this.fork(Fiber.interrupt(h))
    }
    // Its finalizers (the heartbeat writer's last flush) may retry on SQLITE_BUSY, so closing takes simulated time.
    this.closing = this.fork(Scope.close(server.scope, Exit.void))
    this.log("server", `down (${reason})`)
  }

  private restartServer() {
    if (this.closing !== undefined && this.closing.unsafePoll() === null) {
      this.clock.at(this.clock.now + 100, () => this.restartServer())
      return
    }
    this.closing = undefined
    this.startServer()
  }

  /** Lets simulated time pass until the server has closed (its final flush done). */
  private drainClose() {
    for (let i = 0; i < 100_000 && this.closing !== undefined && this.closing.unsafePoll() === null; i++) {
      if (!this.clock.advance()) break
      this.scheduler.runUntilIdle()
    }
    if (this.closing !== undefined && this.closing.unsafePoll() === null) this.violate("shutdown", "the server never finished closing")
  }

  // ---------------------------------------------------------------- the network

  private delay(r: Rng): number {
    const slow = r.next()
    const long = r.int(500, 8000)
    const short = r.int(1, 40)
    if (slow < this.rates.delay) {
      this.fault("delay", "network", `message delayed ${long} ms`)
      return long
    }
    return short
  }

  /**
   * One request from a runner and its response over the simulated link: delivered after a delay (maybe twice),
   * lost while the runner is partitioned or the server is down, and answered the same way back. Resolves with
   * the server's answer, or None when nothing came back within `timeoutMs`.
   */
  private rpc<A, E>(
    runner: SimRunner,
    what: string,
    call: Effect.Effect<A, E, ServerServicesOf>,
    timeoutMs: number,
    options: { readonly duplicable?: boolean; readonly claim?: boolean } = {}
  ): Effect.Effect<Option.Option<Exit.Exit<A, E>>> {
    // One async step on the simulated clock (no Deferred, no racing timeout fiber): the first of the answer and
    // the timeout resumes the caller, the other is dropped.
    return Effect.async<Option.Option<Exit.Exit<A, E>>>((resume) => {
      let settled = false
      const incarnation = runner.incarnation
      const r = runner.rng
      const dup = r.next()
      const copies = options.duplicable === true && dup < this.rates.duplicate ? 2 : 1
      if (copies === 2) this.fault("duplicate", runner.name, `${what} sent twice`)
      const timeout = this.clock.at(this.clock.now + timeoutMs, () => {
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
        const at = this.clock.now + this.delay(r)
        this.clock.at(at, () => this.deliver(runner, incarnation, what, call, answer, options.claim === true))
      }
      return Effect.sync(() => {
        settled = true
        timeout.canceled = true
      })
    })
  }

  private deliver<A, E>(
    runner: SimRunner,
    incarnation: number,
    what: string,
    call: Effect.Effect<A, E, ServerServicesOf>,
    answer: (exit: Exit.Exit<A, E>) => void,
    claim: boolean
  ) {
    if (this.clock.now < runner.partitionedUntil) return this.log(runner.name, `${what} lost (partition)`)
    // A request already on the wire arrives even if its runner died since; a claim's long poll does not (its
    // connection closed).
    if (claim && runner.incarnation !== incarnation) return
    const server = this.server
    if (server === undefined) return this.log(runner.name, `${what} lost (server down)`)
    const handler = this.fork(Effect.exit(Effect.provide(call, server.ctx)))
    runner.handlers.add(handler)
    if (claim) runner.claims.add(handler)
    handler.addObserver((exit) => {
      runner.handlers.delete(handler)
      runner.claims.delete(handler)
      // An interrupted request (its connection dropped) gets no answer; errors are answered like an HTTP 4xx/5xx.
      if (Exit.isInterrupted(exit) || Exit.isFailure(exit) || this.server !== server) return
      if (Exit.isFailure(exit.value) && Cause.isInterruptedOnly(exit.value.cause)) return
      const response = exit.value
      const back = this.clock.now + this.delay(runner.rng)
      this.clock.at(back, () => {
        if (this.clock.now < runner.partitionedUntil) return this.log(runner.name, `answer to ${what} lost (partition)`)
        if (runner.incarnation !== incarnation) return
        answer(response)
      })
    })
  }

  // ---------------------------------------------------------------- runners

  private runnerLoop(runner: SimRunner): Effect.Effect<void> {
    const self = this
    return Effect.gen(function*() {
      for (;;) {
        const channelClaim = Effect.flatMap(RunnerChannel, (c) => c.claim(runner.auth, POLL_SECONDS))
        const got = yield* self.rpc(runner, "claim", channelClaim, POLL_SECONDS * 1000 + 10_000, { claim: true })
        if (Option.isNone(got) || Exit.isFailure(got.value)) {
          if (Option.isSome(got)) yield* Effect.sleep("1 second")
          continue
        }
        const claimed = got.value.value
        if (Option.isNone(claimed)) continue
        const crashed = yield* self.execute(runner, claimed.value.uuid, claimed.value.config.env ?? {})
        if (crashed) return
      }
    }).pipe(this.catchViolations(runner.name))
  }

  /** A violation raised inside a fiber stops the run at the next step. */
  private catchViolations(actor: string) {
    return <A>(self: Effect.Effect<A>) =>
      Effect.catchAllDefect(self, (defect) => Effect.sync(() => {
        if (defect instanceof ViolationError) this.violation ??= defect.violation
        else this.violation ??= { invariant: "world", message: `${actor} died: ${String(defect)}`, step: this.step, jobs: [] }
      }))
  }

  /** Runs one claimed job; true when the runner crashed doing so. */
  private execute(runner: SimRunner, uuid: string, env: Readonly<Record<string, string>>): Effect.Effect<boolean> {
    const self = this
    return Effect.gen(function*() {
      const plan = self.plans.get(env["SIM_JOB"] ?? "")
      if (plan === undefined) return self.violate("world", `runner ${runner.name} claimed ${uuid} with no plan`, [uuid])
      const holder = self.executingBy.get(uuid)
      if (holder !== undefined && holder !== runner.name) {
        self.violate("single_claim", `job ${plan.key} (${uuid}) handed to ${runner.name} while ${holder} still runs it`, [uuid])
      }
      self.executingBy.set(uuid, runner.name)
      runner.executing = uuid
      self.log(runner.name, `claimed ${plan.key} ${uuid.slice(0, 8)} (${plan.durationMs} ms, timeout ${plan.timeout} s)`)
      const r = runner.rng
      // Every draw is made whatever the rates, so a fault turned off leaves the rest of the stream as it was.
      const draws = { before: r.next(), during: r.next(), after: r.next(), stop: r.next(), stopAt: r.int(0, plan.durationMs), stopFor: r.int(10_000, 90_000), crashAt: r.int(0, plan.durationMs) }
      const crashPoint = draws.before < self.rates.crash_before_running ? "before" : draws.during < self.rates.crash_during ? "during"
        : draws.after < self.rates.crash_after_completed ? "after" : "none"
      const stopAt = draws.stop < self.rates.heartbeat_stop ? draws.stopAt : -1
      const stopFor = draws.stopFor
      const crash = () => {
        self.executingBy.delete(uuid)
        runner.executing = null
        self.crashRunner(runner)
        return true
      }
      const finish = () => {
        if (self.executingBy.get(uuid) === runner.name) self.executingBy.delete(uuid)
        runner.executing = null
        return false
      }
      if (crashPoint === "before") {
        self.fault("crash_before_running", runner.name, `crashed before Running of ${plan.key}`)
        return crash()
      }
      /** Sends a message until the server answers (up to `attempts`); the answer or None. */
      const send = <A, E>(what: string, call: Effect.Effect<A, E, ServerServicesOf>, attempts: number) =>
        Effect.gen(function*() {
          for (let i = 0; i < attempts; i++) {
            const got = yield* self.rpc(runner, `${what} ${plan.key}`, call, 5000, { duplicable: true })
            if (Option.isSome(got) && Exit.isSuccess(got.value)) return Option.some(got.value.value)
            // A refusal (the job is not ours any more) ends it; a server error is retried.
            if (Option.isSome(got) && Exit.isFailure(got.value) && Option.isSome(Cause.failureOption(got.value.cause))) return Option.none<A>()
          }
          return Option.none<A>()
        })
      const acknowledgeCancel = Effect.gen(function*() {
        self.log(runner.name, `stops ${plan.key}: canceled`)
        yield* send("canceled", Effect.flatMap(RunnerChannel, (c) => c.canceled(runner.auth, uuid)), 6)
        return finish()
      })
      const running = yield* send("running", Effect.flatMap(RunnerChannel, (c) => c.running(runner.auth, uuid)), 3)
      if (Option.isSome(running) && running.value.canceled) return yield* acknowledgeCancel
      const started = self.clock.now
      const crashAt = crashPoint === "during" ? draws.crashAt : -1
      let hungUntil = -1
      for (;;) {
        const elapsed = self.clock.now - started
        if (elapsed >= plan.durationMs) break
        if (crashAt >= 0 && elapsed >= crashAt) {
          self.fault("crash_during", runner.name, `crashed while running ${plan.key}`)
          return crash()
        }
        if (stopAt >= 0 && hungUntil < 0 && elapsed >= stopAt) {
          hungUntil = self.clock.now + stopFor
          self.fault("heartbeat_stop", runner.name, `stops heartbeating ${plan.key} for ${stopFor} ms`)
        }
        yield* Effect.sleep(Duration.millis(Math.min(runner.heartbeatMs, plan.durationMs - elapsed)))
        if (self.clock.now - started >= plan.durationMs) break
        if (self.clock.now < hungUntil) continue
        const beat = yield* self.rpc(runner, `heartbeat ${plan.key}`, self.heartbeatCall(runner, uuid), 3000, { duplicable: true })
        if (Option.isSome(beat) && Exit.isSuccess(beat.value) && beat.value.value.canceled) return yield* acknowledgeCancel
      }
      const results = plan.results.map((it) => ({ exit_code: it.exit_code, stdout: it.stdout }))
      const terminal = plan.error === null
        ? Effect.flatMap(RunnerChannel, (c) => c.completed(runner.auth, uuid, results))
        : Effect.flatMap(RunnerChannel, (c) => c.failed(runner.auth, uuid, results, plan.error ?? ""))
      const what = plan.error === null ? "completed" : "failed"
      if (crashPoint === "after") {
        yield* self.rpc(runner, `${what} ${plan.key}`, terminal, 0, { duplicable: true })
        self.fault("crash_after_completed", runner.name, `crashed after sending ${what} of ${plan.key}, before the ack`)
        return crash()
      }
      const ack = yield* send(what, terminal, 12)
      self.log(runner.name, `${what} ${plan.key}: ${Option.match(ack, { onNone: () => "no ack, gives up", onSome: (a) => `ack ${a.status}` })}`)
      return finish()
    })
  }

  /**
   * A heartbeat as the server handles it, plus the billing oracle: a heartbeat the supervisor holds for a live,
   * not canceled, not over-time job bills the whole minutes since the job started (at least one).
   */
  private heartbeatCall(runner: SimRunner, uuid: string) {
    return Effect.gen(this, function*() {
      const supervisor = yield* JobSupervisor
      const held = supervisor.held(runner.auth.id, uuid)
      const now = this.clock.now
      if (held !== undefined && !held.canceled) {
        const overTime = held.started !== null && now >= held.started + held.timeoutMs + GRACE_MS
        const job = this.jobsByUuid.get(uuid)
        if (!overTime && held.started !== null && job !== undefined) {
          job.billed = Math.max(job.billed, Math.max(1, Math.ceil((now - held.started) / 60_000)))
        }
      }
      return yield* Effect.flatMap(RunnerChannel, (c) => c.heartbeat(runner.auth, uuid))
    })
  }

  private crashRunner(runner: SimRunner) {
    runner.incarnation++
    // The runner's connection drops with it: the server interrupts the long polls it was serving for it.
    const handlers = [...runner.claims]
    runner.claims.clear()
    for (const h of handlers) this.fork(Fiber.interrupt(h))
    const down = runner.rng.int(2000, 30_000)
    this.log(runner.name, `down for ${down} ms`)
    this.fork(Effect.sleep(Duration.millis(down)).pipe(Effect.zipRight(Effect.sync(() => {
      this.log(runner.name, "restarted")
      this.fork(this.runnerLoop(runner))
    }))))
  }

  // ---------------------------------------------------------------- clients

  private planJob(client: number, index: number, r: Rng): JobPlan {
    const key = `c${client}j${index}`
    const iterations = r.int(1, 3)
    const spec = r.pick(SPECS)
    const timeout = r.int(30, 60)
    const draws = { garbage: r.next(), nonzero: r.next(), slow: r.next(), over: r.int(5000, 60_000), normal: r.int(2000, Math.min(timeout * 1000 - 5000, 45_000)) }
    const garbage = draws.garbage < this.rates.garbage_output
    const nonzero = !garbage && draws.nonzero < this.rates.nonzero_exit
    const slow = draws.slow < this.rates.slow_job
    const durationMs = slow ? timeout * 1000 + GRACE_MS + draws.over : draws.normal
    const fixtures = adapterFixtures()
    const useFixture = r.chance(0.5)
    const fixture = r.pick(fixtures)
    const adapter: AdapterName = useFixture ? fixture.adapter : "json"
    const results: Array<{ exit_code: number; stdout: string }> = []
    const direct: Array<ExpectedMetric> = []
    for (let i = 0; i < iterations; i++) {
      // A fixed number of draws per iteration (the generator's own stream), whatever this iteration becomes.
      const it = r.fork(`iteration-${i}`)
      const junk = garbageOutput(() => it.next())
      const failedHere = nonzero && (i === iterations - 1 || it.chance(0.3))
      const cut = it.next()
      const bmf = generatedBmf(() => it.next())
      if (garbage) {
        results.push({ exit_code: 0, stdout: junk })
        continue
      }
      if (useFixture) {
        results.push(failedHere ? { exit_code: 1, stdout: fixture.output.slice(0, Math.floor(cut * (fixture.output.length >> 1))) } : { exit_code: 0, stdout: fixture.output })
      } else {
        results.push(failedHere ? { exit_code: 1, stdout: bmf.output.slice(0, Math.floor(cut * (bmf.output.length >> 1))) } : { exit_code: 0, stdout: bmf.output })
        if (!failedHere) direct.push(...bmf.metrics.map((m) => ({ ...m, iteration: results.filter((x) => x.exit_code === 0).length - 1 })))
      }
    }
    const error = results.some((x) => x.exit_code !== 0) ? `sim: iteration exited 1 (${key})` : null
    const okOutputs = results.filter((x) => x.exit_code === 0).map((x) => x.stdout)
    // Fixtures: the adapter is the oracle. Generated BMF: the values the generator wrote, no adapter involved.
    const expected = garbage ? undefined : useFixture ? oracleMetrics(adapter, okOutputs) : direct
    if (slow) this.fault("slow_job", `client${client}`, `${key} will run ${durationMs} ms, over its ${timeout} s timeout`)
    if (garbage) this.fault("garbage_output", `client${client}`, `${key} will print output no adapter accepts`)
    if (nonzero) this.fault("nonzero_exit", `client${client}`, `${key} will exit 1 with partial output`)
    return { key, client, adapter, results, error, durationMs, spec, timeout, expected }
  }

  private clientLoop(client: number, count: number): Effect.Effect<void> {
    const self = this
    const r = this.rng.fork(`client-${client}`)
    const project = `sim-project-${client}`
    const sourceIp = `10.0.0.${client + 1}`
    const actor = { _tag: "Anonymous" as const, sourceIp }
    const upper = r.pick([500, 5000, 50_000])
    const iso = (ms: number) => new Date(ms).toISOString()
    /** Retries a server call while the server is down. */
    const call = <A, E>(effect: Effect.Effect<A, E, ServerServicesOf>) =>
      Effect.gen(function*() {
        for (;;) {
          const exit = yield* Effect.exit(self.onServer(effect))
          if (Exit.isSuccess(exit)) return exit
          if (Exit.isFailure(exit) && Option.getOrUndefined(Cause.failureOption(exit.cause)) !== "down") return exit
          yield* Effect.sleep("1 second")
        }
      })
    return Effect.gen(function*() {
      // The project and its static threshold on latency, from a first local run with no results.
      const setup = yield* call(submitRun({
        project,
        start_time: iso(self.clock.now),
        end_time: iso(self.clock.now),
        results: [],
        settings: { adapter: "json" },
        thresholds: { models: { latency: { test: "static", upper_boundary: upper } } }
      }).pipe(Effect.provideService(CurrentActor, actor)))
      if (Exit.isFailure(setup)) return self.violate("world", `client${client} could not create its project: ${Cause.pretty(setup.cause)}`)
      self.log(`client${client}`, `project ${project} with a static latency threshold at ${upper}`)
      for (let index = 0; index < count; index++) {
        yield* Effect.sleep(Duration.millis(r.int(500, 40_000)))
        const plan = self.planJob(client, index, r)
        self.plans.set(plan.key, plan)
        const submitted = yield* call(submitRun({
          project,
          start_time: iso(self.clock.now),
          end_time: iso(self.clock.now),
          results: [],
          settings: { adapter: plan.adapter },
          job: { image: `${project}@sha256:${"5".repeat(64)}`, spec: plan.spec, timeout: plan.timeout, env: { SIM_JOB: plan.key } }
        }).pipe(Effect.provideService(CurrentActor, actor)))
        if (Exit.isFailure(submitted)) return self.violate("world", `client${client} could not submit ${plan.key}: ${Cause.pretty(submitted.cause)}`)
        const uuid = submitted.value.job ?? ""
        self.submitted++
        self.log(`client${client}`, `submitted ${plan.key} ${uuid.slice(0, 8)} spec ${plan.spec} adapter ${plan.adapter}`)
        const job = self.jobsByUuid.get(uuid)
        if (job !== undefined) job.plan = plan
        const cancelDraw = r.next()
        const after = r.int(0, plan.durationMs + 20_000)
        if (cancelDraw < self.rates.user_cancel) {
          self.fork(Effect.gen(function*() {
            yield* Effect.sleep(Duration.millis(after))
            self.fault("user_cancel", `client${client}`, `cancels ${plan.key}`)
            const canceled = yield* call(Effect.gen(function*() {
              const jobs = yield* Jobs
              const lifecycle = yield* JobLifecycle
              const row = yield* lifecycle.byUuid(uuid)
              if (row === undefined) return "missing"
              return yield* jobs.cancel(row).pipe(Effect.as("canceled"), Effect.catchTag("Conflict", () => Effect.succeed("already ended")))
            }))
            self.log(`client${client}`, `cancel ${plan.key}: ${Exit.isSuccess(canceled) ? canceled.value : "error"}`)
          }))
        }
      }
      self.clientsDone++
    }).pipe(this.catchViolations(`client${client}`))
  }

  // ---------------------------------------------------------------- invariants

  private readonly statements = new Map<string, Sqlite.Statement>()
  private dataVersion = -1

  /** The reader's statements, prepared once per seed. */
  private stmt(source: string): Sqlite.Statement {
    let statement = this.statements.get(source)
    if (statement === undefined) {
      statement = this.reader.prepare(source)
      this.statements.set(source, statement)
    }
    return statement
  }

  /**
   * Transitions committed since the last read. SQLite's data_version moves whenever another connection commits,
   * so most steps (a timer that wrote nothing) skip the query.
   */
  private readTransitions(): ReadonlyArray<Transition> {
    const version = this.stmt("PRAGMA data_version").pluck().get() as number
    if (version === this.dataVersion) return []
    this.dataVersion = version
    return this.stmt(`SELECT * FROM sim_transition WHERE seq > ? ORDER BY seq`).all(this.lastSeq) as Array<Transition>
  }

  private admitJob(t: Transition) {
    const row = this.stmt(`SELECT id, uuid, spec_id, priority, organization_id, source_ip, created, timeout, report_id, config FROM job WHERE id = ?`)
      .get(t.job_id) as { id: number; uuid: string; spec_id: number; priority: number; organization_id: number; source_ip: string | null; created: number; timeout: number; report_id: number; config: string } | undefined
    if (row === undefined) return this.violate("world", `job ${t.job_id} inserted but not found`)
    const key = (JSON.parse(row.config) as { env?: Record<string, string> }).env?.["SIM_JOB"] ?? ""
    const job: JobModel = {
      id: row.id,
      uuid: row.uuid,
      specId: row.spec_id,
      priority: row.priority,
      organizationId: row.organization_id,
      sourceIp: row.source_ip ?? "",
      created: row.created,
      timeoutMs: row.timeout * 1000,
      reportId: row.report_id,
      plan: this.plans.get(key),
      status: "pending",
      runnerId: null,
      lastEventAt: t.at,
      downtimeAtEvent: this.downtimeNow(),
      error: null,
      billed: 0
    }
    this.jobs.set(job.id, job)
    this.jobsByUuid.set(job.uuid, job)
  }

  private downtimeNow() {
    return this.downtime + (this.downSince === null ? 0 : this.clock.now - this.downSince)
  }

  /** Reads the transitions committed during the step and checks each against the lifecycle. */
  private checkTransitions() {
    const transitions = this.readTransitions()
    const claims: Array<JobModel> = []
    for (const t of transitions) {
      this.lastSeq = t.seq
      if (t.old_status === null) {
        if (statusName(t.new_status) !== "pending") this.violate("lifecycle", `job ${t.job_id} created ${statusName(t.new_status)}`)
        this.admitJob(t)
        continue
      }
      const job = this.jobs.get(t.job_id)
      if (job === undefined) continue
      const from = jobStatusFromInt(t.old_status)
      const to = jobStatusFromInt(t.new_status)
      const name = job.plan?.key ?? job.uuid
      const runner = t.new_runner === null ? "-" : this.runnerById.get(t.new_runner)?.name ?? `#${t.new_runner}`
      this.log("job", `${name} ${from} -> ${to} runner ${runner}${t.error === null ? "" : ` (${t.error.slice(0, 80)})`}`)
      if (t.old_runner !== t.new_runner && !(from === "pending" && to === "claimed" && t.old_runner === null)) {
        const was = t.old_runner === null ? "-" : this.runnerById.get(t.old_runner)?.name ?? `#${t.old_runner}`
        this.violate("single_claim", `job ${name} claimed by ${runner} while ${was} held it (${from})`, [job.uuid])
      }
      if (from === undefined || to === undefined || from !== job.status || !canTransition(from, to)) {
        this.violate("lifecycle", `job ${name} moved ${statusName(t.old_status)} -> ${statusName(t.new_status)} (model had ${job.status})`, [job.uuid])
      }
      job.status = to
      job.runnerId = t.new_runner
      job.lastEventAt = t.at
      job.downtimeAtEvent = this.downtimeNow()
      job.error = t.error
      if (to === "claimed") claims.push(job)
      if (to === "processed") this.checkReport(job)
    }
    for (const job of claims) this.checkPriority(job)
  }

  /**
   * A claim must take the best job the runner could have had: no job of an unlimited tier (team, enterprise),
   * pending before this step, that the runner serves and that outranks the claimed one may still be pending.
   */
  private checkPriority(claimed: JobModel) {
    const runner = claimed.runnerId === null ? undefined : this.runnerById.get(claimed.runnerId)
    if (runner === undefined) return
    for (const job of this.jobs.values()) {
      if (job.status !== "pending" || job.priority < 200 || !runner.auth.specIds.has(job.specId)) continue
      if (job.created >= claimed.lastEventAt) continue
      const outranks = job.priority > claimed.priority || (job.priority === claimed.priority && claimed.priority >= 200 && job.created < claimed.created)
      if (outranks) {
        this.violate("priority", `${runner.name} claimed ${claimed.plan?.key} (priority ${claimed.priority}) while ${job.plan?.key} (priority ${job.priority}, older) waited`, [claimed.uuid, job.uuid])
      }
    }
  }

  private reportMetrics(reportId: number) {
    return this.stmt(`SELECT rb.iteration, b.name AS benchmark, ms.slug AS measure, m.value, m.id,
        (SELECT count(*) FROM boundary bd JOIN alert a ON a.boundary_id = bd.id WHERE bd.metric_id = m.id) AS alerts,
        (SELECT count(*) FROM boundary bd WHERE bd.metric_id = m.id) AS boundaries,
        EXISTS (SELECT 1 FROM metric m2 JOIN report_benchmark rb2 ON rb2.id = m2.report_benchmark_id
          JOIN report r2 ON r2.id = rb2.report_id
          WHERE m2.measure_id = m.measure_id AND rb2.benchmark_id = rb.benchmark_id AND r2.head_id = r.head_id
            AND r2.testbed_id = r.testbed_id AND r2.spec_id IS r.spec_id AND m2.id < m.id) AS prior,
        (SELECT upper_boundary FROM threshold t JOIN model md ON md.id = t.model_id
          WHERE t.branch_id = h.branch_id AND t.testbed_id = r.testbed_id AND t.measure_id = m.measure_id) AS upper
      FROM metric m JOIN report_benchmark rb ON rb.id = m.report_benchmark_id JOIN benchmark b ON b.id = rb.benchmark_id
      JOIN measure ms ON ms.id = m.measure_id JOIN report r ON r.id = rb.report_id JOIN head h ON h.id = r.head_id
      WHERE rb.report_id = ?`).all(reportId) as Array<{ iteration: number; benchmark: string; measure: string; value: number; id: number; alerts: number; boundaries: number; prior: number; upper: number | null }>
  }

  /**
   * The report of a job holds exactly the oracle's metrics (no duplicates, nothing missing), and each metric of
   * a measure with a static threshold has an alert exactly when it has history and breaks the upper boundary.
   */
  private checkReport(job: JobModel) {
    const plan = job.plan
    const name = plan?.key ?? job.uuid
    const expected = this.expectedMetrics(job)
    const actual = this.reportMetrics(job.reportId)
    const key = (m: { iteration: number; benchmark: string; measure: string; value: number }) => `${m.iteration}|${m.benchmark}|${m.measure}|${m.value}`
    const want = expected.map(key).sort()
    const got = actual.map(key).sort()
    if (want.length !== got.length || want.some((w, i) => w !== got[i])) {
      const missing = want.filter((w) => !got.includes(w)).slice(0, 3)
      const extra = got.filter((g) => !want.includes(g)).slice(0, 3)
      this.violate("report_metrics", `job ${name} (${job.status}, ${job.error ?? "no error"}) has ${got.length} metrics, the oracle ${want.length}; missing ${JSON.stringify(missing)} extra ${JSON.stringify(extra)}`, [job.uuid])
    }
    for (const m of actual) {
      if (m.upper === null) {
        if (m.alerts > 0) this.violate("alerts", `job ${name}: ${m.benchmark} ${m.measure} alerted with no threshold`, [job.uuid])
        continue
      }
      const alert = m.prior === 1 && m.value > m.upper
      if ((m.alerts > 0) !== alert || m.alerts > 1) {
        this.violate("alerts", `job ${name}: ${m.benchmark} ${m.measure} = ${m.value} vs static upper ${m.upper} (history: ${m.prior === 1}) has ${m.alerts} alerts, the oracle says ${alert ? 1 : 0}`, [job.uuid])
      }
    }
  }

  private expectedMetrics(job: JobModel): ReadonlyArray<ExpectedMetric> {
    const plan = job.plan
    if (plan === undefined) return []
    if (job.status === "processed") return plan.expected ?? []
    // A job its runner reported failed keeps the iterations that exited 0, when the adapter accepts them.
    if (job.status === "failed" && plan.error !== null && job.error === plan.error) return plan.expected ?? []
    return []
  }

  /** No claimed, running or completed job may outlive its deadlines; no pending job may wait on an idle runner. */
  private checkProgress() {
    const now = this.clock.now
    const idle = new Set<number>()
    for (const job of this.jobs.values()) {
      if (job.status === "pending") continue
      if (job.status !== "claimed" && job.status !== "running" && job.status !== "completed") continue
      const slack = this.downtimeNow() - job.downtimeAtEvent + 5000
      const limit = job.status === "completed" ? slack : job.timeoutMs + GRACE_MS + HEARTBEAT_MS + slack
      if (now - job.lastEventAt > limit) {
        this.violate("stuck", `job ${job.plan?.key ?? job.uuid} ${job.status} since ${fmtTime(job.lastEventAt).trim()} (limit ${limit} ms)`, [job.uuid])
      }
    }
    if (this.server === undefined) return this.idleSince.clear()
    const activeByOrg = new Map<number, number>()
    const activeByIp = new Map<string, number>()
    for (const job of this.jobs.values()) {
      if (job.status !== "claimed" && job.status !== "running") continue
      activeByOrg.set(job.organizationId, (activeByOrg.get(job.organizationId) ?? 0) + 1)
      activeByIp.set(job.sourceIp, (activeByIp.get(job.sourceIp) ?? 0) + 1)
    }
    for (const job of this.jobs.values()) {
      if (job.status !== "pending") continue
      const allowed = job.priority >= 200 || (job.priority >= 100 ? !activeByOrg.has(job.organizationId) : !activeByIp.has(job.sourceIp))
      if (!allowed) continue
      const waiting = this.runners.find((r) => r.claims.size > 0 && r.auth.specIds.has(job.specId))
      if (waiting === undefined) continue
      idle.add(job.id)
      const since = this.idleSince.get(job.id) ?? now
      this.idleSince.set(job.id, since)
      if (now - since > 2000) {
        this.violate("work_conservation", `job ${job.plan?.key ?? job.uuid} pending for ${now - since} ms while ${waiting.name} waits for work`, [job.uuid])
      }
    }
    for (const id of this.idleSince.keys()) if (!idle.has(id)) this.idleSince.delete(id)
  }

  /** After the drain: every job ended, every report and bill equals the oracle's. */
  private finalChecks() {
    for (const job of this.jobs.values()) {
      if (!isTerminal(job.status)) this.violate("stuck", `job ${job.plan?.key ?? job.uuid} still ${job.status} after the drain`, [job.uuid])
      if (job.status !== "processed") this.checkReport(job)
    }
    const rows = this.stmt(`SELECT id, last_billed_minute FROM job`).all() as Array<{ id: number; last_billed_minute: number }>
    for (const row of rows) {
      const job = this.jobs.get(row.id)
      if (job === undefined) continue
      if (row.last_billed_minute !== job.billed) {
        this.violate("billing", `job ${job.plan?.key ?? job.uuid} billed ${row.last_billed_minute} minutes, the oracle ${job.billed}`, [job.uuid])
      }
    }
  }

  // ---------------------------------------------------------------- the run

  private setupWorld() {
    const r = this.rng.fork("world")
    const runnerCount = r.int(2, 5)
    this.clients = r.int(2, 6)
    const fiber = this.fork(this.onServer(Effect.gen(function*() {
      const specs = yield* Specs
      const ids = new Map<string, number>()
      for (const name of SPECS) {
        const spec = yield* specs.create({ name, cpu: 1, memory: 512, disk: 1024, fallback: false })
        ids.set(spec.slug, (yield* specs.resolve(spec.slug)).id)
      }
      return ids
    })))
    this.scheduler.runUntilIdle()
    const specs = fiber.unsafePoll()
    if (specs === null || Exit.isFailure(specs)) return this.violate("world", `cannot create specs: ${specs === null ? "pending" : Cause.pretty(specs.cause)}`)
    for (const [slug, id] of specs.value) this.specIds.set(slug, id)
    for (let i = 0; i < runnerCount; i++) {
      // Every spec has a runner; the others serve one or two specs at random.
      const served = new Set<string>([SPECS[i % SPECS.length] ?? "small"])
      if (i >= SPECS.length || r.chance(0.4)) served.add(r.pick(SPECS))
      if (i === runnerCount - 1) for (let j = runnerCount; j < SPECS.length; j++) served.add(SPECS[j] ?? "small")
      const name = `runner${i}`
      const created = this.fork(this.onServer(Effect.gen(function*() {
        const runners = yield* Runners
        const made = yield* runners.create({ name, specs: [...served] })
        return yield* runners.authenticate(made.key)
      })))
      this.scheduler.runUntilIdle()
      const auth = created.unsafePoll()
      if (auth === null || Exit.isFailure(auth)) return this.violate("world", `cannot create ${name}: ${auth === null ? "pending" : Cause.pretty(auth.cause)}`)
      const runner: SimRunner = {
        name,
        auth: auth.value,
        rng: this.rng.fork(`runner-${i}`),
        heartbeatMs: r.int(...RUNNER_HEARTBEAT_SECONDS) * 1000,
        incarnation: 0,
        partitionedUntil: 0,
        handlers: new Set(),
        claims: new Set(),
        executing: null
      }
      this.runners.push(runner)
      this.runnerById.set(runner.auth.id, runner)
      this.log(name, `serves ${[...served].join(", ")}`)
    }
    const perClient = Math.floor(this.totalJobs / this.clients)
    for (let c = 0; c < this.clients; c++) {
      const count = perClient + (c < this.totalJobs % this.clients ? 1 : 0)
      this.fork(this.clientLoop(c, count))
    }
    for (const runner of this.runners) this.fork(this.runnerLoop(runner))
    this.fork(this.chaos())
  }

  /** Partitions and server restarts, at seed-chosen times. */
  private chaos(): Effect.Effect<void> {
    const self = this
    const r = this.rng.fork("chaos")
    return Effect.gen(function*() {
      for (;;) {
        yield* Effect.sleep(Duration.millis(r.int(5_000, 30_000)))
        if (self.finished()) return
        const d = { partition: r.next(), runner: r.pick(self.runners), cut: r.int(3000, 90_000), restart: r.next(), down: r.int(500, 20_000) }
        if (d.partition < self.rates.partition) {
          const runner = d.runner
          const ms = d.cut
          runner.partitionedUntil = self.clock.now + ms
          self.fault("partition", runner.name, `cut off for ${ms} ms`)
        }
        if (d.restart < self.rates.server_restart && self.server !== undefined) {
          const ms = d.down
          self.fault("server_restart", "server", `restarts, down for ${ms} ms`)
          self.clock.at(self.clock.now, () => {
            self.stopServer("restart")
            self.clock.at(self.clock.now + ms, () => self.restartServer())
          })
        }
      }
    })
  }

  private finished(): boolean {
    if (this.clientsDone < this.clients) return false
    for (const job of this.jobs.values()) if (!isTerminal(job.status)) return false
    return this.jobs.size >= this.submitted
  }

  private lastSubmission = START

  run(): SimResult {
    let completedNaturally = false
    try {
      this.log("world", `seed ${this.options.seed}, ${this.totalJobs} jobs, heartbeat flush every ${Duration.toMillis(this.settings.heartbeatFlushInterval) / 1000} s, faults ${FAULTS.map((f) => `${f}=${this.rates[f].toFixed(3)}`).join(" ")}`)
      this.startServer()
      this.scheduler.runUntilIdle()
      this.pollServer()
      if (this.server === undefined) this.violate("server_start", "the server did not start without simulated time passing")
      this.setupWorld()
      this.scheduler.runUntilIdle()
      const maxSteps = this.options.steps ?? Number.POSITIVE_INFINITY
      while (this.step < maxSteps) {
        if (this.violation !== undefined) throw new ViolationError(this.violation)
        if (this.finished()) {
          completedNaturally = true
          break
        }
        if (this.clientsDone < this.clients) this.lastSubmission = this.clock.now
        if (this.clock.now - this.lastSubmission > DRAIN_LIMIT_MS) this.violate("stuck", "jobs still unfinished six simulated hours after the last submission")
        if (!this.clock.advance()) this.violate("world", "nothing left to happen, yet jobs are unfinished")
        this.step++
        this.scheduler.runUntilIdle()
        this.pollServer()
        if (this.violation !== undefined) throw new ViolationError(this.violation)
        this.checkTransitions()
        this.checkProgress()
      }
      if (completedNaturally) {
        this.stopServer("end of run")
        this.scheduler.runUntilIdle()
        this.drainClose()
        this.checkTransitions()
        this.finalChecks()
        this.log("world", `done: ${this.jobs.size} jobs, ${this.summary()}`)
      }
    } catch (error) {
      if (!(error instanceof ViolationError)) throw error
      this.violation = error.violation
    } finally {
      if (this.server !== undefined) {
        this.stopServer("end of run")
        this.scheduler.runUntilIdle()
      }
      this.reader.close()
      removeDatabase(this.file)
    }
    const hash = this.hash.digest("hex")
    return {
      seed: this.options.seed,
      ok: this.violation === undefined,
      complete: completedNaturally && this.violation === undefined,
      ...(this.violation === undefined ? {} : { violation: this.violation }),
      hash,
      steps: this.step,
      jobs: this.jobs.size,
      simulatedMs: this.clock.now - START,
      faults: this.faultCount,
      rates: this.rates,
      trace: this.trace.slice(-TRACE_KEEP)
    }
  }

  private summary(): string {
    const counts = new Map<string, number>()
    for (const job of this.jobs.values()) counts.set(job.status, (counts.get(job.status) ?? 0) + 1)
    return [...counts].sort().map(([s, n]) => `${s} ${n}`).join(", ")
  }
}

type ServerServicesOf = ServerServices

/** Runs one seed to the end (or to its first violation). */
export const runSeed = (options: SimOptions): SimResult => new Simulation(options).run()

export const priorityOf = jobPriorityToInt
export { REGISTRY }

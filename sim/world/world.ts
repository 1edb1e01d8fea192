import {
  Clock,
  Context,
  DefaultServices,
  Duration,
  Effect,
  type Fiber,
  FiberRef,
  HashSet,
  Logger,
  Random,
  Runtime
} from "effect"
import { defaultJobSettings, type JobSettingsShape } from "../../src/jobs/settings.js"
import { Ids } from "../../src/store/ids.js"
import { chooseRates, type FaultName, type FaultRates } from "../faults.js"
import { Rng, uuidFrom } from "../rng.js"
import { SimClock, SimScheduler, simRuntime } from "../runtime.js"
import { EventLog } from "./event-log.js"

export const START = Date.UTC(2026, 0, 1)
export const HEARTBEAT_MS = Duration.toMillis(defaultJobSettings.heartbeatTimeout)
export const GRACE_MS = Duration.toMillis(defaultJobSettings.timeoutGrace)
/** The specs runners serve and jobs ask for. */
export const SPECS = ["small", "large", "gpu"] as const
/**
 * The heartbeat writer's flush interval, per seed. Each flush is a step of the world and a background
 * transaction; a few seconds keeps several marks per flush (and BUSY faults on it) at a fraction of the cost of
 * the production default of one second, which changes nothing the checks read.
 */
const FLUSH_SECONDS = [2, 5, 10] as const

export const fmtTime = (ms: number) => `${((ms - START) / 1000).toFixed(3).padStart(10)}s`

export interface Violation {
  readonly invariant: string
  readonly message: string
  readonly step: number
  readonly jobs: ReadonlyArray<string>
}

export class ViolationError extends Error {
  constructor(readonly violation: Violation) {
    super(violation.message)
  }
}

export interface WorldOptions {
  readonly seed: number
  readonly disabled?: ReadonlySet<FaultName>
  readonly emphasize?: FaultName
  readonly onLine?: (line: string) => void
}

/**
 * What every part of one seed's world shares: simulated time and the scheduler every fiber runs on, the seed's
 * random streams and fault rates, the event log, and the first violation.
 */
export class World {
  readonly scheduler = new SimScheduler()
  readonly clock = new SimClock(START)
  readonly seed: number
  readonly rng: Rng
  readonly rates: FaultRates
  readonly settings: JobSettingsShape
  readonly events: EventLog
  private readonly runtime: Runtime.Runtime<Ids>
  /** Clock steps taken so far. */
  step = 0
  /** The first violation raised inside a fiber: the run stops on it at the next step. */
  violation: Violation | undefined

  constructor(options: WorldOptions) {
    this.seed = options.seed
    this.rng = new Rng(options.seed)
    this.rates = chooseRates(this.rng.fork("rates"), options.disabled ?? new Set(), options.emphasize)
    this.settings = {
      ...defaultJobSettings,
      heartbeatFlushInterval: Duration.seconds(this.rng.fork("settings").pick(FLUSH_SECONDS))
    }
    this.events = new EventLog(options.onLine)
    const random = Random.make(options.seed)
    const idRng = this.rng.fork("ids")
    const ids = { uuid: Effect.sync(() => uuidFrom(idRng) as ReturnType<typeof crypto.randomUUID>) }
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
        DefaultServices.liveServices.pipe(Context.add(Clock.Clock, this.clock), Context.add(Random.Random, random))
      ),
      Runtime.provideService(Ids, ids)
    )
  }

  log(actor: string, event: string) {
    this.events.add(`${fmtTime(this.clock.now)} ${actor.padEnd(8)} ${event}`)
  }

  fault(name: FaultName, actor: string, detail: string) {
    this.events.faults[name]++
    this.log(actor, `FAULT ${name} ${detail}`)
  }

  /** Runs an effect as a fiber of the world, with its clock, random and ids. */
  fork<A, E>(effect: Effect.Effect<A, E>): Fiber.RuntimeFiber<A, E> {
    return Runtime.runFork(this.runtime)(effect)
  }

  violate(invariant: string, message: string, jobs: ReadonlyArray<string> = []): never {
    const violation = { invariant, message, step: this.step, jobs }
    this.log("CHECK", `VIOLATION ${invariant}: ${message}`)
    throw new ViolationError(violation)
  }

  /** A violation raised inside a fiber stops the run at the next step. */
  catchViolations(actor: string) {
    return <A>(self: Effect.Effect<A>) =>
      Effect.catchAllDefect(self, (defect) =>
        Effect.sync(() => {
          if (defect instanceof ViolationError) this.violation ??= defect.violation
          else
            this.violation ??= {
              invariant: "world",
              message: `${actor} died: ${String(defect)}`,
              step: this.step,
              jobs: []
            }
        })
      )
  }
}

import { Cause, Duration, Effect, Exit, Option } from "effect"
import { CurrentActor } from "../../src/domain/actor.js"
import { Jobs } from "../../src/jobs/jobs.js"
import { JobLifecycle } from "../../src/jobs/lifecycle.js"
import { submitRun } from "../../src/runs/submit.js"
import type { ServerServices } from "../server.js"
import { type JobPlan, planJob } from "./job-plan.js"
import type { ServerProcess } from "./server-process.js"
import type { World } from "./world.js"

/**
 * The users: each client makes its project with a static latency threshold, then submits its share of the jobs
 * at seed-chosen intervals, and sometimes cancels one.
 */
export class Clients {
  /** Every job's plan by its key (the SIM_JOB variable the runner finds in the job's env). */
  readonly plans = new Map<string, JobPlan>()
  count = 0
  /** Clients that submitted all their jobs. */
  done = 0
  submitted = 0

  constructor(
    private readonly world: World,
    private readonly server: ServerProcess,
    /** Tells the oracle which plan a submitted job carries. */
    private readonly attach: (uuid: string, plan: JobPlan) => void
  ) {}

  /** Starts `count` clients that submit `jobs` jobs between them. */
  start(count: number, jobs: number) {
    this.count = count
    const perClient = Math.floor(jobs / count)
    for (let c = 0; c < count; c++) {
      this.world.fork(this.loop(c, perClient + (c < jobs % count ? 1 : 0)))
    }
  }

  private loop(client: number, count: number): Effect.Effect<void> {
    const self = this
    const world = this.world
    const r = world.rng.fork(`client-${client}`)
    const project = `sim-project-${client}`
    const sourceIp = `10.0.0.${client + 1}`
    const actor = { _tag: "Anonymous" as const, sourceIp }
    const upper = r.pick([500, 5000, 50_000])
    const iso = (ms: number) => new Date(ms).toISOString()
    /** Retries a server call while the server is down. */
    const call = <A, E>(effect: Effect.Effect<A, E, ServerServices>) =>
      Effect.gen(function* () {
        for (;;) {
          const exit = yield* Effect.exit(self.server.onServer(effect))
          if (Exit.isSuccess(exit)) return exit
          if (Exit.isFailure(exit) && Option.getOrUndefined(Cause.failureOption(exit.cause)) !== "down") return exit
          yield* Effect.sleep("1 second")
        }
      })
    return Effect.gen(function* () {
      // The project and its static threshold on latency, from a first local run with no results.
      const setup = yield* call(
        submitRun({
          project,
          start_time: iso(world.clock.now),
          end_time: iso(world.clock.now),
          results: [],
          settings: { adapter: "json" },
          thresholds: { models: { latency: { test: "static", upper_boundary: upper } } }
        }).pipe(Effect.provideService(CurrentActor, actor))
      )
      if (Exit.isFailure(setup))
        return world.violate("world", `client${client} could not create its project: ${Cause.pretty(setup.cause)}`)
      world.log(`client${client}`, `project ${project} with a static latency threshold at ${upper}`)
      for (let index = 0; index < count; index++) {
        yield* Effect.sleep(Duration.millis(r.int(500, 40_000)))
        const plan = planJob(world, client, index, r)
        self.plans.set(plan.key, plan)
        const submitted = yield* call(
          submitRun({
            project,
            start_time: iso(world.clock.now),
            end_time: iso(world.clock.now),
            results: [],
            settings: { adapter: plan.adapter },
            job: {
              image: `${project}@sha256:${"5".repeat(64)}`,
              spec: plan.spec,
              timeout: plan.timeout,
              env: { SIM_JOB: plan.key }
            }
          }).pipe(Effect.provideService(CurrentActor, actor))
        )
        if (Exit.isFailure(submitted))
          return world.violate(
            "world",
            `client${client} could not submit ${plan.key}: ${Cause.pretty(submitted.cause)}`
          )
        const uuid = submitted.value.job ?? ""
        self.submitted++
        world.log(
          `client${client}`,
          `submitted ${plan.key} ${uuid.slice(0, 8)} spec ${plan.spec} adapter ${plan.adapter}`
        )
        self.attach(uuid, plan)
        const cancelDraw = r.next()
        const after = r.int(0, plan.durationMs + 20_000)
        if (cancelDraw < world.rates.user_cancel) {
          world.fork(
            Effect.gen(function* () {
              yield* Effect.sleep(Duration.millis(after))
              world.fault("user_cancel", `client${client}`, `cancels ${plan.key}`)
              const canceled = yield* call(
                Effect.gen(function* () {
                  const jobs = yield* Jobs
                  const lifecycle = yield* JobLifecycle
                  const row = yield* lifecycle.byUuid(uuid)
                  if (row === undefined) return "missing"
                  return yield* jobs.cancel(row).pipe(
                    Effect.as("canceled"),
                    Effect.catchTag("Conflict", () => Effect.succeed("already ended"))
                  )
                })
              )
              world.log(`client${client}`, `cancel ${plan.key}: ${Exit.isSuccess(canceled) ? canceled.value : "error"}`)
            })
          )
        }
      }
      self.done++
    }).pipe(world.catchViolations(`client${client}`))
  }
}

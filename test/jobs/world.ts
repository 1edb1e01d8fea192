import { Context, Effect, Layer } from "effect"
import { join } from "node:path"
import { CurrentActor } from "../../src/domain/actor.js"
import { AccessOpen } from "../../src/identity/access.js"
import { JobEvents } from "../../src/jobs/events.js"
import { ImageResolver } from "../../src/jobs/image.js"
import { jobsLayer } from "../../src/app/jobs.js"
import { HeartbeatWriter } from "../../src/jobs/heartbeats.js"
import { JobOutputStore } from "../../src/jobs/output.js"
import type { SqlClient } from "@effect/sql"
import { JobLifecycle } from "../../src/jobs/lifecycle.js"
import { allowanceFor, JobPolicy } from "../../src/jobs/policy.js"
import { submitRun } from "../../src/runs/submit.js"
import { JobSettings, type JobSettingsShape } from "../../src/jobs/settings.js"
import type { JobPriority } from "../../src/domain/job.js"
import { Branches } from "../../src/projects/branches.js"
import { Benchmarks, Measures, Testbeds } from "../../src/projects/dimension-services.js"
import { Projects } from "../../src/projects/projects.js"
import { Organizations, OrganizationsConfig } from "../../src/identity/organizations.js"
import { SeriesHistory } from "../../src/reports/history.js"
import { ReportPipeline } from "../../src/reports/pipeline.js"
import { UsageSink } from "../../src/usage/sink.js"
import { Usage } from "../../src/usage/usage.js"
import { ReportViews } from "../../src/reports/views.js"
import { Runners } from "../../src/runners/runners.js"
import { Specs } from "../../src/runners/specs.js"
import { StoreLive } from "../../src/store/database.js"
import { Thresholds } from "../../src/thresholds/thresholds.js"
import { tempDir } from "../helpers/server.js"

export const DIGEST = `sha256:${"a".repeat(64)}`

/** organization id -> tier (free when unset); a test sets it once the project exists. */
export const tierOf = new Map<number, JobPriority>()
const PolicyByTier = Layer.succeed(JobPolicy, {
  allowance: (organizationId: number) => Effect.succeed(allowanceFor(tierOf.get(organizationId) ?? "free")),
  mayUseSpec: () => Effect.succeed(true)
})

/** The jobs services on a SQLite file, with no HTTP server: every clock is the test's. Outputs default to the table. */
export const JobsWorld = (
  file: string,
  settings: Partial<JobSettingsShape> = {},
  outputs: Layer.Layer<JobOutputStore, never, SqlClient.SqlClient> = JobOutputStore.Table
) =>
  jobsLayer({ outputs, writer: HeartbeatWriter.Live }).pipe(
    Layer.provideMerge(Layer.mergeAll(ImageResolver.digestOnly("registry.test"), PolicyByTier)),
    Layer.provideMerge(Layer.mergeAll(ReportPipeline.Live, ReportViews.Live)),
    Layer.provideMerge(Layer.mergeAll(Runners.Live)),
    Layer.provideMerge(Specs.Live),
    Layer.provideMerge(
      Layer.mergeAll(
        Projects.Live,
        Branches.Live,
        Testbeds.Live,
        Measures.Live,
        Benchmarks.Live,
        Thresholds.Live,
        SeriesHistory.Live,
        AccessOpen
      )
    ),
    Layer.provideMerge(Layer.mergeAll(Usage.Live, Organizations.Live)),
    Layer.provideMerge(Layer.mergeAll(UsageSink.Log, OrganizationsConfig.Default)),
    Layer.provideMerge(StoreLive(file)),
    // One PubSub of job events under every JobLifecycle instance (the jobs' and processing's).
    Layer.provideMerge(JobEvents.Live),
    Layer.provide(JobSettings.layer(settings))
  )

export const worldFile = Effect.map(tempDir, (dir) => join(dir, "bencher.db"))

/** Builds a world in the current scope and returns its context. */
export const buildWorld = (file: string, settings: Partial<JobSettingsShape> = {}) =>
  Layer.build(JobsWorld(file, settings))

export const anonymous = (sourceIp = "10.0.0.1") => ({ _tag: "Anonymous" as const, sourceIp })

/** `POST /v0/run` with a job, as RunHandlersLive will call it; returns the job row. */
export const submit = (
  project: string,
  options: { readonly sourceIp?: string; readonly spec?: string; readonly timeout?: number } = {}
) =>
  Effect.gen(function* () {
    const report = yield* submitRun({
      project,
      start_time: new Date(0).toISOString(),
      end_time: new Date(0).toISOString(),
      results: [],
      job: { image: `${project}@${DIGEST}`, spec: options.spec ?? null, timeout: options.timeout ?? null }
    }).pipe(Effect.provideService(CurrentActor, anonymous(options.sourceIp)))
    const lifecycle = yield* JobLifecycle
    const row = yield* lifecycle.byUuid(report.job ?? "")
    if (row === undefined) return yield* Effect.dieMessage("no job row")
    return row
  })

/** A spec and a runner serving it; returns the authenticated runner as the channel sees it. */
export const runnerFor = (name: string, specSlugs: ReadonlyArray<string>) =>
  Effect.gen(function* () {
    const runners = yield* Runners
    const created = yield* runners.create({ name, specs: specSlugs })
    return { key: created.key, runner: yield* runners.authenticate(created.key) }
  })

export const spec = (name: string, fallback = false) =>
  Effect.flatMap(Specs, (specs) => specs.create({ name, cpu: 1, memory: 512, disk: 1024, fallback }))

export type WorldContext = Context.Context<Layer.Layer.Success<ReturnType<typeof JobsWorld>>>

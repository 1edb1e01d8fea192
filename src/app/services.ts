import { Layer } from "effect"
import { JobEvents } from "../jobs/events.js"
import { JobLifecycle } from "../jobs/lifecycle.js"
import { JobProcessingLive } from "../jobs/processing.js"
import { Branches } from "../projects/branches.js"
import { Benchmarks, Measures, Testbeds } from "../projects/dimension-services.js"
import { Projects } from "../projects/projects.js"
import { SeriesHistory } from "../reports/history.js"
import { Perf } from "../reports/perf.js"
import { ReportPipeline } from "../reports/pipeline.js"
import { ReportViews } from "../reports/views.js"
import { Runners } from "../runners/runners.js"
import { Specs } from "../runners/specs.js"
import { Thresholds } from "../thresholds/thresholds.js"
import { type JobsParts, jobsLayers } from "./jobs.js"

/**
 * Projects, their dimensions, thresholds and the report pipeline, each needing only those before it (and the
 * store and identity's Usage below them all).
 */
export const reportParts = [
  Layer.mergeAll(
    Projects.Live,
    Branches.Live,
    Testbeds.Live,
    Measures.Live,
    Benchmarks.Live,
    Thresholds.Live,
    SeriesHistory.Live
  ),
  ReportViews.Live,
  Layer.mergeAll(ReportPipeline.Live, Perf.Live)
] as const

/** What a server's builder chooses: the job seams (images, plans, tokens, billing), outputs, heartbeats. */
export interface ServerChoices<S, ES, RS, E1, R1, E2, R2, E3 = never, R3 = never, E4 = never, R4 = never>
  extends JobsParts<E1, R1, E2, R2, E3, R3, E4, R4> {
  /** ImageResolver and JobPolicy at least; the server adds the registry's pull tokens and the usage ledger. */
  readonly seams: Layer.Layer<S, ES, RS>
}

/**
 * The one parts list of a server's domain services, in build order (app/layers.ts `inOrder`): the job events'
 * PubSub first (every JobLifecycle instance publishes to it), reports, runners and specs, processing, the job
 * seams, then the job actors. The server, the simulator and the benches build from it; they differ only in their
 * choices, and in what they put below it (store, identity, registry, settings).
 */
export const serverParts = <S, ES, RS, E1, R1, E2, R2, E3 = never, R3 = never, E4 = never, R4 = never>(
  choices: ServerChoices<S, ES, RS, E1, R1, E2, R2, E3, R3, E4, R4>
) =>
  [
    JobEvents.Live,
    ...reportParts,
    Specs.Live,
    Runners.Live,
    // The lifecycle is plain compare-and-set SQL: processing's is the jobs' one (the same layer, built once).
    choices.lifecycle === undefined
      ? JobProcessingLive.pipe(Layer.provide(JobLifecycle.Live))
      : JobProcessingLive.pipe(Layer.provide(choices.lifecycle)),
    choices.seams,
    ...jobsLayers(choices)
  ] as const

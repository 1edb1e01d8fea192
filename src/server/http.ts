import { HttpLayerRouter, HttpServer, HttpServerRequest, HttpServerResponse } from "@effect/platform"
import { HttpIncomingMessage } from "@effect/platform"
import { RouteNotFound } from "@effect/platform/HttpServerError"
import { NodeHttpServer } from "@effect/platform-node"
import { Cause, Effect, Layer, Option } from "effect"
import { createServer, type Server } from "node:http"
import { BencherApi } from "../api/index.js"
import { IdentityLive } from "../identity/layer.js"
import { RegistryCredentialsLive, RegistryLive } from "../registry/index.js"
import { StoreLive } from "../store/database.js"
import { dataDirOf, ServerConfig, type ServerConfigShape } from "./config.js"
import { Branches } from "../projects/branches.js"
import { Benchmarks, Measures, Testbeds } from "../projects/dimension-services.js"
import { Projects } from "../projects/projects.js"
import { SeriesHistory } from "../reports/history.js"
import { Perf } from "../reports/perf.js"
import { ReportPipeline } from "../reports/pipeline.js"
import { ReportViews } from "../reports/views.js"
import { Thresholds } from "../thresholds/thresholds.js"
import { BenchmarksHandlersLive, BranchesHandlersLive, MeasuresHandlersLive, TestbedsHandlersLive } from "./handlers/dimensions.js"
import { ProjectsHandlersLive } from "./handlers/projects.js"
import { MembersHandlersLive } from "./handlers/members.js"
import { OrganizationsHandlersLive } from "./handlers/organizations.js"
import { ProjectKeysHandlersLive } from "./handlers/project-keys.js"
import { AlertsHandlersLive, ReportsHandlersLive, RunHandlersLive, ThresholdsHandlersLive } from "./handlers/reports.js"
import { JobsHandlersLive, RunnerJobsHandlersLive } from "./handlers/jobs.js"
import { RunnersHandlersLive, SpecsHandlersLive } from "./handlers/runners.js"
import { RunnerRpcRoutes } from "./runner-rpc.js"
import { JobEventsRpcRoutes } from "./job-events-rpc.js"
import { HeartbeatWriter } from "../jobs/heartbeats.js"
import { jobsLayer } from "../jobs/layer.js"
import { JobEvents } from "../jobs/events.js"
import { JobLifecycle } from "../jobs/lifecycle.js"
import { JobProcessingLive } from "../jobs/processing.js"
import {
  ImageResolverFromRegistry,
  JobOutputStoreFromBlobs,
  JobPolicyFromPlans,
  RunnerPullTokensFromRegistry,
  RunnerUsageFromLedger
} from "../jobs/wiring.js"
import { ServerHandlersLive } from "./handlers/server.js"
import { UsersHandlersLive } from "./handlers/users.js"
import { RegistryRoutes } from "./registry.js"
import { Runners } from "../runners/runners.js"
import { Specs } from "../runners/specs.js"

const errorBody = (status: number, message: string) =>
  HttpServerResponse.unsafeJson({ message, request_id: crypto.randomUUID() }, { status })

/**
 * Applied to every route: the body-size limit (413 before reading a byte when Content-Length says so, and a
 * hard cap while streaming), JSON bodies for unknown routes and for defects, which are logged but never echoed.
 * The OCI registry (/v2/) carries its own, larger limits.
 */
const guard = (config: ServerConfigShape) =>
(
  app: Effect.Effect<HttpServerResponse.HttpServerResponse, unknown>
): Effect.Effect<HttpServerResponse.HttpServerResponse, unknown, HttpServerRequest.HttpServerRequest> =>
  Effect.gen(function*() {
    const request = yield* HttpServerRequest.HttpServerRequest
    const limited = !request.url.startsWith("/v2/")
    if (limited) {
      const declared = Number(request.headers["content-length"] ?? "0")
      if (declared > config.maxBodyBytes) {
        return errorBody(413, `Request body of ${declared} bytes exceeds the limit of ${config.maxBodyBytes} bytes`)
      }
    }
    const limit = limited ? Option.some(config.maxBodyBytes) : Option.none()
    return yield* app.pipe(
      HttpIncomingMessage.withMaxBodySize(limit),
      Effect.catchAllCause((cause) => {
        // A client that went away (closed socket, finished long poll) is not an error worth a log line.
        if (Cause.isInterruptedOnly(cause)) return Effect.failCause(cause)
        const failure = Cause.failureOption(cause)
        if (Option.isSome(failure) && failure.value instanceof RouteNotFound) {
          return Effect.succeed(errorBody(404, `Not found: ${request.method} ${request.url.split("?")[0]}`))
        }
        return Effect.logError("request failed", cause).pipe(Effect.as(errorBody(500, "Internal server error")))
      })
    )
  })

const ServerMiddleware = HttpLayerRouter.middleware(Effect.map(ServerConfig, guard), { global: true })

const HandlersLive = Layer.mergeAll(
  ServerHandlersLive,
  UsersHandlersLive,
  OrganizationsHandlersLive,
  MembersHandlersLive,
  ProjectKeysHandlersLive,
  ProjectsHandlersLive,
  BranchesHandlersLive,
  TestbedsHandlersLive,
  MeasuresHandlersLive,
  BenchmarksHandlersLive,
  RunHandlersLive,
  ReportsHandlersLive,
  ThresholdsHandlersLive,
  AlertsHandlersLive,
  SpecsHandlersLive,
  RunnersHandlersLive,
  RunnerJobsHandlersLive,
  JobsHandlersLive
)

/** Projects, their dimensions, thresholds and the report pipeline; they need the store and identity's Usage. */
export const ReportServicesLive = Layer.mergeAll(ReportPipeline.Live, Perf.Live).pipe(
  Layer.provideMerge(ReportViews.Live),
  Layer.provideMerge(Layer.mergeAll(Projects.Live, Branches.Live, Testbeds.Live, Measures.Live, Benchmarks.Live, Thresholds.Live, SeriesHistory.Live))
)

/** The domain services behind the handlers; they need the store and identity (Access, Organizations, ...). */
export const ServicesLive = jobsLayer({ outputs: JobOutputStoreFromBlobs, writer: HeartbeatWriter.Live }).pipe(
  Layer.provideMerge(Layer.mergeAll(ImageResolverFromRegistry, JobPolicyFromPlans, RunnerPullTokensFromRegistry, RunnerUsageFromLedger)),
  // The lifecycle is plain compare-and-set SQL, so processing may hold its own instance.
  Layer.provideMerge(JobProcessingLive.pipe(Layer.provide(JobLifecycle.Live))),
  Layer.provideMerge(Runners.Live),
  Layer.provideMerge(Specs.Live),
  Layer.provideMerge(ReportServicesLive),
  // One PubSub of job events under every JobLifecycle instance (the jobs' and processing's).
  Layer.provideMerge(JobEvents.Live)
)

/** Everything but the HTTP server: services, registry, identity and the store, for a config. */
export const AppLive = (config: ServerConfigShape) =>
  ServicesLive.pipe(
    Layer.provideMerge(RegistryLive({ root: dataDirOf(config) })),
    Layer.provideMerge(IdentityLive),
    Layer.provideMerge(StoreLive(config.db)),
    Layer.provideMerge(Layer.succeed(ServerConfig, config))
  )

const ApiRoutes = HttpLayerRouter.addHttpApi(BencherApi).pipe(Layer.provide(HandlersLive))

// The OCI registry's own routes: Basic credentials checked by identity, permissions by Access.
const OciRoutes = RegistryRoutes.pipe(Layer.provide(RegistryCredentialsLive))

/** Every route of the server: the REST API, the OCI registry, the runner and job-events RPC, and the middleware. */
export const RoutesLive = Layer.mergeAll(ApiRoutes, OciRoutes, RunnerRpcRoutes, JobEventsRpcRoutes, ServerMiddleware)

/**
 * Graceful stop: Node's server.close() stops accepting and waits for in-flight requests; connections still open
 * after 1.5 s (long polls, WebSockets) are closed so the process always exits within 2 s.
 */
const forceCloseAfter = (server: () => Server | undefined) =>
  Layer.scopedDiscard(
    Effect.addFinalizer(() =>
      Effect.sync(() => {
        const s = server()
        if (s !== undefined) setTimeout(() => s.closeAllConnections(), 1500).unref()
      })
    )
  )

/**
 * The HTTP server on the configured host and port, with the store migrated before it listens. IdentityLive
 * (Access, Authentication, Organizations, Plans, Usage, ...) is provided to every handler and merged into the
 * output, so other domains' handlers can `yield* Access` and groups can use `.middleware(Authentication)`.
 */
export const ServerLive = (config: ServerConfigShape) => {
  let nodeServer: Server | undefined
  const evaluate = () => {
    nodeServer = createServer()
    return nodeServer
  }
  return HttpLayerRouter.serve(RoutesLive, { disableListenLog: true, disableLogger: true }).pipe(
    Layer.provideMerge(forceCloseAfter(() => nodeServer)),
    Layer.provideMerge(NodeHttpServer.layer(evaluate, { port: config.port, host: config.host })),
    Layer.provideMerge(AppLive(config))
  )
}

export const logListening = Effect.gen(function*() {
  const server = yield* HttpServer.HttpServer
  const address = server.address
  if (address._tag === "TcpAddress") {
    yield* Effect.logInfo(`bencher server listening on http://${address.hostname}:${address.port}`)
  }
})

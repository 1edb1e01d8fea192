import { HttpLayerRouter, HttpServer } from "@effect/platform"
import type { ServeError } from "@effect/platform/HttpServerError"
import { NodeHttpServer } from "@effect/platform-node"
import { Data, Effect, Layer } from "effect"
import { mkdir } from "node:fs/promises"
import { createServer, type Server } from "node:http"
import { IdentityLive } from "../identity/layer.js"
import { HeartbeatWriter } from "../jobs/heartbeats.js"
import { RegistryLive } from "../registry/index.js"
import { JobEventsRpcRoutes } from "../server/job-events-rpc.js"
import { guard } from "../server/middleware.js"
import { ApiRoutes, OciRoutes } from "../server/routes.js"
import { RunnerRpcRoutes } from "../server/runner-rpc.js"
import { StoreLive } from "../store/database.js"
import { dataDirOf, ServerConfig, type ServerConfigShape } from "./config.js"
import {
  ImageResolverFromRegistry,
  JobOutputStoreFromBlobs,
  JobPolicyFromPlans,
  RunnerPullTokensFromRegistry,
  RunnerUsageFromLedger
} from "./job-seams.js"
import { inOrder } from "./layers.js"
import { reportParts, serverParts } from "./services.js"

/** Applied to every route: the body-size limit and JSON bodies for unknown routes and defects (server/middleware.ts). */
const ServerMiddleware = HttpLayerRouter.middleware(
  Effect.map(ServerConfig, (config) => guard(config.maxBodyBytes)),
  { global: true }
)

/** Projects, their dimensions, thresholds and the report pipeline; they need the store and identity's Usage. */
export const ReportServicesLive = inOrder(...reportParts)

/** The domain services behind the handlers; they need the store, identity (Access, Plans, ...) and the registry. */
export const ServicesLive = inOrder(
  ...serverParts({
    seams: Layer.mergeAll(
      ImageResolverFromRegistry,
      JobPolicyFromPlans,
      RunnerPullTokensFromRegistry,
      RunnerUsageFromLedger
    ),
    outputs: JobOutputStoreFromBlobs,
    writer: HeartbeatWriter.Live
  })
)

/** Why a server could not start, said in one line (`bencher server` prints it as `error: <message>`). */
export class ServerStartError extends Data.TaggedError("ServerStartError")<{ readonly message: string }> {}

/** The data dir holds the registry's blobs, job outputs and the token key: created mode 0700 before anything is in it. */
const DataDirLive = (dir: string) =>
  Layer.effectDiscard(
    Effect.tryPromise({
      try: () => mkdir(dir, { recursive: true, mode: 0o700 }),
      catch: (cause) =>
        new ServerStartError({
          message: `cannot create the data dir ${dir}: ${cause instanceof Error ? cause.message : String(cause)}`
        })
    })
  )

/** Everything but the HTTP server: services, registry, identity and the store, for a config. */
export const AppLive = (config: ServerConfigShape) =>
  ServicesLive.pipe(
    Layer.provideMerge(RegistryLive({ root: dataDirOf(config) })),
    Layer.provideMerge(DataDirLive(dataDirOf(config))),
    Layer.provideMerge(IdentityLive),
    Layer.provideMerge(StoreLive(config.db)),
    Layer.provideMerge(Layer.succeed(ServerConfig, config))
  )

/** Every route of the server: the REST API, the OCI registry, the runner channel and job following, and the middleware. */
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

/** A port someone else holds is named as such; any other listen failure carries the system's reason. */
const listenError =
  (config: ServerConfigShape) =>
  (error: ServeError): ServerStartError => {
    const cause: unknown = error.cause
    const code = typeof cause === "object" && cause !== null && "code" in cause ? String(cause.code) : ""
    const address = `${config.host.includes(":") ? `[${config.host}]` : config.host}:${config.port}`
    return new ServerStartError({
      message:
        code === "EADDRINUSE"
          ? `address ${address} is in use`
          : `cannot listen on ${address}: ${cause instanceof Error ? cause.message : String(cause)}`
    })
  }

/**
 * The HTTP server on the configured host and port, with the store migrated before it listens. IdentityLive
 * (Access, Authentication, Organizations, Plans, Usage, ...) is provided to every handler and merged into the
 * output, so other domains' handlers can `yield* Access` and groups can use `.middleware(Authentication)`.
 * `beforeListen` runs once the store and the services are up and before the port is opened: what a client may
 * need as soon as the server answers (the admin key file) is in place by then.
 */
export const ServerLive = <E = never, R = never>(
  config: ServerConfigShape,
  options: { readonly beforeListen?: Effect.Effect<void, E, R> } = {}
) => {
  let nodeServer: Server | undefined
  const evaluate = () => {
    nodeServer = createServer()
    return nodeServer
  }
  return HttpLayerRouter.serve(RoutesLive, { disableListenLog: true, disableLogger: true }).pipe(
    Layer.provideMerge(forceCloseAfter(() => nodeServer)),
    Layer.provideMerge(
      Layer.mapError(NodeHttpServer.layer(evaluate, { port: config.port, host: config.host }), listenError(config))
    ),
    Layer.provideMerge(Layer.effectDiscard(options.beforeListen ?? Effect.void)),
    Layer.provideMerge(AppLive(config))
  )
}

export const logListening = Effect.gen(function* () {
  const server = yield* HttpServer.HttpServer
  const address = server.address
  if (address._tag === "TcpAddress") {
    yield* Effect.logInfo(`bencher server listening on http://${address.hostname}:${address.port}`)
  }
})

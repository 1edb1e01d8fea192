// The real server (RoutesLive + ServicesLive + StoreLive) plus one bench-only route, `POST /bench/v0/run`, that
// runs exactly what `POST /v0/run` with `job` will run once RunHandlersLive calls submitRun. Each submission
// gets its own source IP (a distinct unclaimed submitter), so the one-job-per-IP tier rule does not serialise
// the bench.
import { HttpLayerRouter, HttpServer, HttpServerRequest, HttpServerResponse } from "@effect/platform"
import { NodeHttpServer } from "@effect/platform-node"
import { Context, Effect, Layer, Schema } from "effect"
import { mkdtempSync } from "node:fs"
import { createServer } from "node:http"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { JsonNewRun } from "../../src/domain/run.js"
import { CurrentActor } from "../../src/domain/actor.js"
import { submitRun } from "../../src/runs/submit.js"
import { defaultServerConfig, ServerConfig } from "../../src/app/config.js"
import { RoutesLive } from "../../src/app/server.js"
import { BackgroundSql, StoreLive } from "../../src/store/database.js"
import { IdentityLive } from "../../src/identity/layer.js"
import { RegistryLive } from "../../src/registry/index.js"
import { JobOutputStore } from "../../src/jobs/output.js"
import { HeartbeatWriter } from "../../src/jobs/heartbeats.js"
import { JobSeamsDefault } from "../../src/app/jobs.js"
import { inOrder } from "../../src/app/layers.js"
import { serverParts } from "../../src/app/services.js"
import { SqlClient } from "@effect/sql"
import { Clock, Duration } from "effect"
import { JobSettings } from "../../src/jobs/settings.js"
import { RunnerUsageFromLedger } from "../../src/app/job-seams.js"
import { allowanceFor, JobPolicy } from "../../src/jobs/policy.js"

/**
 * The per-heartbeat baseline: each heartbeat is an UPDATE on the main connection, on the request path, as a
 * server without a background writer would do it.
 */
export const MainConnectionHeartbeats = Layer.effect(
  HeartbeatWriter,
  Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    return {
      record: (mark) =>
        Effect.flatMap(
          Clock.currentTimeMillis,
          (now) =>
            sql`UPDATE job SET last_heartbeat = ${mark.at}, last_billed_minute = max(last_billed_minute, ${mark.billedMinute}), modified = ${now}
        WHERE id = ${mark.jobId}`
        ).pipe(Effect.orDie, Effect.asVoid),
      flush: Effect.void,
      forget: () => Effect.void,
      pending: Effect.succeed(0)
    }
  })
)

/**
 * The server's services with a chosen heartbeat writer, and images taken by digest without a registry push (the
 * bench measures dispatch and heartbeats, not pulls): the production services otherwise, with identity.
 */
const servicesWith = (
  writer: Layer.Layer<HeartbeatWriter, never, SqlClient.SqlClient | BackgroundSql>,
  dataDir: string,
  teamJobs: boolean
) =>
  inOrder(
    ...serverParts({
      // Billed minutes go to the usage ledger, as on a real server.
      seams: Layer.mergeAll(teamJobs ? Layer.merge(JobSeamsDefault, TeamJobs) : JobSeamsDefault, RunnerUsageFromLedger),
      outputs: JobOutputStore.Table,
      writer
    })
  ).pipe(Layer.provideMerge(RegistryLive({ root: dataDir })), Layer.provideMerge(IdentityLive))

/**
 * Every job at the team tier (one-hour timeout): a bench that keeps jobs running for minutes must not see them
 * canceled at the unclaimed tier's 60 s timeout + grace halfway through.
 */
const TeamJobs = Layer.succeed(JobPolicy, {
  allowance: () => Effect.succeed(allowanceFor("team")),
  mayUseSpec: () => Effect.succeed(true)
})

let submitter = 0

const BenchRunRoute = HttpLayerRouter.add(
  "POST",
  "/bench/v0/run",
  Effect.gen(function* () {
    const body = yield* HttpServerRequest.schemaBodyJson(JsonNewRun)
    submitter++
    const sourceIp = `10.${(submitter >> 16) & 255}.${(submitter >> 8) & 255}.${submitter & 255}`
    const report = yield* submitRun(body).pipe(Effect.provideService(CurrentActor, { _tag: "Anonymous", sourceIp }))
    return yield* HttpServerResponse.json(report)
  }).pipe(Effect.catchAll((e) => HttpServerResponse.json({ message: String(e) }, { status: 400 })))
)

export const startBenchServer = (
  options: { readonly mainConnectionHeartbeats?: boolean; readonly teamJobs?: boolean } = {}
) =>
  Effect.gen(function* () {
    const dir = mkdtempSync(join(tmpdir(), "bencher-bench-"))
    const config = { ...defaultServerConfig, port: 0, db: join(dir, "bencher.db") }
    const context = yield* Layer.build(
      HttpLayerRouter.serve(Layer.mergeAll(RoutesLive, BenchRunRoute), {
        disableListenLog: true,
        disableLogger: true
      }).pipe(
        Layer.provideMerge(NodeHttpServer.layer(createServer, { port: 0, host: "127.0.0.1" })),
        Layer.provideMerge(
          servicesWith(
            options.mainConnectionHeartbeats === true ? MainConnectionHeartbeats : HeartbeatWriter.Live,
            join(dir, "data"),
            options.teamJobs === true
          )
        ),
        Layer.provideMerge(StoreLive(config.db)),
        Layer.provideMerge(Layer.succeed(ServerConfig, config)),
        Layer.provide(
          JobSettings.layer(
            process.env["BENCH_FLUSH_MS"] === undefined
              ? {}
              : { heartbeatFlushInterval: Duration.millis(Number(process.env["BENCH_FLUSH_MS"])) }
          )
        )
      )
    )
    const address = Context.get(context, HttpServer.HttpServer).address
    if (address._tag !== "TcpAddress") return yield* Effect.dieMessage("expected a TCP address")
    return { url: `http://127.0.0.1:${address.port}`, context, db: config.db }
  })

export const DIGEST = `sha256:${"c".repeat(64)}`

export const postJson = (url: string, body: unknown, key?: string) =>
  Effect.promise(async () => {
    const headers: Record<string, string> = { "content-type": "application/json" }
    if (key !== undefined) headers["authorization"] = `Bearer ${key}`
    const response = await fetch(url, { method: "POST", headers, body: JSON.stringify(body) })
    const json = (await response.json()) as unknown
    if (!response.ok) throw new Error(`${response.status} ${JSON.stringify(json)}`)
    return json
  })

export const jobRun = (project: string) => ({
  project,
  start_time: new Date().toISOString(),
  end_time: new Date().toISOString(),
  results: [],
  job: { image: `${project}@${DIGEST}` }
})

export const percentile = (values: ReadonlyArray<number>, p: number): number => {
  const sorted = [...values].sort((a, b) => a - b)
  if (sorted.length === 0) return NaN
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] as number
}

export const round = (n: number, digits = 3) => Number(n.toFixed(digits))

export const JobReport = Schema.Struct({ uuid: Schema.String, job: Schema.optional(Schema.NullOr(Schema.String)) })

// Big and hostile reports (issue 18 item 6): the per-report size limit, all-or-nothing writes in chunks, and the
// rate limit of unauthenticated runs. That a big report keeps the server responsive is a bench claim
// (`npm run bench -- stall`), not a timed test.
import { describe, expect, it } from "@effect/vitest"
import { SqlClient } from "@effect/sql"
import { SqlError } from "@effect/sql/SqlError"
import { Effect, Layer, Schema } from "effect"
import { join } from "node:path"
import { MAX_REPORT_BENCHMARKS_X_MEASURES } from "../../src/domain/limits.js"
import { JsonReport } from "../../src/domain/report.js"
import { IdentityLive } from "../../src/identity/layer.js"
import { type ReportInput, ReportPipeline } from "../../src/reports/pipeline.js"
import { ReportServicesLive } from "../../src/app/server.js"
import { StoreLive } from "../../src/store/database.js"
import { DirectSqlite } from "../../src/store/sqlite-client.js"
import { startIdentityServer } from "../helpers/identity.js"
import { tempDir } from "../helpers/server.js"
import { latency, runBody } from "./helpers.js"

const post = (url: string, body: unknown, key?: string) =>
  Effect.promise(async () => {
    const headers: Record<string, string> = { "content-type": "application/json" }
    if (key !== undefined) headers["authorization"] = `Bearer ${key}`
    const response = await fetch(`${url}/v0/run`, { method: "POST", headers, body: JSON.stringify(body) })
    return { status: response.status, body: (await response.json()) as any }
  })

const tables = ["report", "report_benchmark", "metric", "boundary", "benchmark", "measure"] as const

const countsIn = (db: string) =>
  Effect.scoped(
    Effect.gen(function* () {
      const sql = yield* Effect.provide(SqlClient.SqlClient, yield* Layer.build(StoreLive(db)))
      const out: Record<string, number> = {}
      for (const table of tables)
        out[table] = (yield* sql.unsafe<{ n: number }>(`SELECT count(*) AS n FROM ${table}`))[0]?.n ?? -1
      return out
    })
  )

/** One iteration of `benchmarks` benchmarks, each with `measures` measures. */
const wide = (benchmarks: number, measures: number) => {
  const metrics = Object.fromEntries(Array.from({ length: measures }, (_, m) => [`m${m}`, { value: 1 }]))
  return Object.fromEntries(Array.from({ length: benchmarks }, (_, b) => [`b${b}`, metrics]))
}

describe("big reports", () => {
  it.scopedLive(
    "refuses a report over the benchmarks x measures limit with a 400 naming it, storing nothing",
    () =>
      Effect.gen(function* () {
        const { url, adminKey, db } = yield* startIdentityServer
        expect((yield* post(url, runBody([latency("a", 1)], { project: "big" }), adminKey)).status).toBe(201)
        const before = yield* countsIn(db)
        const benchmarks = Math.floor(MAX_REPORT_BENCHMARKS_X_MEASURES / 5) + 1
        const response = yield* post(url, runBody([wide(benchmarks, 5)], { project: "big" }), adminKey)
        expect(response.status).toBe(400)
        expect(response.body.message).toContain(
          `per-report limit of ${MAX_REPORT_BENCHMARKS_X_MEASURES} benchmarks x measures`
        )
        expect(response.body.message).toContain(`${benchmarks * 5} benchmarks x measures`)
        expect(yield* countsIn(db)).toEqual(before)
      }),
    { timeout: 120_000 }
  )

  it.scopedLive(
    "answers POST /v0/run with the JsonReport exactly as the endpoint's schema encodes it, though serialized in slices",
    () =>
      Effect.gen(function* () {
        const { url, adminKey } = yield* startIdentityServer
        const iteration = (offset: number) =>
          Object.fromEntries(Array.from({ length: 600 }, (_, b) => [`b${b}`, { latency: { value: 100 + b + offset } }]))
        const tTest = { thresholds: { models: { latency: { test: "t_test", upper_boundary: 0.99 } } } }
        for (let r = 0; r < 3; r++)
          expect((yield* post(url, runBody([iteration(r % 2)], { project: "canon", ...tTest }), adminKey)).status).toBe(
            201
          )
        const response = yield* Effect.promise(() =>
          fetch(`${url}/v0/run`, {
            method: "POST",
            headers: { "content-type": "application/json", authorization: `Bearer ${adminKey}` },
            body: JSON.stringify(
              runBody([iteration(0), { ...iteration(1), b7: { latency: { value: 1e6 } } }], {
                project: "canon",
                ...tTest
              })
            )
          })
        )
        expect(response.status).toBe(201)
        expect(response.headers.get("content-type")).toContain("application/json")
        const text = yield* Effect.promise(() => response.text())
        const canonical = JSON.stringify(
          Schema.encodeSync(JsonReport)(Schema.decodeUnknownSync(JsonReport)(JSON.parse(text)))
        )
        expect(text).toBe(canonical)
        const report = JSON.parse(text)
        expect(report.results.map((it: Array<unknown>) => it.length)).toEqual([600, 600])
        expect(report.alerts).toHaveLength(1)
      }),
    { timeout: 120_000 }
  )

  it.scopedLive(
    "writes a report in chunks all-or-nothing: a failure midway leaves no part of it, and its idempotent resend stores it once",
    () =>
      Effect.gen(function* () {
        const db = join(yield* tempDir, "chunks.db")
        let calls = 0
        let failAt = Number.POSITIVE_INFINITY
        // Direct writes of the main connection, failing at one chosen call (the report's rows are written in several).
        const FailingDirect = Layer.effect(
          DirectSqlite,
          Effect.map(DirectSqlite, (direct) => ({
            inTransaction: <A>(label: string, work: Parameters<typeof direct.inTransaction<A>>[1]) =>
              ++calls === failAt
                ? Effect.fail(new SqlError({ cause: new Error("injected"), message: `injected failure in ${label}` }))
                : direct.inTransaction(label, work)
          }))
        )
        const services = ReportServicesLive.pipe(
          Layer.provideMerge(IdentityLive),
          Layer.provide(FailingDirect),
          Layer.provideMerge(StoreLive(db))
        )
        const names = Array.from({ length: 2500 }, (_, i) => `bench_${i}`)
        const input = (at: number, key: string): ReportInput => ({
          projectId: 1,
          branch: "main",
          testbed: "ci",
          startTime: at,
          endTime: at,
          results: [JSON.stringify(Object.fromEntries(names.map((n, i) => [n, { latency: { value: 100 + i } }])))],
          adapter: "json",
          idempotencyKey: key,
          thresholds: { models: { latency: { test: "t_test", upper_boundary: 0.99 } } }
        })
        const result = yield* Effect.scoped(
          Effect.gen(function* () {
            const ctx = yield* Layer.build(services)
            return yield* Effect.provide(
              Effect.gen(function* () {
                const sql = yield* SqlClient.SqlClient
                yield* sql`INSERT INTO organization (uuid, name, slug, created, modified) VALUES (${crypto.randomUUID()}, 'o', 'o', 0, 0)`
                yield* sql`INSERT INTO project (uuid, organization_id, name, slug, created, modified) VALUES (${crypto.randomUUID()}, 1, 'p', 'p', 0, 0)`
                const pipeline = yield* ReportPipeline
                failAt = Number.POSITIVE_INFINITY
                yield* pipeline.ingest(input(Date.now() - 60_000, "first"))
                const stored = yield* countsIn(db)
                // 2,500 benchmarks go in five chunks of report_benchmark rows, then five of metric and boundary rows:
                // fail the seventh write, once some metrics are in.
                calls = 0
                failAt = 7
                const failed = yield* Effect.flip(pipeline.ingest(input(Date.now() - 30_000, "second")))
                const writesBeforeFailure = calls
                const afterFailure = yield* countsIn(db)
                failAt = Number.POSITIVE_INFINITY
                const resent = yield* pipeline.ingest(input(Date.now() - 30_000, "second"))
                const again = yield* pipeline.ingest(input(Date.now() - 30_000, "second"))
                const [reports] = yield* sql<{
                  n: number
                }>`SELECT count(*) AS n FROM report WHERE idempotency_key = 'second'`
                return {
                  stored,
                  failed,
                  writesBeforeFailure,
                  afterFailure,
                  resent,
                  again,
                  reports: reports?.n,
                  final: yield* countsIn(db)
                }
              }),
              ctx
            )
          })
        )
        expect(result.failed.message).toContain("injected")
        expect(result.writesBeforeFailure).toBe(7)
        expect(result.afterFailure).toEqual(result.stored)
        expect(result.again).toBe(result.resent)
        expect(result.reports).toBe(1)
        expect(result.final.metric).toBe((result.stored.metric ?? 0) * 2)
        expect(result.final.report_benchmark).toBe((result.stored.report_benchmark ?? 0) * 2)
      }),
    { timeout: 120_000 }
  )

  it.scopedLive(
    "answers 429 to unauthenticated runs past their budget, per address; a signed-in run still goes through",
    () =>
      Effect.gen(function* () {
        const { url, adminKey } = yield* startIdentityServer
        const first = yield* post(url, runBody([latency("a", 1)], { project: "flooded" }))
        expect(first.status).toBe(201)
        // 120 per 10 minutes per address by default: the first run and 119 more go through, the next is refused.
        for (let i = 0; i < 119; i++)
          expect((yield* post(url, runBody([latency("a", 1)], { project: "flooded" }))).status).toBe(201)
        const refused = yield* post(url, runBody([latency("a", 1)], { project: "flooded" }))
        expect(refused.status).toBe(429)
        expect(refused.body.message).toContain("Too many unauthenticated runs from this address")
        // a signed-in run (which claims the project) is not counted
        expect((yield* post(url, runBody([latency("a", 1)], { project: "flooded" }), adminKey)).status).toBe(201)
      }),
    { timeout: 120_000 }
  )
})

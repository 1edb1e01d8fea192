import { describe, expect, it } from "@effect/vitest"
import { SqlClient } from "@effect/sql"
import { Effect, Layer } from "effect"
import { StoreLive } from "../../src/store/database.js"
import { startIdentityServer } from "../helpers/identity.js"
import { latency, runBody } from "./helpers.js"

// Requests act as the first-run admin (writes need a role); reads of these public projects need none.
let adminKey = ""
const startServer = () =>
  Effect.tap(startIdentityServer, (server) =>
    Effect.sync(() => {
      adminKey = server.adminKey
    })
  )

const post = (url: string, path: string, body: unknown, method = "POST") =>
  Effect.promise(async () => {
    const response = await fetch(`${url}${path}`, {
      method,
      headers: { "content-type": "application/json", authorization: `Bearer ${adminKey}` },
      body: JSON.stringify(body)
    })
    return { status: response.status, body: (await response.json()) as Record<string, any> }
  })

const get = (url: string, path: string) =>
  Effect.promise(async () => {
    const response = await fetch(`${url}${path}`)
    return {
      status: response.status,
      body: (await response.json()) as any,
      total: response.headers.get("x-total-count")
    }
  })

const countRows = (db: string, table: string) =>
  Effect.scoped(
    Effect.gen(function* () {
      const ctx = yield* Layer.build(StoreLive(db))
      const sql = yield* Effect.provide(SqlClient.SqlClient, ctx)
      const [row] = yield* sql.unsafe<{ n: number }>(`SELECT count(*) AS n FROM ${table}`)
      return row?.n ?? 0
    })
  )

const tTest = { thresholds: { models: { latency: { test: "t_test", upper_boundary: 0.99 } } } }

describe("POST /v0/run", () => {
  it.scopedLive("stores metrics under get-or-created benchmarks and built-in measures", () =>
    Effect.gen(function* () {
      const { url } = yield* startServer()
      const res = yield* post(url, "/v0/run", runBody([latency("bench_a", 1500)], { project: "demo" }))
      expect(res.status).toBe(201)
      expect(res.body.project.slug).toBe("demo")
      expect(res.body.branch.name).toBe("main")
      expect(res.body.testbed.name).toBe("localhost")
      const [result] = res.body.results[0]
      expect(result.benchmark.name).toBe("bench_a")
      expect(result.measures[0].measure).toMatchObject({ name: "Latency", slug: "latency", units: "nanoseconds (ns)" })
      expect(result.measures[0].metric.value).toBe(1500)
      expect(res.body.counts).toEqual({ alerts: { active: 0, total: 0 }, results: [{ benchmarks: 1, measures: 1 }] })
    })
  )

  it.scopedLive("alerts exactly once when a stable benchmark gets 40 % slower under a t_test", () =>
    Effect.gen(function* () {
      const { url } = yield* startServer()
      for (let i = 0; i < 30; i++) {
        const res = yield* post(
          url,
          "/v0/run",
          runBody([latency("stable", 1000 + (i % 5))], { project: "p", ...tTest })
        )
        expect(res.status).toBe(201)
        expect(res.body.alerts).toEqual([])
      }
      const slow = yield* post(url, "/v0/run", runBody([latency("stable", 1400)], { project: "p", ...tTest }))
      expect(slow.body.alerts).toHaveLength(1)
      expect(slow.body.alerts[0].limit).toBe("upper")
      const boundary = slow.body.results[0][0].measures[0].boundary
      expect(boundary.baseline).toBeCloseTo(1002, 6)
      expect(boundary.upper_limit).toBeGreaterThan(1004)
      expect(boundary.upper_limit).toBeLessThan(1400)
      expect(boundary.lower_limit).toBeNull()

      const alerts = yield* get(url, "/v0/projects/p/alerts")
      expect(alerts.total).toBe("1")
      const branch = slow.body.branch.uuid
      const testbed = slow.body.testbed.uuid
      const benchmark = slow.body.results[0][0].benchmark.uuid
      const perf = yield* get(
        url,
        `/v0/projects/p/perf?branches=${branch}&testbeds=${testbed}&benchmarks=${benchmark}&measures=latency`
      )
      expect(perf.status).toBe(200)
      expect(perf.body.results).toHaveLength(1)
      const metrics = perf.body.results[0].metrics
      expect(metrics).toHaveLength(31)
      // The first report had no history, so its boundary has no limits; every later one does.
      expect(metrics[0].boundary).toEqual({ baseline: null, lower_limit: null, upper_limit: null })
      expect(metrics.slice(2).every((m: any) => typeof m.boundary.upper_limit === "number")).toBe(true)
      expect(metrics.filter((m: any) => m.alert !== null)).toHaveLength(1)
    })
  )

  it.scopedLive("lets iteration N+1 see iteration N of the same report", () =>
    Effect.gen(function* () {
      const { url } = yield* startServer()
      const staticModel = { thresholds: { models: { latency: { test: "static", upper_boundary: 100 } } } }
      const res = yield* post(
        url,
        "/v0/run",
        runBody([latency("b", 50), latency("b", 150)], { project: "iter", ...staticModel })
      )
      const [first, second] = res.body.results
      // static needs one prior metric: iteration 0 has none, iteration 1 has iteration 0.
      expect(first[0].measures[0].boundary.upper_limit).toBeNull()
      expect(second[0].measures[0].boundary.upper_limit).toBe(100)
      expect(res.body.alerts).toHaveLength(1)
      expect(res.body.alerts[0].iteration).toBe(1)
    })
  )

  it.scopedLive("bounds but never alerts on -bencher-ignore benchmarks", () =>
    Effect.gen(function* () {
      const { url } = yield* startServer()
      const staticModel = { thresholds: { models: { latency: { test: "static", upper_boundary: 10 } } } }
      yield* post(url, "/v0/run", runBody([latency("slow-bencher-ignore", 5)], { project: "ign", ...staticModel }))
      const res = yield* post(
        url,
        "/v0/run",
        runBody([latency("slow-bencher-ignore", 50)], { project: "ign", ...staticModel })
      )
      expect(res.body.results[0][0].benchmark.name).toBe("slow")
      expect(res.body.results[0][0].measures[0].boundary.upper_limit).toBe(10)
      expect(res.body.alerts).toEqual([])
    })
  )

  it.scopedLive(
    "refuses an iteration holding a benchmark both with and without an ignore suffix, storing nothing",
    () =>
      Effect.gen(function* () {
        const { url, db } = yield* startServer()
        yield* post(url, "/v0/run", runBody([latency("kept", 1)], { project: "twice" }))
        const reports = yield* countRows(db, "report")
        const res = yield* post(
          url,
          "/v0/run",
          runBody([{ ...latency("slow", 5), ...latency("slow-bencher-ignore", 6) }], { project: "twice" })
        )
        expect(res.status).toBe(400)
        expect(res.body.message).toContain(`benchmark "slow" appears twice`)
        expect(yield* countRows(db, "report")).toBe(reports)
      })
  )

  it.scopedLive("refuses results the adapter cannot parse with Bencher's 400 and stores nothing", () =>
    Effect.gen(function* () {
      const { url, db } = yield* startServer()
      const res = yield* post(url, "/v0/run", {
        ...runBody([]),
        project: "broken",
        results: ["this is not json"],
        settings: { adapter: "json" }
      })
      expect(res.status).toBe(400)
      expect(res.body.message).toContain("Failed to convert results with adapter")
      expect(yield* countRows(db, "report")).toBe(0)
      expect(yield* countRows(db, "project")).toBe(0)
    })
  )

  it.scopedLive("names the field of an unknown adapter and of an invalid threshold model", () =>
    Effect.gen(function* () {
      const { url, db } = yield* startServer()
      const adapter = yield* post(url, "/v0/run", {
        ...runBody([latency("a", 1)]),
        settings: { adapter: "cobol_bench" }
      })
      expect(adapter.status).toBe(400)
      expect(adapter.body.message).toContain("settings.adapter")
      const model = yield* post(
        url,
        "/v0/run",
        runBody([latency("a", 1)], {
          thresholds: { models: { latency: { test: "t_test", upper_boundary: 1.5 } } }
        })
      )
      expect(model.status).toBe(400)
      expect(model.body.message).toContain("upper_boundary")
      const window = yield* post(
        url,
        "/v0/run",
        runBody([latency("a", 1)], {
          thresholds: { models: { latency: { test: "t_test", upper_boundary: 0.9, window: -5 } } }
        })
      )
      expect(window.status).toBe(400)
      expect(window.body.message).toContain("window")
      expect(yield* countRows(db, "report")).toBe(0)
    })
  )

  it.scopedLive("returns the first report unchanged for a repeated idempotency key", () =>
    Effect.gen(function* () {
      const { url, db } = yield* startServer()
      const key = crypto.randomUUID()
      const first = yield* post(url, "/v0/run", runBody([latency("a", 1)], { project: "idem", idempotency_key: key }))
      const second = yield* post(
        url,
        "/v0/run",
        runBody([latency("a", 999)], { project: "idem", idempotency_key: key })
      )
      expect(second.body.uuid).toBe(first.body.uuid)
      expect(second.body.results[0][0].measures[0].metric.value).toBe(1)
      expect(yield* countRows(db, "report")).toBe(1)
    })
  )

  it.scopedLive("counts start-point history for a new branch and silences alerts of a replaced head", () =>
    Effect.gen(function* () {
      const { url } = yield* startServer()
      const model = { thresholds: { models: { latency: { test: "percentage", upper_boundary: 0.1 } } } }
      let mainBranch = ""
      for (const v of [100, 100, 100]) {
        mainBranch = (yield* post(url, "/v0/run", runBody([latency("b", v)], { project: "sp", ...model }))).body.branch
          .uuid
      }
      // The feature branch has no reports of its own, but main's history is linked to its head.
      const feature = yield* post(
        url,
        "/v0/run",
        runBody([latency("b", 200)], {
          project: "sp",
          branch: "feature",
          start_point: { branch: "main", clone_thresholds: true }
        })
      )
      expect(feature.body.branch.head.start_point.branch).toBe(mainBranch)
      expect(feature.body.results[0][0].measures[0].boundary.baseline).toBe(100)
      expect(feature.body.alerts).toHaveLength(1)
      // Reset the feature branch: a new head; the old head's alert is silenced.
      yield* post(
        url,
        "/v0/run",
        runBody([latency("b", 100)], {
          project: "sp",
          branch: "feature",
          start_point: { branch: "main", reset: true }
        })
      )
      const alert = yield* get(url, `/v0/projects/sp/alerts/${feature.body.alerts[0].uuid}`)
      expect(alert.body.status).toBe("silenced")
    })
  )
})

describe("REST resources", () => {
  it.scopedLive("lists with X-Total-Count, per_page and page, and rejects per_page over 255 naming it", () =>
    Effect.gen(function* () {
      const { url } = yield* startServer()
      yield* post(
        url,
        "/v0/run",
        runBody([{ a: { latency: { value: 1 } }, b: { latency: { value: 2 } }, c: { latency: { value: 3 } } }], {
          project: "list"
        })
      )
      const page1 = yield* get(url, "/v0/projects/list/benchmarks?per_page=2&page=1")
      expect(page1.total).toBe("3")
      expect(page1.body.map((b: any) => b.name)).toEqual(["a", "b"])
      const page2 = yield* get(url, "/v0/projects/list/benchmarks?per_page=2&page=2")
      expect(page2.body.map((b: any) => b.name)).toEqual(["c"])
      const tooMany = yield* get(url, "/v0/projects/list/benchmarks?per_page=256")
      expect(tooMany.status).toBe(400)
      expect(JSON.stringify(tooMany.body)).toContain("per_page")
      const descending = yield* get(url, "/v0/projects/list/benchmarks?sort=name&direction=desc")
      expect(descending.body.map((b: any) => b.name)).toEqual(["c", "b", "a"])
      const badSort = yield* get(url, "/v0/projects/list/benchmarks?sort=size")
      expect(badSort.status).toBe(400)
      expect(JSON.stringify(badSort.body)).toContain("sort")
    })
  )

  it.scopedLive("resolves resources by uuid, slug or name, and archives through PATCH", () =>
    Effect.gen(function* () {
      const { url } = yield* startServer()
      const run = yield* post(url, "/v0/run", runBody([latency("My Bench", 1)], { project: "ids" }))
      const bench = run.body.results[0][0].benchmark
      for (const id of [bench.uuid, bench.slug, encodeURIComponent(bench.name)]) {
        const view = yield* get(url, `/v0/projects/ids/benchmarks/${id}`)
        expect(view.body.uuid).toBe(bench.uuid)
      }
      const archived = yield* post(url, `/v0/projects/ids/benchmarks/${bench.uuid}`, { archived: true }, "PATCH")
      expect(archived.body.archived).not.toBeNull()
      expect((yield* get(url, "/v0/projects/ids/benchmarks")).body).toEqual([])
      expect((yield* get(url, "/v0/projects/ids/benchmarks?archived=true")).body).toHaveLength(1)
      const missing = yield* get(url, "/v0/projects/ids/benchmarks/nope")
      expect(missing.status).toBe(404)
    })
  )

  it.scopedLive("creates, replaces and removes thresholds, keeping replaced models", () =>
    Effect.gen(function* () {
      const { url } = yield* startServer()
      yield* post(url, "/v0/run", runBody([latency("a", 1)], { project: "th" }))
      const created = yield* post(url, "/v0/projects/th/thresholds", {
        branch: "main",
        testbed: "localhost",
        measure: "latency",
        test: "z_score",
        upper_boundary: 0.95
      })
      expect(created.status).toBe(201)
      expect(created.body.model.test).toBe("z_score")
      const replaced = yield* post(
        url,
        `/v0/projects/th/thresholds/${created.body.uuid}`,
        { test: "iqr", upper_boundary: 2 },
        "PUT"
      )
      expect(replaced.body.model.test).toBe("iqr")
      expect(replaced.body.model.uuid).not.toBe(created.body.model.uuid)
      const invalid = yield* post(url, "/v0/projects/th/thresholds", {
        branch: "main",
        testbed: "localhost",
        measure: "latency",
        test: "percentage",
        lower_boundary: -1
      })
      expect(invalid.status).toBe(400)
      expect(invalid.body.message).toContain("lower_boundary")
      const unknownBranch = yield* post(url, "/v0/projects/th/thresholds", {
        branch: "nope",
        testbed: "localhost",
        measure: "latency",
        test: "static",
        upper_boundary: 1
      })
      expect(unknownBranch.status).toBe(400)
      expect(unknownBranch.body.message).toContain("branch")
    })
  )
})

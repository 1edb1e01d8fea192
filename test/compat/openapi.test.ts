import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { violations } from "../helpers/openapi.js"
import { startTestServer } from "../helpers/server.js"
import { latency, runBody } from "../reports/helpers.js"

const call = (url: string, path: string, body?: unknown, method = body === undefined ? "GET" : "POST") =>
  Effect.promise(async () => {
    const init: RequestInit = { method, headers: { "content-type": "application/json" } }
    if (body !== undefined) init.body = JSON.stringify(body)
    const response = await fetch(`${url}${path}`, init)
    return { status: response.status, body: (await response.json()) as any }
  })

/** Our bodies for the endpoints Bencher also has must validate against Bencher's own schemas. */
describe("compatibility with Bencher's OpenAPI schemas", () => {
  it.scopedLive("request bodies we send and accept are valid Bencher JsonNewRun / JsonNewThreshold", () =>
    Effect.sync(() => {
      const body = runBody([latency("a", 1)], {
        project: "compat",
        branch: "main",
        hash: "0123456789abcdef0123456789abcdef01234567",
        testbed: "ci",
        idempotency_key: crypto.randomUUID(),
        start_point: { branch: "main", max_versions: 10, clone_thresholds: true, reset: false },
        thresholds: { models: { latency: { test: "t_test", upper_boundary: 0.99, max_sample_size: 64 } }, reset: true }
      })
      expect(violations("JsonNewRun", body)).toBe("")
      expect(
        violations("JsonNewThreshold", {
          branch: "main",
          testbed: "ci",
          measure: "latency",
          test: "iqr",
          upper_boundary: 2
        })
      ).toBe("")
    })
  )

  it.scopedLive("responses of run, reports, dimensions, thresholds, alerts, perf, metrics and errors", () =>
    Effect.gen(function* () {
      const { url } = yield* startTestServer()
      const model = { thresholds: { models: { latency: { test: "static", upper_boundary: 10 } } } }
      yield* call(url, "/v0/run", runBody([latency("b", 5)], { project: "compat", ...model }))
      const run = yield* call(
        url,
        "/v0/run",
        runBody([latency("b", 50), latency("b", 1)], { project: "compat", ...model })
      )
      expect(run.status).toBe(201)
      expect(violations("JsonReport", run.body)).toBe("")
      expect(run.body.alerts.length).toBeGreaterThan(0)

      const checks: ReadonlyArray<readonly [string, string]> = [
        ["/v0/server/version", "JsonApiVersion"],
        ["/v0/projects/compat", "JsonProject"],
        [`/v0/projects/compat/reports/${run.body.uuid}`, "JsonReport"],
        [`/v0/projects/compat/branches/main`, "JsonBranch"],
        [`/v0/projects/compat/testbeds/localhost`, "JsonTestbed"],
        [`/v0/projects/compat/measures/latency`, "JsonMeasure"],
        [`/v0/projects/compat/benchmarks/b`, "JsonBenchmark"],
        [`/v0/projects/compat/alerts/${run.body.alerts[0].uuid}`, "JsonAlert"],
        [`/v0/projects/compat/metrics/${run.body.results[0][0].measures[0].metric.uuid}`, "JsonOneMetric"]
      ]
      for (const [path, schema] of checks) {
        const res = yield* call(url, path)
        expect(res.status, path).toBe(200)
        expect(violations(schema, res.body), path).toBe("")
      }
      const lists: ReadonlyArray<readonly [string, string]> = [
        ["/v0/projects", "JsonProject"],
        ["/v0/projects/compat/reports", "JsonReport"],
        ["/v0/projects/compat/branches", "JsonBranch"],
        ["/v0/projects/compat/testbeds", "JsonTestbed"],
        ["/v0/projects/compat/measures", "JsonMeasure"],
        ["/v0/projects/compat/benchmarks", "JsonBenchmark"],
        ["/v0/projects/compat/thresholds", "JsonThreshold"],
        ["/v0/projects/compat/alerts", "JsonAlert"]
      ]
      for (const [path, schema] of lists) {
        const res = yield* call(url, path)
        expect(res.status, path).toBe(200)
        expect(res.body.length, path).toBeGreaterThan(0)
        for (const item of res.body) expect(violations(schema, item), path).toBe("")
      }
      const r = run.body
      const perf = yield* call(
        url,
        `/v0/projects/compat/perf?branches=${r.branch.uuid}&testbeds=${r.testbed.uuid}&benchmarks=${r.results[0][0].benchmark.uuid}&measures=latency`
      )
      expect(perf.status).toBe(200)
      expect(violations("JsonPerf", perf.body)).toBe("")
      const missing = yield* call(url, "/v0/projects/nope")
      expect(missing.status).toBe(404)
      expect(violations("Error", missing.body)).toBe("")
    })
  )
})

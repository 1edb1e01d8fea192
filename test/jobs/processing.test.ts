import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { RunnerClient, runnerClientWebSocket } from "../../src/api/runner-client.js"
import { pushLayout } from "../../src/image/client.js"
import { startIdentityServer } from "../helpers/identity.js"
import { buildTestImage, tempFolder } from "../registry/images.js"
import { apiJson } from "../helpers/http.js"

const json = apiJson

const model = { thresholds: { models: { latency: { test: "static", upper_boundary: 100 } } } }
const bmf = (value: number) => JSON.stringify({ "bench::remote": { latency: { value } } })

/** A server with a spec, a runner, a project with history, and an image in its registry. */
const world = Effect.gen(function* () {
  const server = yield* startIdentityServer
  yield* server.admin.specs.create({ payload: { name: "Small", cpu: 1, memory: 512, disk: 1024, fallback: true } })
  const runner = yield* server.admin.runners.create({ payload: { name: "Box", specs: ["small"] } })
  const at = () => new Date().toISOString()
  const local = (value: number) =>
    json(server.url, server.adminKey, "/v0/run", {
      project: "proj",
      start_time: at(),
      end_time: at(),
      results: [bmf(value)],
      settings: { adapter: "json" },
      ...model
    })
  yield* local(50)
  const layout = tempFolder()
  yield* Effect.promise(() => buildTestImage({ output: layout, tag: "v1" }))
  yield* Effect.promise(() =>
    pushLayout({ host: server.url, repository: "proj", key: server.adminKey, layout, tag: "v1" })
  )
  const remote = () =>
    json(server.url, server.adminKey, "/v0/run", {
      project: "proj",
      start_time: at(),
      end_time: at(),
      results: [],
      settings: { adapter: "json" },
      ...model,
      job: { image: "proj:v1" }
    })
  /** Claims the job over the runner channel and reports these iterations as Completed `times` times. */
  const complete = (results: ReadonlyArray<{ exit_code: number; stdout?: string }>, times = 1) =>
    Effect.gen(function* () {
      const rpc = yield* RunnerClient
      const job = yield* rpc.Claim({ poll_timeout: 5 })
      const uuid = job?.uuid ?? ""
      yield* rpc.Running({ job: uuid })
      for (let i = 0; i < times; i++) yield* rpc.Completed({ job: uuid, results: [...results] })
      return uuid
    }).pipe(Effect.provide(runnerClientWebSocket(server.url, runner.key)))
  /** Claims the job and reports these iterations as Failed (a non-zero exit without --allow-failure). */
  const fail = (results: ReadonlyArray<{ exit_code: number; stdout?: string }>, error: string) =>
    Effect.gen(function* () {
      const rpc = yield* RunnerClient
      const job = yield* rpc.Claim({ poll_timeout: 5 })
      const uuid = job?.uuid ?? ""
      yield* rpc.Running({ job: uuid })
      yield* rpc.Failed({ job: uuid, results: [...results], error })
      return uuid
    }).pipe(Effect.provide(runnerClientWebSocket(server.url, runner.key)))
  /** Waits for the job to leave `completed` (processing runs in its own fiber). */
  const settled = (job: string) =>
    Effect.gen(function* () {
      for (;;) {
        const view = yield* json(server.url, server.adminKey, `/v0/projects/proj/jobs/${job}`)
        if (view.body.status !== "completed" && view.body.status !== "running") return view.body
        yield* Effect.sleep("20 millis")
      }
    }).pipe(Effect.timeout("10 seconds"))
  return { ...server, local, remote, complete, fail, settled }
})

describe("completed jobs become results", () => {
  it.scopedLive("turns a job whose stdout is BMF into the same metrics, boundaries and alerts as a local run", () =>
    Effect.gen(function* () {
      const w = yield* world
      // Reports on a spec are judged against the same spec's history (Bencher's rule), so two remote runs...
      const reportsOf = (values: ReadonlyArray<number>) =>
        Effect.forEach(values, (value) =>
          Effect.gen(function* () {
            const submitted = yield* w.remote()
            expect(submitted.status).toBe(201)
            const job = yield* w.complete([{ exit_code: 0, stdout: bmf(value) }])
            expect(job).toBe(submitted.body.job)
            expect((yield* w.settled(job)).status).toBe("processed")
            return (yield* json(w.url, w.adminKey, `/v0/projects/proj/reports/${submitted.body.uuid}`)).body
          })
        )
      const remote = yield* reportsOf([50, 150])
      // ...against the identical two local runs in a fresh project.
      const at = () => new Date().toISOString()
      const local = yield* Effect.forEach([50, 150], (value) =>
        Effect.map(
          json(w.url, w.adminKey, "/v0/run", {
            project: "twin",
            start_time: at(),
            end_time: at(),
            results: [bmf(value)],
            settings: { adapter: "json" },
            ...model
          }),
          (r) => r.body
        )
      )
      for (const i of [0, 1]) {
        const r = remote[i].results[0][0].measures[0]
        const l = local[i].results[0][0].measures[0]
        expect(r.metric.value).toBe(l.metric.value)
        expect(r.boundary).toEqual(l.boundary)
        expect(remote[i].alerts.map((x: any) => x.limit)).toEqual(local[i].alerts.map((x: any) => x.limit))
      }
      expect(remote[1].alerts).toHaveLength(1)
      expect(remote[1].job).not.toBeNull()
    })
  )

  it.scopedLive("fails a job whose output the adapter cannot parse, naming the adapter, keeping the raw output", () =>
    Effect.gen(function* () {
      const w = yield* world
      const submitted = yield* w.remote()
      const job = yield* w.complete([{ exit_code: 0, stdout: "garbage, not BMF" }])
      const view = yield* w.settled(job)
      expect(view.status).toBe("failed")
      expect(view.error).toContain("Failed to convert results with adapter (json")
      expect(view.output.results[0].stdout).toBe("garbage, not BMF")
      const report = (yield* json(w.url, w.adminKey, `/v0/projects/proj/reports/${submitted.body.uuid}`)).body
      expect(report.results).toEqual([])
    })
  )

  it.scopedLive("processes a Completed replayed three times once", () =>
    Effect.gen(function* () {
      const w = yield* world
      const submitted = yield* w.remote()
      const job = yield* w.complete(
        [
          { exit_code: 0, stdout: bmf(60) },
          { exit_code: 0, stdout: bmf(70) }
        ],
        3
      )
      expect((yield* w.settled(job)).status).toBe("processed")
      const report = (yield* json(w.url, w.adminKey, `/v0/projects/proj/reports/${submitted.body.uuid}`)).body
      expect(report.results).toHaveLength(2)
      expect(report.results.flat().map((r: any) => r.measures[0].metric.value)).toEqual([60, 70])
    })
  )

  it.scopedLive(
    "keeps a failed job failed but processes its two good iterations out of three into a partial report",
    () =>
      Effect.gen(function* () {
        const w = yield* world
        const submitted = yield* w.remote()
        const job = yield* w.fail(
          [
            { exit_code: 0, stdout: bmf(20) },
            { exit_code: 0, stdout: bmf(30) },
            { exit_code: 1, stdout: "boom" }
          ],
          "iteration 2 exited with code 1"
        )
        const reportPath = `/v0/projects/proj/reports/${submitted.body.uuid}`
        let report = (yield* json(w.url, w.adminKey, reportPath)).body
        for (let i = 0; i < 200 && report.results.length === 0; i++) {
          yield* Effect.sleep("20 millis")
          report = (yield* json(w.url, w.adminKey, reportPath)).body
        }
        expect(report.partial).toBe(true)
        expect(report.results.flat().map((r: any) => r.measures[0].metric.value)).toEqual([20, 30])
        const view = (yield* json(w.url, w.adminKey, `/v0/projects/proj/jobs/${job}`)).body
        expect(view.status).toBe("failed")
        expect(view.error).toContain("exited with code 1")
        expect(view.output.results).toHaveLength(3)
      })
  )
})

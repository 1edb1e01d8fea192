import { expect } from "@effect/vitest"
import { Deferred, Duration, Effect, type Layer } from "effect"
import type { RunnerClient } from "../../src/api/runner-client.js"
import { pushLayout } from "../../src/image/client.js"
import { runnerLoop, type RunnerLoopOptions, runRunner } from "../../src/runner/daemon.js"
import { localExecutor } from "../../src/runner/executors/local.js"
import { apiJson } from "../helpers/http.js"
import { startIdentityServer } from "../helpers/identity.js"
import { buildTestImage, tempFolder } from "../registry/images.js"
import { buildImage, busyboxLayer, writeLayout } from "./fixtures.js"

const json = apiJson

/**
 * The real server in-process with a fallback spec, one runner, and the test image (bench.sh prints BMF) pushed
 * as proj:v1; runners run the local executor (host processes).
 */
export const runnerWorld = Effect.gen(function* () {
  const server = yield* startIdentityServer
  yield* server.admin.specs.create({
    payload: { name: "Small", cpu: 1, memory: 512 * 1024 * 1024, disk: 1024 * 1024 * 1024, fallback: true }
  })
  const runner = yield* server.admin.runners.create({ payload: { name: "Box", specs: ["small"] } })
  const at = () => new Date().toISOString()
  // A local run creates the project (the registry knows only existing projects).
  yield* json(server.url, server.adminKey, "/v0/run", {
    project: "proj",
    start_time: at(),
    end_time: at(),
    results: [JSON.stringify({ bench: { latency: { value: 1 } } })],
    settings: { adapter: "json" }
  })
  const layout = tempFolder()
  yield* Effect.promise(() => buildTestImage({ output: layout, tag: "v1" }))
  yield* Effect.promise(() =>
    pushLayout({ host: server.url, repository: "proj", key: server.adminKey, layout, tag: "v1" })
  )
  const submit = (job: Record<string, unknown> = {}) =>
    Effect.map(
      json(server.url, server.adminKey, "/v0/run", {
        project: "proj",
        start_time: at(),
        end_time: at(),
        results: [],
        settings: { adapter: "json" },
        job: { image: "proj:v1", ...job }
      }),
      (r) => {
        expect(r.status).toBe(201)
        return { report: r.body.uuid as string, job: r.body.job as string }
      }
    )
  const view = (job: string) =>
    Effect.map(json(server.url, server.adminKey, `/v0/projects/proj/jobs/${job}`), (r) => r.body)
  const report = (uuid: string) =>
    Effect.map(json(server.url, server.adminKey, `/v0/projects/proj/reports/${uuid}`), (r) => r.body)
  const until = (job: string, done: (status: string) => boolean, timeout: Duration.DurationInput = "15 seconds") =>
    Effect.gen(function* () {
      for (;;) {
        const v = yield* view(job)
        if (done(v.status)) return v
        yield* Effect.sleep("25 millis")
      }
    }).pipe(Effect.timeout(timeout))
  const spoolDir = tempFolder("bencher-spool-")
  const cacheDir = tempFolder("bencher-cache-")
  /**
   * Starts a runner loop in the background; `stop` ends it (the returned fiber then completes). `client` replaces
   * the runner's channel (e.g. a real one wrapped to misbehave).
   */
  const startRunner = (options: Partial<RunnerLoopOptions> & { readonly client?: Layer.Layer<RunnerClient> } = {}) =>
    Effect.gen(function* () {
      const stop = yield* Deferred.make<void>()
      const executor = yield* localExecutor(true)
      const { client, ...rest } = options
      const o: RunnerLoopOptions = {
        host: server.url,
        key: runner.key,
        executor,
        cacheDir,
        spoolDir,
        pollTimeout: 2,
        stop,
        stopGrace: Duration.millis(100),
        ...rest
      }
      const fiber = yield* (client === undefined ? runRunner(o) : runnerLoop(o).pipe(Effect.provide(client))).pipe(
        Effect.forkScoped
      )
      return { stop: Deferred.succeed(stop, undefined), fiber }
    })
  const finished = (s: string) => s === "processed" || s === "failed" || s === "canceled"
  /** Pushes a busybox image (a shell for sandboxed executors) as proj:busybox. */
  const pushBusybox = Effect.promise(async () => {
    const layout = tempFolder()
    await writeLayout(
      layout,
      buildImage({ layers: [busyboxLayer()], entrypoint: ["/bin/sh"], env: ["PATH=/bin"] }),
      "busybox"
    )
    await pushLayout({ host: server.url, repository: "proj", key: server.adminKey, layout, tag: "busybox" })
  })
  return {
    ...server,
    runnerKey: runner.key,
    submit,
    view,
    report,
    until,
    finished,
    spoolDir,
    cacheDir,
    startRunner,
    pushBusybox
  }
})

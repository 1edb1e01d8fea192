// POST /v0/run -> Completed through the real server and a real runner loop (oci executor, WebSocket channel),
// with the image pushed to the server's registry and already in the runner's cache.
import { Deferred, Duration, Effect, Fiber } from "effect"
import { mkdirSync } from "node:fs"
import { join } from "node:path"
import { pushLayout } from "../../src/image/client.js"
import { runRunner } from "../../src/runner/daemon.js"
import { makeExecutor } from "../../src/runner/executors/select.js"
import { apiJson } from "../../test/helpers/http.js"
import { startIdentityServer } from "../../test/helpers/identity.js"
import { buildImage, busyboxLayer, writeLayout } from "../../test/runner/fixtures.js"

const percentile = (xs: ReadonlyArray<number>, p: number) => {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)] ?? Number.NaN
}
const round = (x: number) => Math.round(x * 100) / 100

const request = (url: string, key: string, path: string, body?: unknown) =>
  Effect.flatMap(apiJson(url, key, path, body), (r) =>
    r.status >= 300
      ? Effect.dieMessage(`${path}: ${r.status} ${JSON.stringify(r.body)}`)
      : Effect.succeed(r.body as Record<string, unknown>)
  )

export const endToEnd = (options: { readonly jobs: number; readonly work: string }) =>
  Effect.runPromise(
    Effect.scoped(
      Effect.gen(function* () {
        const server = yield* startIdentityServer
        const { url, adminKey } = server
        yield* server.admin.specs.create({
          payload: { name: "Bench", cpu: 1, memory: 256 * 1024 * 1024, disk: 1024 * 1024 * 1024, fallback: true }
        })
        const runner = yield* server.admin.runners.create({ payload: { name: "Bench box", specs: ["bench"] } })
        const now = () => new Date().toISOString()
        // A local run creates the project; the registry only takes images of existing projects.
        yield* request(url, adminKey, "/v0/run", {
          project: "e2e",
          start_time: now(),
          end_time: now(),
          settings: { adapter: "json" },
          results: [JSON.stringify({ trivial: { latency: { value: 1 } } })]
        })
        const layout = join(options.work, "e2e-layout")
        const built = buildImage({
          layers: [busyboxLayer()],
          entrypoint: ["/bin/echo", JSON.stringify({ trivial: { latency: { value: 1 } } })],
          env: ["PATH=/bin"]
        })
        yield* Effect.promise(() => writeLayout(layout, built, "v1"))
        yield* Effect.promise(() => pushLayout({ host: url, repository: "e2e", key: adminKey, layout, tag: "v1" }))

        const executor = yield* makeExecutor("oci")
        const stop = yield* Deferred.make<void>()
        const cacheDir = join(options.work, "e2e-cache")
        const spoolDir = join(options.work, "e2e-spool")
        mkdirSync(cacheDir, { recursive: true })
        mkdirSync(spoolDir, { recursive: true })
        const runnerFiber = yield* runRunner({
          host: url,
          key: runner.key,
          executor,
          cacheDir,
          spoolDir,
          pollTimeout: 60,
          stop,
          stopGrace: Duration.millis(100)
        }).pipe(Effect.forkScoped)

        /** Submits one job and waits (polling, off the measured path) until it is processed; times from its row. */
        const one = Effect.gen(function* () {
          const sent = Date.now()
          const report = yield* request(url, adminKey, "/v0/run", {
            project: "e2e",
            start_time: now(),
            end_time: now(),
            results: [],
            settings: { adapter: "json" },
            job: { image: "e2e:v1", timeout: 60 }
          })
          const job = String(report.job)
          for (;;) {
            const view = yield* request(url, adminKey, `/v0/projects/e2e/jobs/${job}`)
            if (view.status === "processed") {
              const at = (field: string) => Date.parse(String(view[field])) - sent
              return {
                claimed: at("claimed"),
                completed: at("completed"),
                processed: Date.parse(String(view.modified)) - sent
              }
            }
            if (view.status === "failed" || view.status === "canceled") {
              return yield* Effect.dieMessage(
                `e2e job ${job} ended ${String(view.status)}: ${JSON.stringify(view.output)}`
              )
            }
            yield* Effect.sleep("20 millis")
          }
        })
        // The first job pulls the image into the runner's cache; the measured ones find it there.
        yield* one
        yield* one
        const samples: Array<{ claimed: number; completed: number; processed: number }> = []
        for (let i = 0; i < options.jobs; i++) samples.push(yield* one)
        yield* Deferred.succeed(stop, undefined)
        yield* Fiber.join(runnerFiber).pipe(Effect.timeout("10 seconds"), Effect.ignore)
        const completed = samples.map((s) => s.completed)
        console.error(`e2e POST -> Completed samples (ms): ${completed.join(" ")}`)
        return {
          p50: round(percentile(completed, 50)),
          p99: round(percentile(completed, 99)),
          claimedP50: round(
            percentile(
              samples.map((s) => s.claimed),
              50
            )
          ),
          processedP50: round(
            percentile(
              samples.map((s) => s.processed),
              50
            )
          )
        }
      })
    )
  )

import { Effect } from "effect"
import { RunnerClient, runnerClientWebSocket } from "../../src/api/runner-client.js"
import { pushLayout } from "../../src/image/client.js"
import { startIdentityServer } from "../helpers/identity.js"
import { type Spawned, spawnBencher } from "../helpers/process.js"
import { buildTestImage, tempFolder } from "../registry/images.js"
import { apiJson } from "../helpers/http.js"

// A real server with a spec, a runner, the project `proj` and its image `proj:v1`; the test plays the runner over
// the real runner channel, so it decides when each status change and output chunk happens.

export const bmf = (value: number) => JSON.stringify({ "bench::remote": { latency: { value } } })

export const thresholdFlags = [
  "--adapter",
  "json",
  "--threshold-measure",
  "latency",
  "--threshold-test",
  "static",
  "--threshold-upper-boundary",
  "100"
]

export const json = apiJson

export const followWorld = Effect.gen(function* () {
  const server = yield* startIdentityServer
  yield* server.admin.specs.create({
    payload: { name: "Small", cpu: 1, memory: 512 * 1024 * 1024, disk: 1024 * 1024 * 1024, fallback: true }
  })
  const runner = yield* server.admin.runners.create({ payload: { name: "Box", specs: ["small"] } })
  const at = () => new Date().toISOString()
  // The project exists before its image is pushed.
  yield* json(server.url, server.adminKey, "/v0/run", {
    project: "proj",
    start_time: at(),
    end_time: at(),
    results: [bmf(1)],
    settings: { adapter: "json" },
    testbed: "elsewhere"
  })
  const layout = tempFolder()
  yield* Effect.promise(() => buildTestImage({ output: layout, tag: "v1" }))
  yield* Effect.promise(() =>
    pushLayout({ host: server.url, repository: "proj", key: server.adminKey, layout, tag: "v1" })
  )

  /** The CLI as a user runs it: `bencher run --image proj:v1 ...`. */
  const cli = (args: ReadonlyArray<string>, env: NodeJS.ProcessEnv = {}): Spawned => {
    const p = spawnBencher(["run", "--host", server.url, "--key", server.adminKey, "--image", "proj:v1", ...args], {
      CI: "true",
      ...env
    })
    p.child.stdin.end()
    return p
  }
  const channel = runnerClientWebSocket(server.url, runner.key)
  /**
   * One remote run of `value` straight through the API and the channel, processed: history for the thresholds
   * (reports on a spec are judged against that spec's history).
   */
  const seed = (value: number) =>
    Effect.gen(function* () {
      const submitted = yield* json(server.url, server.adminKey, "/v0/run", {
        project: "proj",
        start_time: at(),
        end_time: at(),
        results: [],
        settings: { adapter: "json" },
        thresholds: { models: { latency: { test: "static", upper_boundary: 100 } } },
        job: { image: "proj:v1" }
      })
      const job = submitted.body.job as string
      yield* Effect.gen(function* () {
        const rpc = yield* RunnerClient
        yield* claim
        yield* rpc.Running({ job })
        yield* rpc.Completed({ job, results: [{ exit_code: 0, stdout: bmf(value) }] })
      }).pipe(Effect.provide(channel))
      for (;;) {
        const view = yield* json(server.url, server.adminKey, `/v0/projects/proj/jobs/${job}`)
        if (view.body.status === "processed") return
        yield* Effect.sleep("20 millis")
      }
    }).pipe(Effect.timeout("15 seconds"))
  return { ...server, runner, cli, channel, at, seed }
})

/** Claims the next job over the runner channel. */
export const claim = Effect.gen(function* () {
  const rpc = yield* RunnerClient
  const job = yield* rpc.Claim({ poll_timeout: 10 })
  if (job === null) return yield* Effect.dieMessage("no job to claim")
  return job.uuid
})

export const waitFor = (p: Spawned, pattern: RegExp) => Effect.promise(() => p.waitFor(pattern, 20_000))
export const exited = (p: Spawned) => Effect.promise(() => p.exited)

/** How many times a line matching `pattern` appears. */
export const count = (text: string, pattern: RegExp) => text.split("\n").filter((line) => pattern.test(line)).length

/** The results table of a human report: from `Results:` to the next blank line. */
export const resultsTable = (text: string) => {
  const lines = text.split("\n")
  const start = lines.findIndex((l) => l.startsWith("Results"))
  if (start < 0) return []
  const end = lines.findIndex((l, i) => i > start && l.trim() === "")
  return lines.slice(start, end < 0 ? undefined : end)
}

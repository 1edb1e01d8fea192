// npm run bench -- follow: how long after the server marks a remote job processed the `bencher run --image`
// process exits, when it follows the job over the job events stream (WebSocket) versus the baseline that polls
// `GET /v0/projects/{project}/jobs/{job}` every 5 s as Bencher's CLI does (our CLI with BENCHER_FOLLOW_STREAM=false
// and --job-poll-interval 5). Real processes: `bencher server` and each CLI are spawned from dist/ (so
// `npm run build` first); this process plays the runner over the real runner channel and is otherwise idle, so it
// sees each CLI exit at once. The processed instant is the job's `modified` time (the processed transition's
// clock, taken before its commit), the exit instant this process's clock at the child's exit event: one machine,
// one wall clock. For the baseline each job completes after a random delay within the poll interval, so the poll
// phase is random as it is for real jobs.
import { Effect, Random } from "effect"
import { spawn } from "node:child_process"
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs"
import { createServer } from "node:net"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { RunnerClient, runnerClientWebSocket } from "../src/api/runner-client.js"
import { pushLayout } from "../src/image/client.js"
import { binPath, repoRoot, spawnBencher } from "../test/helpers/process.js"
import { buildTestImage, tempFolder } from "../test/registry/images.js"
import { bmf, claim, json, thresholdFlags } from "../test/cli/follow-world.js"

const JOBS = Number(process.env.JOBS ?? 30)
const BASELINE_JOBS = Number(process.env.BASELINE_JOBS ?? 8)
const POLL_SECONDS = 5

const quantile = (xs: ReadonlyArray<number>, q: number) => {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)] ?? Number.NaN
}
const round = (x: number) => Math.round(x * 10) / 10

if (!existsSync(join(repoRoot, "dist", "main.js"))) {
  console.error("bench follow spawns the built CLI: run `npm run build` first")
  process.exit(2)
}

const freePort = () =>
  new Promise<number>((resolve) => {
    const probe = createServer().listen(0, "127.0.0.1", () => {
      const address = probe.address()
      probe.close(() => resolve(typeof address === "object" && address !== null ? address.port : 0))
    })
  })

const dir = mkdtempSync(join(tmpdir(), "bench-follow-"))
const port = await freePort()
const url = `http://127.0.0.1:${port}`
const server = spawn(
  process.execPath,
  [
    binPath,
    "server",
    "--port",
    String(port),
    "--db",
    join(dir, "bencher.db"),
    "--data-dir",
    join(dir, "data"),
    "--admin-key-file",
    join(dir, "admin.key")
  ],
  { stdio: ["ignore", "pipe", "pipe"] }
)
// Ready when it says it listens (a free port can be taken by someone else before the server binds it).
const listening = new Promise<void>((resolve, reject) => {
  let log = ""
  const onData = (d: Buffer) => {
    log += d.toString()
    if (log.includes(`listening on http://127.0.0.1:${port}`)) resolve()
  }
  server.stdout?.on("data", onData)
  server.stderr?.on("data", onData)
  server.once("exit", (code) => reject(new Error(`the server exited (${code}) before listening:\n${log}`)))
})

const program = Effect.gen(function* () {
  yield* Effect.promise(() => listening)
  const adminKey = readFileSync(join(dir, "admin.key"), "utf8").trim()
  yield* json(url, adminKey, "/v0/specs", {
    name: "Small",
    cpu: 1,
    memory: 512 * 1024 * 1024,
    disk: 1024 * 1024 * 1024,
    fallback: true
  })
  const runner = (yield* json(url, adminKey, "/v0/runners", { name: "Box", specs: ["small"] })).body as { key: string }
  const at = new Date().toISOString()
  yield* json(url, adminKey, "/v0/run", {
    project: "proj",
    start_time: at,
    end_time: at,
    results: [bmf(1)],
    settings: { adapter: "json" },
    testbed: "elsewhere"
  })
  const layout = tempFolder()
  yield* Effect.promise(() => buildTestImage({ output: layout, tag: "v1" }))
  yield* Effect.promise(() => pushLayout({ host: url, repository: "proj", key: adminKey, layout, tag: "v1" }))
  const channel = runnerClientWebSocket(url, runner.key)

  /** One job: the CLI follows it; returns ms from `processed` (server) to the CLI's exit. */
  const sample = (mode: "stream" | "poll") =>
    Effect.gen(function* () {
      const p = spawnBencher(
        [
          "run",
          "--host",
          url,
          "--key",
          adminKey,
          "--image",
          "proj:v1",
          "--project",
          "proj",
          ...thresholdFlags,
          ...(mode === "poll" ? ["--job-poll-interval", String(POLL_SECONDS)] : [])
        ],
        { CI: "true", ...(mode === "poll" ? { BENCHER_FOLLOW_STREAM: "false" } : {}) }
      )
      p.child.stdin.end()
      const exitedAt = new Promise<number>((resolve) => p.child.once("exit", () => resolve(Date.now())))
      const [, job] = yield* Effect.promise(() => p.waitFor(/Job ([0-9a-f-]{36}): pending/, 30_000))
      const uuid = job ?? ""
      const delayMs = mode === "poll" ? yield* Random.nextIntBetween(0, POLL_SECONDS * 1000) : 0
      yield* Effect.gen(function* () {
        const rpc = yield* RunnerClient
        yield* claim
        yield* rpc.Running({ job: uuid })
        yield* Effect.sleep(`${delayMs} millis`)
        yield* rpc.Completed({ job: uuid, results: [{ exit_code: 0, stdout: bmf(42) }] })
      }).pipe(Effect.provide(channel))
      const exitAt = yield* Effect.promise(() => exitedAt)
      const code = yield* Effect.promise(() => p.exited)
      if (code !== 0) return yield* Effect.dieMessage(`CLI exited ${code}: ${p.stderr()}`)
      const view = (yield* json(url, adminKey, `/v0/projects/proj/jobs/${uuid}`)).body as {
        status: string
        modified: string
      }
      if (view.status !== "processed") return yield* Effect.dieMessage(`job ${uuid} is ${view.status}`)
      return exitAt - Date.parse(view.modified)
    }).pipe(Effect.scoped)

  const run = (mode: "stream" | "poll", n: number) =>
    Effect.gen(function* () {
      const times: Array<number> = []
      for (let i = 0; i < n; i++) {
        const ms = yield* sample(mode)
        times.push(ms)
        console.error(`${mode} ${i + 1}/${n}: ${round(ms)} ms`)
      }
      return times
    })

  yield* sample("stream") // warm-up: the first CLI start and the first WebSocket pay one-time costs
  const stream = yield* run("stream", JOBS)
  const baseline = yield* run("poll", BASELINE_JOBS)
  const p99 = quantile(stream, 0.99)
  const baselineP99 = quantile(baseline, 0.99)
  console.log(
    JSON.stringify({
      jobs: JOBS,
      baseline_jobs: BASELINE_JOBS,
      poll_interval_s: POLL_SECONDS,
      p50_ms: round(quantile(stream, 0.5)),
      p99_ms: round(p99),
      max_ms: round(Math.max(...stream)),
      baseline_p50_ms: round(quantile(baseline, 0.5)),
      baseline_p99_ms: round(baselineP99),
      ratio: round(baselineP99 / p99)
    })
  )
})

try {
  await Effect.runPromise(Effect.scoped(program))
} finally {
  server.kill("SIGTERM")
  await new Promise((resolve) => server.once("exit", resolve))
  rmSync(dir, { recursive: true, force: true })
}
process.exit(0)

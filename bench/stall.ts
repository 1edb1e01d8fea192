// `npm run bench -- stall`: latency of `GET /v0/server/version` on the real server (a separate process) while
// reports of 10,000 benchmarks are written back to back, against the same poll with no reports, in the same run
// (idle, load, idle again; the baseline is the worse idle phase). The poller runs in a worker thread of its own,
// so that this process building or reading reports never delays a poll. Last line: {"idle_p99_ms",
// "load_p99_ms", "ratio" (= load p99 / idle p99, target <= 3, and load p99 < 100 ms), ...}.
// Env: BENCHMARKS, REPORTS, IDLE_MS; SERVER_NODE_FLAGS (e.g. "--cpu-prof") and SERVER_LOG=1 (the server's stderr,
// with a PHASE line per report) to look into where the server's time goes.
import { spawn } from "node:child_process"
import * as fs from "node:fs"
import { tmpdir } from "node:os"
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"
import { Worker } from "node:worker_threads"

const BENCHMARKS = Number(process.env.BENCHMARKS ?? 10_000)
const REPORTS = Number(process.env.REPORTS ?? 6)
const IDLE_MS = Number(process.env.IDLE_MS ?? 4_000)
/** Pause between two polls: a poll every few milliseconds, one at a time. */
const GAP_MS = 5
const repoRoot = join(dirname(fileURLToPath(import.meta.url)), "..")
const work = fs.mkdtempSync(join(tmpdir(), "bencher-bench-stall-"))

const percentile = (values: ReadonlyArray<number>, p: number): number => {
  const sorted = [...values].sort((a, b) => a - b)
  if (sorted.length === 0) return Number.NaN
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] as number
}
const round = (n: number, digits = 2) => Number(n.toFixed(digits))

/** The real server on a fresh database; its first-run admin key (written to --admin-key-file) reports. */
const startServer = async () => {
  const keyFile = join(work, "admin-key")
  const args = [
    ...(process.env.SERVER_NODE_FLAGS ?? "").split(" ").filter((f) => f !== ""),
    "--import",
    "tsx",
    join(repoRoot, "src", "main.ts"),
    "server",
    "--port",
    "0",
    "--db",
    join(work, "bencher.db"),
    "--data-dir",
    join(work, "data"),
    "--admin-key-file",
    keyFile
  ]
  const child = spawn(process.execPath, args, { cwd: repoRoot, stdio: ["ignore", "pipe", "pipe"] })
  if (process.env.SERVER_LOG) child.stderr.on("data", (d: Buffer) => process.stderr.write(d))
  const url = await new Promise<string>((resolve, reject) => {
    let out = ""
    const onData = (d: Buffer) => {
      out += d.toString()
      const m = /listening on (http:\/\/[\d.]+:\d+)/.exec(out)
      if (m?.[1] !== undefined) resolve(m[1])
    }
    child.stdout.on("data", onData)
    child.stderr.on("data", onData)
    child.on("exit", (code) => reject(new Error(`server exited (${code}):\n${out}`)))
    setTimeout(() => reject(new Error(`server did not start:\n${out}`)), 60_000).unref()
  })
  return { url, key: fs.readFileSync(keyFile, "utf8").trim(), stop: () => child.kill("SIGTERM") }
}

/** Polls `url` one request at a time until told to stop, then posts back every latency in milliseconds. */
const POLLER = `
const { parentPort, workerData } = require("node:worker_threads")
let running = true
parentPort.on("message", () => { running = false })
const latencies = []
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))
;(async () => {
  while (running) {
    const started = performance.now()
    const response = await fetch(workerData.url)
    await response.text()
    if (!response.ok) throw new Error("version answered " + response.status)
    latencies.push(performance.now() - started)
    await sleep(workerData.gap)
  }
  parentPort.postMessage(latencies)
})()
`

const poll = async <A>(url: string, during: () => Promise<A>) => {
  const worker = new Worker(POLLER, { eval: true, workerData: { url: `${url}/v0/server/version`, gap: GAP_MS } })
  const latencies = new Promise<Array<number>>((resolve, reject) => {
    worker.once("message", resolve)
    worker.once("error", reject)
  })
  const result = await during()
  worker.postMessage("stop")
  const out = await latencies
  await worker.terminate()
  return { latencies: out, result }
}

const report = (round: number) => {
  const bmf: Record<string, { latency: { value: number } }> = {}
  for (let b = 0; b < BENCHMARKS; b++) bmf[`bench_${b}`] = { latency: { value: 1000 + b + ((round * 7 + b) % 13) } }
  const at = new Date(Date.parse("2026-01-01T00:00:00Z") + round * 60_000).toISOString()
  return JSON.stringify({
    project: "stall",
    branch: "main",
    testbed: "bench",
    start_time: at,
    end_time: at,
    results: [JSON.stringify(bmf)],
    settings: { adapter: "json" },
    thresholds: { models: { latency: { test: "t_test", upper_boundary: 0.99 } } }
  })
}

const main = async () => {
  const server = await startServer()
  try {
    // Bodies are built before any clock starts.
    const bodies = Array.from({ length: REPORTS + 1 }, (_, r) => report(r))
    const post = async (body: string) => {
      const started = performance.now()
      const response = await fetch(`${server.url}/v0/run`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${server.key}` },
        body
      })
      const text = await response.text()
      if (!response.ok) throw new Error(`POST /v0/run answered ${response.status}: ${text.slice(0, 300)}`)
      return performance.now() - started
    }
    // A warm-up report creates the project, its benchmarks and the threshold; the measured ones follow it.
    await post(bodies[0] as string)
    const idle = (await poll(server.url, () => new Promise((resolve) => setTimeout(resolve, IDLE_MS)))).latencies
    const load = await poll(server.url, async () => {
      const reportMs: Array<number> = []
      for (const body of bodies.slice(1)) {
        if (process.env.SERVER_LOG) console.error("PHASE report")
        reportMs.push(await post(body))
      }
      return reportMs
    })
    const idleAgain = (await poll(server.url, () => new Promise((resolve) => setTimeout(resolve, IDLE_MS)))).latencies
    const idleP99 = Math.max(percentile(idle, 99), percentile(idleAgain, 99))
    const loadP99 = percentile(load.latencies, 99)
    console.log(`reports of ${BENCHMARKS} benchmarks: ${load.result.map((ms) => ms.toFixed(0)).join(", ")} ms each`)
    console.log(
      `idle: ${idle.length} + ${idleAgain.length} polls, p50 ${percentile([...idle, ...idleAgain], 50).toFixed(2)} ms; ` +
        `load: ${load.latencies.length} polls, p50 ${percentile(load.latencies, 50).toFixed(2)} ms, max ${Math.max(...load.latencies).toFixed(1)} ms`
    )
    console.log(
      JSON.stringify({
        benchmarks_per_report: BENCHMARKS,
        reports: REPORTS,
        report_p50_ms: round(percentile(load.result, 50)),
        idle_polls: idle.length + idleAgain.length,
        load_polls: load.latencies.length,
        idle_p50_ms: round(percentile([...idle, ...idleAgain], 50)),
        idle_p99_ms: round(idleP99),
        load_p50_ms: round(percentile(load.latencies, 50)),
        load_p99_ms: round(loadP99),
        load_max_ms: round(Math.max(...load.latencies)),
        ratio: round(loadP99 / idleP99)
      })
    )
  } finally {
    server.stop()
    fs.rmSync(work, { recursive: true, force: true })
  }
}

await main()

// npm run bench -- runner: per-job overhead of each executor that works here, with the image already cached,
// for a job running a trivial command (/bin/true), against spawning the same binary directly in the same process.
// Per job = pull from cache (manifest by digest, nothing downloaded) + execute (scratch dir, cgroup, sandbox,
// output collection). `ratio` is the strongest executor's per-job time over the direct spawn.
// End to end (`e2e_*`): the real server, a runner loop with the oci executor on a real WebSocket, an image pushed to
// the server's registry and already in the runner's cache; the wall time from sending `POST /v0/run` to the server
// holding the job's Completed (the job's `completed` time, stamped by the server with the same clock).
import { Effect, Either } from "effect"
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { execute } from "../src/runner/execute.js"
import type { Executor, ExecutorKind } from "../src/runner/executors/executor.js"
import { supervise } from "../src/runner/executors/process.js"
import { makeExecutor } from "../src/runner/executors/select.js"
import { parseImageReference } from "../src/oci/index.js"
import { pullImage, sourceFor } from "../src/runner/image/store.js"
import { buildImage, busyboxLayer, writeLayout } from "../test/runner/fixtures.js"
import { endToEnd } from "./lib/runner-e2e.js"

const JOBS = Number(process.env.JOBS ?? 30)
const WARMUP = 3
const work = mkdtempSync(join(tmpdir(), "bench-runner-"))
const median = (xs: ReadonlyArray<number>) => {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.floor(s.length / 2)] ?? Number.NaN
}
const round = (x: number) => Math.round(x * 100) / 100

try {
  const built = buildImage({ layers: [busyboxLayer()], entrypoint: ["/bin/true"], env: ["PATH=/bin"] })
  await writeLayout(join(work, "layout"), built, "v1")
  const ref = await Effect.runPromise(parseImageReference(`oci:${join(work, "layout")}@${built.manifestDigest}`))
  const cacheDir = join(work, "cache")
  const pull = () => Effect.runPromise(pullImage(sourceFor(ref), ref.reference, { cacheDir }))
  const first = await pull()

  const directTimes: Array<number> = []
  for (let i = 0; i < JOBS + WARMUP; i++) {
    const started = performance.now()
    const r = await supervise({
      argv: [join(first.rootfs, "bin/busybox"), "true"],
      env: {},
      timeoutMs: 10_000,
      maxOutputBytes: 1024
    })
    if (r.exitCode !== 0) throw new Error("direct run failed")
    if (i >= WARMUP) directTimes.push(performance.now() - started)
  }
  const directMs = median(directTimes)

  const result: Record<string, number | string> = { jobs: JOBS, direct_ms: round(directMs) }
  let strongest: { kind: ExecutorKind; ms: number } | undefined
  const available = new Set<ExecutorKind>()
  for (const kind of ["oci", "bwrap", "unshare"] as const) {
    const made = await Effect.runPromise(Effect.either(makeExecutor(kind)))
    if (Either.isLeft(made)) {
      console.error(`${kind}: unavailable (${made.left.message})`)
      continue
    }
    const executor: Executor = made.right
    available.add(kind)
    const times: Array<number> = []
    for (let i = 0; i < JOBS + WARMUP; i++) {
      const started = performance.now()
      const image = await pull()
      if (image.downloadedBytes !== 0) throw new Error("the cached image was downloaded again")
      const out = await Effect.runPromise(
        execute({
          executor,
          image,
          imageName: "bench",
          job: { timeout: 30 },
          spec: { cpu: 1, memory: 256 * 1024 * 1024 },
          runner: { scratchRoot: join(work, "scratch") }
        })
      )
      if (out.error !== undefined) throw new Error(`${kind}: ${out.error}`)
      if (i >= WARMUP) times.push(performance.now() - started)
    }
    const ms = median(times)
    console.error(`${executor.describe}: ${round(ms)} ms per job (direct ${round(directMs)} ms)`)
    result[`${kind}_job_ms`] = round(ms)
    result[`${kind}_overhead_ms`] = round(ms - directMs)
    result[`${kind}_ratio`] = round(ms / directMs)
    strongest ??= { kind, ms }
  }
  if (strongest === undefined) throw new Error("no executor works here (needs root with crun/runc or bubblewrap)")
  result.executor = strongest.kind
  if (available.has("oci")) {
    const e2e = await endToEnd({ jobs: Number(process.env.E2E_JOBS ?? 20), work })
    console.error(
      `oci end to end: POST /v0/run -> Completed p50 ${e2e.p50} ms, p99 ${e2e.p99} ms (claimed p50 ${e2e.claimedP50} ms)`
    )
    result.e2e_completed_p50_ms = e2e.p50
    result.e2e_completed_p99_ms = e2e.p99
    result.e2e_claimed_p50_ms = e2e.claimedP50
    result.e2e_processed_p50_ms = e2e.processedP50
  }
  result.ratio = round(strongest.ms / directMs)
  console.log(JSON.stringify(result))
} finally {
  rmSync(work, { recursive: true, force: true })
}

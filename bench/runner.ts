// npm run bench -- runner: per-job overhead of each executor that works here, with the image already cached,
// for a job running a trivial command (/bin/true), against spawning the same binary directly in the same process.
// Per job = pull from cache (manifest by digest, nothing downloaded) + execute (scratch dir, cgroup, sandbox,
// output collection). `ratio` is the strongest executor's per-job time over the direct spawn.
import { Effect, Either } from "effect"
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { execute } from "../src/runner/execute.js"
import type { Executor, ExecutorKind } from "../src/runner/executors/executor.js"
import { supervise } from "../src/runner/executors/process.js"
import { makeExecutor } from "../src/runner/executors/select.js"
import { parseImageReference } from "../src/runner/image/reference.js"
import { pullImage, sourceFor } from "../src/runner/image/store.js"
import { buildImage, busyboxLayer, writeLayout } from "../test/runner/fixtures.js"

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
    const r = await supervise({ argv: [join(first.rootfs, "bin/busybox"), "true"], env: {}, timeoutMs: 10_000, maxOutputBytes: 1024 })
    if (r.exitCode !== 0) throw new Error("direct run failed")
    if (i >= WARMUP) directTimes.push(performance.now() - started)
  }
  const directMs = median(directTimes)

  const result: Record<string, number | string> = { jobs: JOBS, direct_ms: round(directMs) }
  let strongest: { kind: ExecutorKind; ms: number } | undefined
  for (const kind of ["oci", "bwrap", "unshare"] as const) {
    const made = await Effect.runPromise(Effect.either(makeExecutor(kind)))
    if (Either.isLeft(made)) {
      console.error(`${kind}: unavailable (${made.left.message})`)
      continue
    }
    const executor: Executor = made.right
    const times: Array<number> = []
    for (let i = 0; i < JOBS + WARMUP; i++) {
      const started = performance.now()
      const image = await pull()
      if (image.downloadedBytes !== 0) throw new Error("the cached image was downloaded again")
      const out = await Effect.runPromise(execute({
        executor,
        image,
        imageName: "bench",
        job: { timeout: 30 },
        spec: { cpu: 1, memory: 256 * 1024 * 1024 },
        runner: { scratchRoot: join(work, "scratch") }
      }))
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
  result.ratio = round(strongest.ms / directMs)
  console.log(JSON.stringify(result))
} finally {
  rmSync(work, { recursive: true, force: true })
}

import { Effect } from "effect"
import { createHash } from "node:crypto"
import { existsSync } from "node:fs"
import { mkdir, readdir, readFile, rename, rm, rmdir, writeFile } from "node:fs/promises"
import { dirname, join, resolve } from "node:path"
import { RunnerBusy } from "./errors.js"
import { sweepJobCgroups } from "./executors/cgroups.js"
import type { Executor } from "./executors/executor.js"
import { ociStateDir } from "./executors/oci.js"
import { runHelper, which } from "./executors/process.js"

// A runner instance owns what its sandboxes leave on the host: the cgroups named `<owner>-<run>`, the OCI
// runtime's state dir `/run/bencher-runner/<owner>/<runtime>`, and the scratch dirs under `<cache dir>/scratch`.
// The owner is derived from the cache dir, so the next instance on the same cache dir finds what a killed one
// (kill -9, a crash, a power cut of the runner alone) left: it kills those processes and removes the rest before
// it claims a job. `<cache dir>/runner.pid` keeps two live instances from sharing (and so sweeping) one cache dir.

/** The owner name of the runner that uses `cacheDir`: stable across restarts, distinct per cache dir. */
export const runnerOwner = (cacheDir: string): string =>
  `r${createHash("sha256").update(resolve(cacheDir)).digest("hex").slice(0, 12)}`

/** Where a runner's per-job scratch dirs live (the loop creates `<scratch>/<job>/<run>`). */
export const scratchRootOf = (cacheDir: string): string => join(resolve(cacheDir), "scratch")

const LOCK_FILE = "runner.pid"

/** Field 22 of /proc/<pid>/stat: with the pid, names a process across pid reuse. */
const startTimeOf = async (pid: number): Promise<string | undefined> => {
  const stat = await readFile(`/proc/${pid}/stat`, "utf8").catch(() => undefined)
  if (stat === undefined) return undefined
  return stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19]
}

interface LockContent {
  readonly pid: number
  readonly start: string | undefined
}

const readLock = async (file: string): Promise<LockContent | undefined> => {
  const text = await readFile(file, "utf8").catch(() => undefined)
  if (text === undefined) return undefined
  try {
    const parsed = JSON.parse(text) as { pid?: unknown; start?: unknown }
    return typeof parsed.pid === "number"
      ? { pid: parsed.pid, start: typeof parsed.start === "string" ? parsed.start : undefined }
      : undefined
  } catch {
    return undefined
  }
}

/** The live runner that holds the cache dir, if another one does. */
const liveHolder = async (cacheDir: string): Promise<number | undefined> => {
  const held = await readLock(join(cacheDir, LOCK_FILE))
  if (held === undefined || held.pid === process.pid) return undefined
  const start = await startTimeOf(held.pid)
  return start !== undefined && start === held.start ? held.pid : undefined
}

const writeLock = async (cacheDir: string) => {
  await mkdir(cacheDir, { recursive: true })
  const file = join(cacheDir, LOCK_FILE)
  await writeFile(`${file}.tmp`, JSON.stringify({ pid: process.pid, start: await startTimeOf(process.pid) }))
  await rename(`${file}.tmp`, file)
}

const releaseLock = async (cacheDir: string) => {
  const file = join(cacheDir, LOCK_FILE)
  if ((await readLock(file))?.pid === process.pid) await rm(file, { force: true })
}

/** Mount points at or under `dir` (from /proc/self/mountinfo, octal escapes decoded), deepest first. */
const mountsUnder = async (dir: string): Promise<Array<string>> => {
  const info = await readFile("/proc/self/mountinfo", "utf8").catch(() => "")
  const points = info
    .split("\n")
    .map((line) => line.split(" ")[4])
    .filter((p): p is string => p !== undefined)
    .map((p) => p.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8))))
    .filter((p) => p === dir || p.startsWith(`${dir}/`))
  return [...new Set(points)].sort((a, b) => b.length - a.length)
}

export interface Swept {
  readonly containers: number
  readonly processes: number
  readonly cgroups: number
  readonly mounts: number
  readonly scratchDirs: number
}

/**
 * Kills and removes what an earlier instance with this cache dir left: the OCI containers in its state dirs,
 * every process in its cgroups, the cgroups, mounts under its scratch root (the size-limited /output), and the
 * scratch dirs. Safe when there is nothing to do; never touches another owner's sandboxes.
 */
export const sweepOrphans = async (cacheDir: string, owner = runnerOwner(cacheDir)): Promise<Swept> => {
  // Processes first, whatever sandbox they run in: every one of them is in a job cgroup (as root).
  const { processes, cgroups } = await sweepJobCgroups(`${owner}-`)
  let containers = 0
  for (const runtime of ["crun", "runc"] as const) {
    const stateDir = ociStateDir(runtime, owner)
    const binary = which(runtime)
    if (!existsSync(stateDir)) continue
    if (binary !== undefined) {
      const listed = await runHelper([binary, "--root", stateDir, "list", "-q"], 10_000)
      for (const id of listed.ok
        ? listed.output
            .split("\n")
            .map((l) => l.trim())
            .filter((l) => l !== "")
        : []) {
        await runHelper([binary, "--root", stateDir, "delete", "--force", id], 10_000)
        containers++
      }
    }
    await rm(stateDir, { recursive: true, force: true }).catch(() => undefined)
  }
  // The runtime's delete may leave (or re-create) nothing; sweep again for cgroups of containers it removed.
  const again = await sweepJobCgroups(`${owner}-`)
  const scratch = scratchRootOf(cacheDir)
  const mounts = await mountsUnder(scratch)
  for (const point of mounts) await runHelper(["umount", "-l", point])
  const scratchDirs = (await readdir(scratch).catch(() => [])).length
  await rm(scratch, { recursive: true, force: true }).catch(() => undefined)
  return {
    containers,
    processes: processes + again.processes,
    cgroups: Math.max(cgroups, again.cgroups),
    mounts: mounts.length,
    scratchDirs
  }
}

/** The executor with every run tagged as this owner's. */
export const ownedExecutor = (executor: Executor, owner: string): Executor => ({
  ...executor,
  run: (spec, signal) => executor.run({ ...spec, owner }, signal)
})

/**
 * Takes over a runner cache dir for `use`: refuses when another live runner holds it, sweeps what an earlier
 * instance left (logging what it found), and runs `use` with an executor whose sandboxes carry the owner name.
 */
export const withRunnerHome = <A, E, R>(
  cacheDir: string,
  executor: Executor,
  use: (owned: Executor) => Effect.Effect<A, E, R>
): Effect.Effect<A, E | RunnerBusy, R> =>
  Effect.acquireUseRelease(
    Effect.gen(function* () {
      const holder = yield* Effect.promise(() => liveHolder(cacheDir))
      if (holder !== undefined) {
        return yield* new RunnerBusy({
          message: `another runner (pid ${holder}) uses the cache dir ${cacheDir}; give each runner its own --cache-dir`
        })
      }
      yield* Effect.tryPromise({
        try: () => writeLock(cacheDir),
        catch: (e) =>
          new RunnerBusy({
            message: `cannot take the cache dir ${cacheDir}: ${e instanceof Error ? e.message : String(e)}`
          })
      })
      const owner = runnerOwner(cacheDir)
      const swept = yield* Effect.promise(() => sweepOrphans(cacheDir, owner))
      if (swept.processes + swept.containers + swept.cgroups + swept.mounts + swept.scratchDirs > 0) {
        yield* Effect.logWarning(
          `runner: cleaned up after an earlier instance: killed ${swept.processes} process(es), removed ${swept.containers} container(s), ` +
            `${swept.cgroups} cgroup(s), ${swept.mounts} mount(s) and ${swept.scratchDirs} scratch dir(s)`
        )
      }
      return owner
    }),
    (owner) => use(ownedExecutor(executor, owner)),
    (owner) =>
      Effect.promise(async () => {
        // The OCI state dirs go when they are empty (rmdir): a container still in them is swept at the next start.
        for (const runtime of ["crun", "runc"] as const) await rmdir(ociStateDir(runtime, owner)).catch(() => undefined)
        await rmdir(dirname(ociStateDir("crun", owner))).catch(() => undefined)
        await releaseLock(cacheDir).catch(() => undefined)
      })
  )

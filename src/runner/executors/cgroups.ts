import { existsSync } from "node:fs"
import { mkdir, readdir, readFile, rmdir, writeFile } from "node:fs/promises"
import { join } from "node:path"
import type { SandboxLimits } from "./executor.js"

const ROOT = "/sys/fs/cgroup"
/** All job cgroups live under this parent, one directory per run. */
export const CGROUP_PARENT = "bencher"

export interface CgroupUsage {
  readonly cpuTimeNs: number | undefined
  readonly peakMemoryBytes: number | undefined
  readonly oomKilled: boolean
  /** The memory limit was hit at least once (v1 failcnt): with a SIGKILL, the OOM killer's work. */
  readonly memoryLimitHit: boolean
}

/**
 * A per-run parent cgroup: limits are set on it, the sandbox runs inside it (directly, or in a child the OCI
 * runtime creates and deletes), and usage is read from it after exit, before it is removed.
 */
export interface JobCgroup {
  /** Path relative to each hierarchy root, e.g. `/bencher/<id>`. */
  readonly path: string
  /** `cgroup.procs` files a wrapper writes its pid into, one per hierarchy. */
  readonly procsFiles: ReadonlyArray<string>
  readonly usage: () => Promise<CgroupUsage>
  readonly killAll: () => Promise<void>
  readonly remove: () => Promise<void>
}

type Layout = { readonly _tag: "v1"; readonly dirs: Readonly<Record<string, string>> } | { readonly _tag: "v2" }

const V1_CONTROLLERS = ["memory", "cpu", "cpuacct", "pids", "cpuset"] as const

export const cgroupLayout = (): Layout | undefined => {
  if (process.getuid?.() !== 0) return undefined
  if (existsSync(join(ROOT, "memory", "memory.limit_in_bytes"))) {
    const dirs: Record<string, string> = {}
    for (const c of V1_CONTROLLERS) if (existsSync(join(ROOT, c))) dirs[c] = join(ROOT, c)
    return { _tag: "v1", dirs }
  }
  if (existsSync(join(ROOT, "cgroup.controllers"))) return { _tag: "v2" }
  return undefined
}

/** True when this process can create cgroups and so enforce limits. */
export const cgroupsAvailable = (): boolean => cgroupLayout() !== undefined

const read = (file: string) =>
  readFile(file, "utf8").then(
    (s) => s.trim(),
    () => undefined
  )
const write = (file: string, value: string) => writeFile(file, value)
const num = (s: string | undefined) => (s === undefined || s === "" || Number.isNaN(Number(s)) ? undefined : Number(s))

const subdirsDeepestFirst = async (dir: string): Promise<Array<string>> => {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => [])
  const out: Array<string> = []
  for (const e of entries) if (e.isDirectory()) out.push(...(await subdirsDeepestFirst(join(dir, e.name))))
  out.push(dir)
  return out
}

const pidsUnder = async (dir: string): Promise<Array<number>> => {
  const pids: Array<number> = []
  for (const d of await subdirsDeepestFirst(dir)) {
    for (const line of ((await read(join(d, "cgroup.procs"))) ?? "").split("\n"))
      if (line !== "") pids.push(Number(line))
  }
  return pids
}

const killPids = async (dir: string) => {
  // v1 has no cgroup.kill: SIGKILL every member until none is left (forks in between are caught by the next round).
  for (let round = 0; round < 100; round++) {
    const pids = await pidsUnder(dir)
    if (pids.length === 0) return
    for (const pid of pids) {
      try {
        process.kill(pid, "SIGKILL")
      } catch {
        // Already gone.
      }
    }
    await new Promise((r) => setTimeout(r, 10))
  }
}

const removeTree = async (dir: string) => {
  for (const d of await subdirsDeepestFirst(dir)) {
    for (let attempt = 0; attempt < 50; attempt++) {
      try {
        await rmdir(d)
        break
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === "ENOENT") break
        await new Promise((r) => setTimeout(r, 20))
      }
    }
  }
}

const ensureCpuset = async (dir: string, parent: string, cpuset: string | undefined) => {
  // A v1 cpuset cgroup starts with empty cpus/mems and accepts no task until both are set.
  for (const file of ["cpuset.cpus", "cpuset.mems"]) {
    const inherited = await read(join(parent, file))
    if ((await read(join(dir, file))) === "" && inherited !== undefined) await write(join(dir, file), inherited)
  }
  if (cpuset !== undefined) await write(join(dir, "cpuset.cpus"), cpuset)
}

/**
 * Creates `/bencher/<id>` with the limits. `memoryHeadroom` lets a child (the OCI runtime's) carry a slightly
 * higher limit, so the OOM kill is charged to this parent and its counter survives the child's removal.
 */
export const createJobCgroup = async (id: string, limits: SandboxLimits): Promise<JobCgroup | undefined> => {
  const layout = cgroupLayout()
  if (layout === undefined) return undefined
  const path = `/${CGROUP_PARENT}/${id}`
  if (layout._tag === "v1") {
    const d = layout.dirs
    const dirOf = (c: string) => (d[c] === undefined ? undefined : join(d[c], CGROUP_PARENT, id))
    for (const c of Object.keys(d)) {
      const base = d[c]
      if (base === undefined) continue
      await mkdir(join(base, CGROUP_PARENT), { recursive: true })
      if (c === "cpuset") await ensureCpuset(join(base, CGROUP_PARENT), base, undefined)
      await mkdir(join(base, CGROUP_PARENT, id), { recursive: true })
      if (c === "cpuset") await ensureCpuset(join(base, CGROUP_PARENT, id), join(base, CGROUP_PARENT), limits.cpuset)
    }
    const memory = dirOf("memory")
    if (memory !== undefined && limits.memoryBytes !== undefined) {
      await write(join(memory, "memory.limit_in_bytes"), String(limits.memoryBytes))
      if (existsSync(join(memory, "memory.memsw.limit_in_bytes"))) {
        await write(join(memory, "memory.memsw.limit_in_bytes"), String(limits.memoryBytes)).catch(() => undefined)
      }
      await write(join(memory, "memory.swappiness"), "0").catch(() => undefined)
    }
    const cpu = dirOf("cpu")
    if (cpu !== undefined && limits.vcpus !== undefined && limits.vcpus > 0) {
      await write(join(cpu, "cpu.cfs_period_us"), "100000")
      await write(join(cpu, "cpu.cfs_quota_us"), String(Math.round(limits.vcpus * 100_000)))
    }
    const pids = dirOf("pids")
    if (pids !== undefined && limits.pids !== undefined) await write(join(pids, "pids.max"), String(limits.pids))
    const all = Object.keys(d)
      .map(dirOf)
      .filter((x): x is string => x !== undefined)
    return {
      path,
      procsFiles: all.map((x) => join(x, "cgroup.procs")),
      usage: async () => {
        const oom = ((await read(join(memory ?? "", "memory.oom_control"))) ?? "").match(/oom_kill (\d+)/)
        const acct = dirOf("cpuacct")
        return {
          cpuTimeNs: acct === undefined ? undefined : num(await read(join(acct, "cpuacct.usage"))),
          peakMemoryBytes:
            memory === undefined ? undefined : num(await read(join(memory, "memory.max_usage_in_bytes"))),
          oomKilled: oom !== null && Number(oom[1]) > 0,
          memoryLimitHit: (num(await read(join(memory ?? "", "memory.failcnt"))) ?? 0) > 0
        }
      },
      killAll: async () => {
        const members = memory ?? pids
        if (members !== undefined) await killPids(members)
      },
      remove: async () => {
        for (const x of all) await removeTree(x)
        // An OCI runtime creates the run's path in every hierarchy (blkio, devices, freezer...) and removes only its child.
        for (const h of await hierarchies()) await removeTree(join(h, CGROUP_PARENT, id))
      }
    }
  }
  const dir = join(ROOT, CGROUP_PARENT, id)
  await mkdir(join(ROOT, CGROUP_PARENT), { recursive: true })
  const wanted = ["cpu", "memory", "pids", "cpuset"]
  const available = ((await read(join(ROOT, "cgroup.controllers"))) ?? "").split(" ").filter((c) => wanted.includes(c))
  await write(join(ROOT, "cgroup.subtree_control"), available.map((c) => `+${c}`).join(" ")).catch(() => undefined)
  await write(join(ROOT, CGROUP_PARENT, "cgroup.subtree_control"), available.map((c) => `+${c}`).join(" ")).catch(
    () => undefined
  )
  await mkdir(dir, { recursive: true })
  if (limits.memoryBytes !== undefined) {
    await write(join(dir, "memory.max"), String(limits.memoryBytes))
    await write(join(dir, "memory.swap.max"), "0").catch(() => undefined)
  }
  if (limits.vcpus !== undefined && limits.vcpus > 0)
    await write(join(dir, "cpu.max"), `${Math.round(limits.vcpus * 100_000)} 100000`)
  if (limits.pids !== undefined) await write(join(dir, "pids.max"), String(limits.pids))
  if (limits.cpuset !== undefined) await write(join(dir, "cpuset.cpus"), limits.cpuset)
  return {
    path,
    procsFiles: [join(dir, "cgroup.procs")],
    usage: async () => {
      const usec = ((await read(join(dir, "cpu.stat"))) ?? "").match(/usage_usec (\d+)/)
      const events = (await read(join(dir, "memory.events"))) ?? ""
      const oom = events.match(/oom_kill (\d+)/)
      const max = events.match(/max (\d+)/)
      return {
        cpuTimeNs: usec === null ? undefined : Number(usec[1]) * 1000,
        peakMemoryBytes: num(await read(join(dir, "memory.peak"))),
        oomKilled: oom !== null && Number(oom[1]) > 0,
        memoryLimitHit: max !== null && Number(max[1]) > 0
      }
    },
    killAll: async () => {
      if (
        !(await write(join(dir, "cgroup.kill"), "1").then(
          () => true,
          () => false
        ))
      )
        await killPids(dir)
    },
    remove: () => removeTree(dir)
  }
}

/** The cgroup root and every hierarchy mounted below it (v1 controllers, the named and unified ones). */
const hierarchies = async (): Promise<Array<string>> => [
  ROOT,
  ...(await readdir(ROOT, { withFileTypes: true }).catch(() => []))
    .filter((e) => e.isDirectory())
    .map((e) => join(ROOT, e.name))
]

/**
 * Kills every process in the job cgroups whose names start with `prefix` (in every hierarchy: an OCI runtime
 * creates its child in all of them) and removes those cgroups: what a killed runner instance left behind.
 */
export const sweepJobCgroups = async (
  prefix: string
): Promise<{ readonly processes: number; readonly cgroups: number }> => {
  const found: Array<string> = []
  for (const h of await hierarchies()) {
    const parent = join(h, CGROUP_PARENT)
    for (const e of await readdir(parent, { withFileTypes: true }).catch(() => [])) {
      if (e.isDirectory() && e.name.startsWith(prefix)) found.push(join(parent, e.name))
    }
  }
  const pids = new Set<number>()
  for (const dir of found) for (const pid of await pidsUnder(dir)) pids.add(pid)
  for (const dir of found) await killPids(dir)
  const names = new Set<string>()
  for (const dir of found) {
    await removeTree(dir)
    names.add(dir.slice(dir.lastIndexOf("/") + 1))
  }
  return { processes: pids.size, cgroups: names.size }
}

/** `sh -c` prefix that moves the shell into the job cgroup, then execs the sandbox (Node has no CLONE_INTO_CGROUP). */
export const enterCgroupArgv = (cgroup: JobCgroup | undefined, argv: ReadonlyArray<string>): ReadonlyArray<string> =>
  cgroup === undefined
    ? argv
    : [
        "/bin/sh",
        "-c",
        `for f in ${cgroup.procsFiles.map((f) => `'${f}'`).join(" ")}; do echo $$ > "$f" || exit 125; done; exec "$@"`,
        "sh",
        ...argv
      ]

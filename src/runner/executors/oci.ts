import { Effect } from "effect"
import { existsSync } from "node:fs"
import { mkdir, writeFile } from "node:fs/promises"
import { join } from "node:path"
import { ExecutorUnavailable } from "../errors.js"
import type { JobCgroup } from "./cgroups.js"
import { DEFAULT_TMP_BYTES, type Executor, type RunSpec, SANDBOX_OUTPUT_DIR, SANDBOX_UID } from "./executor.js"
import { probeWith } from "./probe.js"
import { runHelper, which } from "./process.js"
import { envList, prepareOutputDir, runInSandbox } from "./sandbox.js"
import { ociSeccomp } from "./seccomp.js"

/** The child cgroup gets this much more memory than the per-run parent, so an OOM kill is counted in the parent. */
const CHILD_MEMORY_HEADROOM = 4 * 1024 * 1024

/** The OCI runtime config (runtime-spec 1.0) for one run. */
export const ociRuntimeConfig = (spec: RunSpec, outputDir: string, cgroup: JobCgroup | undefined) => {
  const { limits } = spec
  const namespaces = ["pid", "ipc", "uts", "mount", ...(spec.network ? [] : ["network"])]
  return {
    ociVersion: "1.0.2",
    process: {
      terminal: false,
      user: { uid: SANDBOX_UID, gid: SANDBOX_UID, additionalGids: [] },
      args: [...spec.argv],
      env: envList(spec.env),
      cwd: spec.cwd,
      capabilities: { bounding: [], effective: [], inheritable: [], permitted: [], ambient: [] },
      noNewPrivileges: true,
      rlimits: [{ type: "RLIMIT_NOFILE", hard: 4096, soft: 4096 }]
    },
    root: { path: spec.rootfs, readonly: true },
    hostname: "bencher",
    mounts: [
      { destination: "/proc", type: "proc", source: "proc", options: ["nosuid", "noexec", "nodev"] },
      {
        destination: "/dev",
        type: "tmpfs",
        source: "tmpfs",
        options: ["nosuid", "strictatime", "mode=755", "size=65536k"]
      },
      {
        destination: "/dev/shm",
        type: "tmpfs",
        source: "shm",
        options: ["nosuid", "noexec", "nodev", "mode=1777", `size=${limits.tmpBytes ?? DEFAULT_TMP_BYTES}`]
      },
      { destination: "/sys", type: "sysfs", source: "sysfs", options: ["nosuid", "noexec", "nodev", "ro"] },
      {
        destination: "/tmp",
        type: "tmpfs",
        source: "tmpfs",
        options: ["nosuid", "nodev", "mode=1777", `size=${limits.tmpBytes ?? DEFAULT_TMP_BYTES}`]
      },
      { destination: SANDBOX_OUTPUT_DIR, type: "bind", source: outputDir, options: ["rbind", "rw", "nosuid", "nodev"] },
      ...(spec.binds ?? []).map((b) => ({
        destination: b.target,
        type: "bind",
        source: b.source,
        options: ["rbind", "ro"]
      }))
    ],
    linux: {
      namespaces: namespaces.map((type) => ({ type })),
      ...(cgroup === undefined ? {} : { cgroupsPath: `${cgroup.path}/ctr` }),
      ...(cgroup === undefined
        ? {}
        : {
            resources: {
              devices: [{ allow: false, access: "rwm" }],
              ...(limits.memoryBytes === undefined
                ? {}
                : { memory: { limit: limits.memoryBytes + CHILD_MEMORY_HEADROOM } }),
              cpu: {
                ...(limits.vcpus === undefined || limits.vcpus <= 0
                  ? {}
                  : { quota: Math.round(limits.vcpus * 100_000), period: 100_000 }),
                ...(limits.cpuset === undefined ? {} : { cpus: limits.cpuset })
              },
              ...(limits.pids === undefined ? {} : { pids: { limit: limits.pids } })
            }
          }),
      seccomp: ociSeccomp(),
      maskedPaths: [
        "/proc/acpi",
        "/proc/kcore",
        "/proc/keys",
        "/proc/latency_stats",
        "/proc/timer_list",
        "/proc/timer_stats",
        "/proc/sched_debug",
        "/proc/scsi",
        "/sys/firmware"
      ],
      readonlyPaths: ["/proc/asound", "/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger"]
    }
  }
}

const STATE_ROOT = "/run/bencher-runner"

/**
 * The OCI runtime's `--root`: one per runner instance (`owner`), so what `<runtime> --root <dir> list` shows is
 * that instance's containers; the shared default without an owner.
 */
export const ociStateDir = (runtime: "crun" | "runc", owner?: string | undefined): string =>
  owner === undefined ? join(STATE_ROOT, runtime) : join(STATE_ROOT, owner, runtime)

/**
 * crun's "cgroups in hybrid mode not supported" on hosts whose cgroup2 mount holds the hugetlb controller:
 * moving hugetlb to a v1 hierarchy (idempotent, root only) lets crun run (docs/reference.md §13).
 */
const fixHybridHugetlb = async () => {
  const dir = "/sys/fs/cgroup/hugetlb"
  if (existsSync(join(dir, "hugetlb.2MB.limit_in_bytes")) || existsSync(join(dir, "tasks"))) return
  await mkdir(dir, { recursive: true })
  await runHelper(["mount", "-t", "cgroup", "-o", "hugetlb", "cgroup", dir])
}

/** One OCI runtime by name, unprobed; `ociExecutor` is what picks between them. */
export const ociRuntimeExecutor = (runtime: "crun" | "runc", binary: string): Executor => {
  const self: Executor = {
    kind: "oci",
    describe: `oci (${runtime})`,
    probe: Effect.suspend(() => probeWith(self)),
    run: (spec, signal) => {
      const containerId = `bencher-${spec.id}`
      const stateDir = ociStateDir(runtime, spec.owner)
      return runInSandbox(
        "oci",
        spec,
        signal,
        { rootfs: spec.rootfs, outputDir: join(spec.scratchDir, "output"), cwd: spec.cwd },
        async (cgroup) => {
          const outputDir = await prepareOutputDir(spec)
          const bundle = join(spec.scratchDir, "bundle")
          await mkdir(bundle, { recursive: true })
          await mkdir(stateDir, { recursive: true })
          await writeFile(join(bundle, "config.json"), JSON.stringify(ociRuntimeConfig(spec, outputDir, cgroup)))
          return {
            argv: [binary, "--root", stateDir, "run", "--bundle", bundle, containerId],
            env: { PATH: process.env.PATH ?? "/usr/sbin:/usr/bin:/sbin:/bin" },
            enterCgroup: false,
            killTree: async () => {
              await runHelper([binary, "--root", stateDir, "kill", containerId, "KILL"], 5000)
            },
            // `run` removes its own state on a normal exit; only a killed container leaves some behind.
            cleanup: async () => {
              if (existsSync(join(stateDir, containerId))) {
                await runHelper([binary, "--root", stateDir, "delete", "--force", containerId], 5000)
              }
            }
          }
        }
      )
    }
  }
  return self
}

/**
 * The OCI-runtime executor: crun when it works here (fixing the hybrid-cgroup hugetlb case as root), else runc.
 * Resolves to the runtime that passed its probe; the returned executor's probe re-checks nothing.
 */
export const ociExecutor = (): Effect.Effect<Executor, ExecutorUnavailable> =>
  Effect.gen(function* () {
    if (process.getuid?.() !== 0) {
      return yield* new ExecutorUnavailable({
        executor: "oci",
        message: "needs root (cgroup limits and rootful containers)"
      })
    }
    const reasons: Array<string> = []
    for (const runtime of ["crun", "runc"] as const) {
      const binary = which(runtime)
      if (binary === undefined) {
        reasons.push(`${runtime}: not installed`)
        continue
      }
      const executor = ociRuntimeExecutor(runtime, binary)
      let outcome = yield* Effect.either(executor.probe)
      if (outcome._tag === "Left" && runtime === "crun" && outcome.left.message.includes("hybrid mode")) {
        yield* Effect.promise(() => fixHybridHugetlb().catch(() => undefined))
        outcome = yield* Effect.either(executor.probe)
      }
      if (outcome._tag === "Right") return { ...executor, probe: Effect.void }
      reasons.push(`${runtime}: ${outcome.left.message}`)
    }
    return yield* new ExecutorUnavailable({ executor: "oci", message: reasons.join("; ") })
  })

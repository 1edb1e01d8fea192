import { Effect } from "effect"
import { openSync, closeSync } from "node:fs"
import { writeFile } from "node:fs/promises"
import { join } from "node:path"
import { ExecutorUnavailable } from "../errors.js"
import { DEFAULT_TMP_BYTES, type Executor, SANDBOX_OUTPUT_DIR, SANDBOX_UID } from "./executor.js"
import { probeWith } from "./probe.js"
import { which } from "./process.js"
import { prepareOutputDir, runInSandbox } from "./sandbox.js"
import { bwrapSeccompProgram } from "./seccomp.js"

/**
 * bubblewrap: the OCI executor's isolation without an OCI runtime. As root it adds a user namespace mapped to
 * 65534 and drops every capability; limits come from the per-run cgroup the wrapper shell joins before exec.
 */
export const bwrapExecutor = (): Effect.Effect<Executor, ExecutorUnavailable> =>
  Effect.gen(function* () {
    const binary = which("bwrap")
    if (binary === undefined)
      return yield* new ExecutorUnavailable({
        executor: "bwrap",
        message: "bwrap is not installed (apt-get install bubblewrap)"
      })
    const seccomp = bwrapSeccompProgram()
    const self: Executor = {
      kind: "bwrap",
      describe: `bwrap (${binary}${seccomp === undefined ? ", no seccomp on this architecture" : ""})`,
      probe: Effect.suspend(() => probeWith(self)),
      run: (spec, signal) => {
        let seccompFd: number | undefined
        return runInSandbox(
          "bwrap",
          spec,
          signal,
          { rootfs: spec.rootfs, outputDir: join(spec.scratchDir, "output"), cwd: spec.cwd },
          async () => {
            const outputDir = await prepareOutputDir(spec, "caller")
            if (seccomp !== undefined) {
              const file = join(spec.scratchDir, "seccomp.bpf")
              await writeFile(file, seccomp)
              seccompFd = openSync(file, "r")
            }
            const args = [
              binary,
              "--unshare-all",
              ...(spec.network ? ["--share-net"] : []),
              "--unshare-user",
              "--uid",
              String(SANDBOX_UID),
              "--gid",
              String(SANDBOX_UID),
              "--cap-drop",
              "ALL",
              "--disable-userns",
              "--die-with-parent",
              "--new-session",
              "--hostname",
              "bencher",
              "--ro-bind",
              spec.rootfs,
              "/",
              "--proc",
              "/proc",
              // bwrap's /dev is a tmpfs the sandbox user may fill: read-only but for a /dev/shm of the spec's disk.
              "--dev",
              "/dev",
              "--size",
              String(spec.limits.tmpBytes ?? DEFAULT_TMP_BYTES),
              "--tmpfs",
              "/dev/shm",
              "--remount-ro",
              "/dev",
              "--size",
              String(spec.limits.tmpBytes ?? DEFAULT_TMP_BYTES),
              "--tmpfs",
              "/tmp",
              "--bind",
              outputDir,
              SANDBOX_OUTPUT_DIR,
              ...(spec.binds ?? []).flatMap((b) => ["--ro-bind", b.source, b.target]),
              "--chdir",
              spec.cwd,
              "--clearenv",
              ...Object.entries(spec.env).flatMap(([k, v]) => ["--setenv", k, v]),
              ...(seccompFd === undefined ? [] : ["--seccomp", "3"]),
              "--",
              ...spec.argv
            ]
            return {
              argv: args,
              env: { PATH: "/usr/sbin:/usr/bin:/sbin:/bin" },
              extraFds: seccompFd === undefined ? undefined : [seccompFd],
              enterCgroup: true,
              cleanup: async () => {
                if (seccompFd !== undefined) closeSync(seccompFd)
                seccompFd = undefined
              }
            }
          }
        )
      }
    }
    yield* self.probe
    return { ...self, probe: Effect.void }
  })

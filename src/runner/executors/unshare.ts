import { Effect } from "effect"
import { mkdir } from "node:fs/promises"
import { join } from "node:path"
import { ExecutorUnavailable } from "../errors.js"
import { DEFAULT_TMP_BYTES, type Executor, SANDBOX_OUTPUT_DIR, SANDBOX_UID } from "./executor.js"
import { probeWith } from "./probe.js"
import { which } from "./process.js"
import { prepareOutputDir, runInSandbox } from "./sandbox.js"

const q = (s: string) => `'${s.replaceAll("'", "'\\''")}'`

/**
 * util-linux only: new pid/mount/ipc/uts/net namespaces, a read-only bind of the root, tmpfs /tmp, then chroot
 * and setuid 65534 (which clears every capability) under no-new-privileges. Root only; no seccomp filter.
 */
export const unshareExecutor = (): Effect.Effect<Executor, ExecutorUnavailable> =>
  Effect.gen(function* () {
    const unshare = which("unshare")
    const setpriv = which("setpriv")
    if (unshare === undefined || setpriv === undefined) {
      return yield* new ExecutorUnavailable({
        executor: "unshare",
        message: "unshare and setpriv (util-linux) are required"
      })
    }
    if (process.getuid?.() !== 0) {
      return yield* new ExecutorUnavailable({ executor: "unshare", message: "needs root (mounts and chroot)" })
    }
    const self: Executor = {
      kind: "unshare",
      describe: `unshare (${unshare}, no seccomp)`,
      probe: Effect.suspend(() => probeWith(self)),
      run: (spec, signal) =>
        runInSandbox(
          "unshare",
          spec,
          signal,
          { rootfs: spec.rootfs, outputDir: join(spec.scratchDir, "output"), cwd: spec.cwd },
          async () => {
            const outputDir = await prepareOutputDir(spec)
            const mnt = join(spec.scratchDir, "mnt")
            await mkdir(mnt, { recursive: true })
            const script = [
              "set -e",
              "job_path=$PATH",
              "PATH=/usr/sbin:/usr/bin:/sbin:/bin",
              `mount --bind ${q(spec.rootfs)} ${q(mnt)}`,
              `mount -o remount,bind,ro,nosuid,nodev ${q(mnt)}`,
              `mount -t proc -o nosuid,noexec,nodev proc ${q(`${mnt}/proc`)}`,
              `mount -t tmpfs -o nosuid,mode=755,size=1m tmpfs ${q(`${mnt}/dev`)}`,
              `for d in null zero full random urandom tty; do touch ${q(`${mnt}/dev`)}/$d; mount --bind /dev/$d ${q(`${mnt}/dev`)}/$d; done`,
              `mount -t tmpfs -o nosuid,nodev,mode=1777,size=${spec.limits.tmpBytes ?? DEFAULT_TMP_BYTES} tmpfs ${q(`${mnt}/tmp`)}`,
              `mount --bind ${q(outputDir)} ${q(`${mnt}${SANDBOX_OUTPUT_DIR}`)}`,
              ...(spec.binds ?? []).flatMap((b) => [
                `mount --bind ${q(b.source)} ${q(`${mnt}${b.target}`)}`,
                `mount -o remount,bind,ro ${q(`${mnt}${b.target}`)}`
              ]),
              "PATH=$job_path; export PATH",
              // Not exec: util-linux's --fork parent fails to re-raise SIGKILL (exit 1), this shell reports 137.
              `${setpriv} --no-new-privs -- ${unshare} --root=${q(mnt)} --wd=${q(spec.cwd)} --setuid ${SANDBOX_UID} --setgid ${SANDBOX_UID} -- "$@"`,
              "exit $?"
            ].join("\n")
            return {
              argv: [
                unshare,
                "--pid",
                "--fork",
                "--kill-child",
                "--mount",
                "--propagation",
                "private",
                "--ipc",
                "--uts",
                ...(spec.network ? [] : ["--net"]),
                "--",
                "/bin/sh",
                "-c",
                script,
                "sh",
                ...spec.argv
              ],
              // The job's env reaches the job through sh, setpriv and unshare unchanged; host tools are called by path.
              env: { ...spec.env, PATH: spec.env.PATH ?? "/usr/local/bin:/usr/bin:/bin" },
              enterCgroup: true
            }
          }
        )
    }
    yield* self.probe
    return { ...self, probe: Effect.void }
  })

import { Effect } from "effect"
import { constants } from "node:fs"
import { access } from "node:fs/promises"
import { ExecutorUnavailable, SandboxFailed } from "../errors.js"
import type { Executor } from "./executor.js"
import { runHelper, which } from "./process.js"

export interface FirecrackerOptions {
  /** Guest kernel (`--kernel`): an uncompressed vmlinux. */
  readonly kernel?: string | undefined
  /** How long the test VM may take to boot before the probe gives up. */
  readonly bootTimeoutMs?: number | undefined
}

const unavailable = (message: string) => new ExecutorUnavailable({ executor: "firecracker", message })

/**
 * MicroVM executor. Needs a firecracker binary, a guest kernel and a /dev/kvm that really runs guests: the probe
 * boots a test VM with a timeout, because /dev/kvm can open and still never finish a boot (nested PVM hosts).
 * Running jobs in the VM (ext4 rootfs, output drive) is not implemented yet, so even a healthy probe reports
 * the executor unavailable rather than pretend.
 */
export const firecrackerExecutor = (options: FirecrackerOptions): Effect.Effect<Executor, ExecutorUnavailable> =>
  Effect.gen(function*() {
    const binary = which("firecracker")
    if (binary === undefined) return yield* unavailable("no firecracker binary on PATH")
    const kernel = options.kernel
    if (kernel === undefined) return yield* unavailable("no guest kernel (--kernel)")
    const usable = yield* Effect.promise(() => access("/dev/kvm", constants.R_OK | constants.W_OK).then(() => true, () => false))
    if (!usable) return yield* unavailable("/dev/kvm is missing or not accessible")
    const boot = yield* Effect.promise(() =>
      runHelper([binary, "--version"], options.bootTimeoutMs ?? 10_000)
    )
    if (!boot.ok) return yield* unavailable(`firecracker does not start: ${boot.output.slice(0, 200)}`)
    return yield* unavailable("booting a test VM is not implemented in this runner yet; use --executor oci")
  }).pipe(Effect.map((): Executor => ({
    kind: "firecracker",
    describe: "firecracker",
    probe: Effect.void,
    run: () => Effect.fail(new SandboxFailed({ executor: "firecracker", message: "not implemented" }))
  })))

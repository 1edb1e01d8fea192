import { Effect } from "effect"
import { constants, existsSync } from "node:fs"
import { access, mkdtemp, readFile, rm, writeFile } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { ExecutorUnavailable } from "../errors.js"
import type { Executor } from "./executor.js"
import { supervise, which } from "./process.js"

export interface FirecrackerOptions {
  /** Guest kernel (`--kernel`): an uncompressed vmlinux. */
  readonly kernel?: string | undefined
  /** How long the test VM may take to print its marker. */
  readonly bootTimeoutMs?: number | undefined
}

const MARKER = "BENCHER-PROBE-OK"
const unavailable = (message: string) => new ExecutorUnavailable({ executor: "firecracker", message })

/** A newc cpio archive (the initramfs format) of the given entries. */
export const cpioNewc = (
  entries: ReadonlyArray<{
    readonly name: string
    readonly mode: number
    readonly data?: Buffer
    readonly rdev?: readonly [number, number]
  }>
): Buffer => {
  const parts: Array<Buffer> = []
  const pad = (n: number) => Buffer.alloc((4 - (n % 4)) % 4)
  const hex = (n: number) => n.toString(16).padStart(8, "0")
  const all = [...entries, { name: "TRAILER!!!", mode: 0, data: Buffer.alloc(0) }]
  all.forEach((e, i) => {
    const data = e.data ?? Buffer.alloc(0)
    const name = Buffer.from(`${e.name}\0`)
    const rdev = "rdev" in e && e.rdev !== undefined ? e.rdev : [0, 0]
    const header = Buffer.from(
      `070701${hex(i + 1)}${hex(e.mode)}${hex(0)}${hex(0)}${hex(1)}${hex(0)}${hex(data.length)}${hex(0)}${hex(0)}` +
        `${hex(rdev[0])}${hex(rdev[1])}${hex(name.length)}${hex(0)}`
    )
    parts.push(header, name, pad(header.length + name.length), data, pad(data.length))
  })
  return Buffer.concat(parts)
}

/**
 * Boots a throwaway VM (the given kernel, an initramfs of static busybox whose /init prints a marker) and waits
 * for the marker on the serial console. /dev/kvm can open and still never finish a boot (nested PVM hosts), so
 * nothing short of a boot says the executor works.
 */
const bootTestVm = (binary: string, kernel: string, timeoutMs: number) =>
  Effect.acquireUseRelease(
    Effect.promise(() => mkdtemp(join(tmpdir(), "bencher-fc-probe-"))),
    (dir) =>
      Effect.tryPromise({
        try: async () => {
          const busybox = await readFile("/bin/busybox")
          const init = Buffer.from(`#!/bin/busybox sh\n/bin/busybox echo ${MARKER}\n/bin/busybox reboot -f\n`)
          await writeFile(
            join(dir, "initrd.cpio"),
            cpioNewc([
              { name: "bin", mode: 0o40755 },
              { name: "bin/busybox", mode: 0o100755, data: busybox },
              { name: "dev", mode: 0o40755 },
              { name: "dev/console", mode: 0o20600, rdev: [5, 1] },
              { name: "init", mode: 0o100755, data: init }
            ])
          )
          await writeFile(
            join(dir, "vm.json"),
            JSON.stringify({
              "boot-source": {
                kernel_image_path: kernel,
                initrd_path: join(dir, "initrd.cpio"),
                boot_args: "console=ttyS0 reboot=k panic=1 pci=off rdinit=/init"
              },
              drives: [],
              "machine-config": { vcpu_count: 1, mem_size_mib: 128 }
            })
          )
          const run = await supervise({
            argv: [binary, "--no-api", "--config-file", join(dir, "vm.json")],
            env: { PATH: "/usr/sbin:/usr/bin:/sbin:/bin" },
            timeoutMs,
            maxOutputBytes: 1024 * 1024
          })
          const console = run.stdout.buffer.toString("utf8")
          if (!console.includes(MARKER)) {
            throw new Error(
              run.timedOut
                ? `the test VM did not boot within ${timeoutMs} ms (is /dev/kvm really usable?)`
                : `the test VM exited without booting: ${(console + run.stderr.buffer.toString("utf8")).slice(-300)}`
            )
          }
        },
        catch: (e) => unavailable(String(e instanceof Error ? e.message : e))
      }),
    (dir) => Effect.promise(() => rm(dir, { recursive: true, force: true }))
  )

/**
 * MicroVM executor: needs a firecracker binary, a guest kernel, a /dev/kvm that boots guests (the probe boots
 * one) and busybox-static for the probe's initramfs. Running jobs in the VM (ext4 root, output drive) is not
 * implemented yet, so after a healthy probe it still reports itself unavailable instead of pretending.
 */
export const firecrackerExecutor = (options: FirecrackerOptions): Effect.Effect<Executor, ExecutorUnavailable> =>
  Effect.gen(function* () {
    const binary = which("firecracker")
    if (binary === undefined) return yield* unavailable("no firecracker binary on PATH")
    const kernel = options.kernel
    if (kernel === undefined) return yield* unavailable("no guest kernel (--kernel)")
    if (!existsSync(kernel)) return yield* unavailable(`guest kernel ${kernel} does not exist`)
    const kvm = yield* Effect.promise(() =>
      access("/dev/kvm", constants.R_OK | constants.W_OK).then(
        () => true,
        () => false
      )
    )
    if (!kvm) return yield* unavailable("/dev/kvm is missing or not accessible")
    if (!existsSync("/bin/busybox")) return yield* unavailable("the probe VM needs /bin/busybox (busybox-static)")
    yield* bootTestVm(binary, kernel, options.bootTimeoutMs ?? 10_000)
    return yield* unavailable("the test VM booted, but running jobs in VMs is not implemented yet; use --executor oci")
  })

import { Effect, Either } from "effect"
import { execFileSync } from "node:child_process"
import { describe, expect, it } from "vitest"
import { cpioNewc, firecrackerExecutor } from "../../src/runner/executors/firecracker.js"

describe("firecracker executor", () => {
  it("builds its probe initramfs as a newc cpio that cpio can list and extract", () => {
    const archive = cpioNewc([
      { name: "bin", mode: 0o40755 },
      { name: "bin/hello", mode: 0o100755, data: Buffer.from("hi\n") },
      { name: "dev/console", mode: 0o20600, rdev: [5, 1] }
    ])
    const listing = execFileSync("/bin/busybox", ["cpio", "-t"], { input: archive }).toString()
    expect(listing.trim().split("\n")).toEqual(["bin", "bin/hello", "dev/console"])
    const content = execFileSync("/bin/busybox", ["cpio", "-i", "--to-stdout", "bin/hello"], {
      input: archive
    }).toString()
    expect(content).toBe("hi\n")
  })

  it("probes by booting a test VM, and says why it cannot run here", async () => {
    const outcome = await Effect.runPromise(
      Effect.either(firecrackerExecutor({ kernel: process.env.BENCHER_TEST_VMLINUX, bootTimeoutMs: 10_000 }))
    )
    // No host this project runs on has a usable firecracker yet (no binary in Debian, /dev/kvm is nested PVM).
    expect(Either.isLeft(outcome)).toBe(true)
    if (Either.isLeft(outcome)) {
      console.warn(`firecracker executor unavailable (tests skipped): ${outcome.left.message}`)
      expect(outcome.left._tag).toBe("ExecutorUnavailable")
      expect(outcome.left.message).not.toBe("")
    }
  }, 30_000)
})

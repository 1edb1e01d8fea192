// The executors run for real (CI is root with crun, runc and bubblewrap); an executor whose probe fails here is
// skipped with the probe's reason.
import { Effect, Either } from "effect"
import { existsSync, readFileSync } from "node:fs"
import { mkdtemp, rm } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { BENCHER_OUTPUT_KEY, execute, type JobSettings, type ResourceSpec } from "../../src/runner/execute.js"
import type { Executor, ExecutorKind } from "../../src/runner/executors/executor.js"
import { ociRuntimeExecutor } from "../../src/runner/executors/oci.js"
import { which } from "../../src/runner/executors/process.js"
import { makeExecutor, selectExecutor } from "../../src/runner/executors/select.js"
import { parseImageReference } from "../../src/oci/index.js"
import { type PulledImage, pullImage, sourceFor } from "../../src/runner/image/store.js"
import { buildImage, busyboxLayer, tarOf, writeLayout } from "./fixtures.js"

const probe = async (kind: ExecutorKind) => {
  const outcome = await Effect.runPromise(Effect.either(makeExecutor(kind)))
  if (Either.isLeft(outcome)) console.warn(`skipping ${kind} executor tests: ${outcome.left.message}`)
  return Either.isRight(outcome) ? outcome.right : undefined
}
const executors: Partial<Record<ExecutorKind, Executor>> = {}
for (const kind of ["oci", "bwrap", "unshare"] as const) {
  const executor = await probe(kind)
  if (executor !== undefined) executors[kind] = executor
}

let work: string
let image: PulledImage

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), "bencher-exec-test-"))
  const built = buildImage({
    layers: [
      busyboxLayer(),
      tarOf([
        { path: "app/", type: "Directory" },
        {
          path: "app/bench.sh",
          content: '#!/bin/sh\necho "bench $@ in $(pwd) as $(id -u) A=$A B=$B"\necho warn >&2\n',
          mode: 0o755
        }
      ])
    ],
    entrypoint: ["/app/bench.sh"],
    cmd: ["default-arg"],
    env: ["PATH=/bin", "A=image", "B=image"],
    workingDir: "/app"
  })
  await writeLayout(join(work, "layout"), built, "v1")
  image = await Effect.runPromise(
    Effect.flatMap(parseImageReference(`oci:${join(work, "layout")}:v1`), (ref) =>
      pullImage(sourceFor(ref), ref.reference, { cacheDir: join(work, "cache") })
    )
  )
})
afterAll(async () => {
  await rm(work, { recursive: true, force: true })
})

const run = (
  executor: Executor,
  job: Partial<JobSettings>,
  spec: ResourceSpec = {},
  signal?: AbortSignal,
  maxOutputBytes?: number,
  maxFileCount?: number
) =>
  Effect.runPromise(
    execute({
      executor,
      image,
      imageName: "test/busybox:v1",
      job: { timeout: 10, ...job },
      spec: { memory: 256 * 1024 * 1024, cpu: 1, ...spec },
      runner: { scratchRoot: join(work, "scratch"), maxOutputBytes, maxFileCount },
      signal
    })
  )

const sh = (script: string): Partial<JobSettings> => ({ entrypoint: ["/bin/sh", "-c"], cmd: [script] })

const jobCgroupsLeft = () => {
  for (const c of ["memory", "pids", "cpu"]) {
    const dir = `/sys/fs/cgroup/${c}/bencher`
    if (existsSync(dir)) {
      const { readdirSync, statSync } = require("node:fs") as typeof import("node:fs")
      const left = readdirSync(dir).filter((n) => statSync(join(dir, n)).isDirectory())
      if (left.length > 0) return left
    }
  }
  return []
}

const isolationSuite = (kind: ExecutorKind) =>
  describe.skipIf(executors[kind] === undefined)(`${kind} executor`, () => {
    const ex = () => executors[kind] as Executor

    it("runs the image's entrypoint and cmd in its working dir with merged env", async () => {
      const result = await run(ex(), { env: { B: "job" } })
      expect(result.error).toBeUndefined()
      expect(result.results).toHaveLength(1)
      expect(result.results[0]?.exit_code).toBe(0)
      expect(result.results[0]?.stdout).toBe("bench default-arg in /app as 65534 A=image B=job\n")
      expect(result.results[0]?.stderr).toBe("warn\n")
    })

    it("isolates: uid 65534, no capabilities, no-new-privileges, read-only root, no network, private pids", async () => {
      const result = await run(
        ex(),
        sh(
          [
            "grep -E '^(CapEff|CapBnd|NoNewPrivs|Seccomp):' /proc/self/status",
            "touch /app/x 2>/dev/null && echo root-writable || echo root-readonly",
            "echo t > /tmp/t && echo tmp-writable",
            "ls /sys/class/net | tr '\\n' ' '; echo",
            "echo pid1=$(cat /proc/1/comm 2>/dev/null)",
            "ls /proc | grep -c '^[0-9]'"
          ].join("; ")
        )
      )
      const out = result.results[0]?.stdout ?? ""
      expect(out).toMatch(/CapEff:\s+0000000000000000/)
      expect(out).toMatch(/NoNewPrivs:\s+1/)
      // unshare has no seccomp filter (util-linux cannot load one); the others apply the deny list.
      if (kind !== "unshare") expect(out).toMatch(/Seccomp:\s+2/)
      expect(out).toContain("root-readonly")
      expect(out).toContain("tmp-writable")
      expect(out).not.toMatch(/eth|ens|enp/)
      // Only the job's own few processes are visible.
      expect(Number(out.trim().split("\n").at(-1))).toBeLessThan(10)
    })

    it("kills the whole tree at the job timeout, including children that ignore SIGTERM", async () => {
      const started = Date.now()
      const result = await run(ex(), {
        ...sh("trap '' TERM; (trap '' TERM; sleep 1000) & while :; do :; done"),
        timeout: 1
      }).then((r) => r)
      expect(Date.now() - started).toBeLessThan(8000)
      expect(result.runs[0]?.timedOut).toBe(true)
      expect(result.error).toContain("timed out")
      expect(jobCgroupsLeft()).toEqual([])
    }, 20_000)

    it.skipIf(process.getuid?.() !== 0)(
      "reports a process that fills memory as OOM-killed",
      async () => {
        const result = await run(ex(), sh("awk 'BEGIN { s = \"xxxxxxxxxxxxxxxx\"; while (1) s = s s }'"), {
          memory: 32 * 1024 * 1024
        })
        expect(result.runs[0]?.oomKilled).toBe(true)
        expect(result.results[0]?.exit_code).toBe(137)
        expect(result.error).toContain("out of memory")
      },
      20_000
    )

    it.skipIf(process.getuid?.() !== 0)(
      "limits /output to the spec's disk and says when the job filled it",
      async () => {
        const result = await run(
          ex(),
          { ...sh("dd if=/dev/zero of=/output/big bs=1M count=16 2>/dev/null"), file_paths: ["/output/big"] },
          {
            disk: 4 * 1024 * 1024
          }
        )
        expect(result.runs[0]?.outputFull).toBe(true)
        expect(result.runs[0]?.files[0]?.size).toBe(4 * 1024 * 1024)
        expect(result.error).toContain("/output is full: the job hit its disk limit of 4 MiB")
        // Every other path the job may write to is bounded by the same disk limit.
        const others = await run(
          ex(),
          sh(
            [
              'for d in /tmp /dev/shm /dev; do dd if=/dev/zero of=$d/big bs=1M count=16 2>/dev/null; echo "$d $(cat $d/big 2>/dev/null | wc -c)"; done'
            ].join("; ")
          ),
          { disk: 4 * 1024 * 1024 }
        )
        for (const line of (others.results[0]?.stdout ?? "").trim().split("\n")) {
          expect(Number(line.split(" ")[1]), line).toBeLessThanOrEqual(4 * 1024 * 1024)
        }
      }
    )

    it("runs the next job normally after the faults", async () => {
      const result = await run(ex(), sh("echo still fine"))
      expect(result.results[0]?.stdout).toBe("still fine\n")
      expect(result.runs[0]?.cpuTimeNs === undefined || (result.runs[0]?.cpuTimeNs ?? 0) > 0).toBe(true)
    })
  })

// The job timeout is in whole seconds; these use 1-2 s.
const withTimeout = (job: Partial<JobSettings>, timeout: number): Partial<JobSettings> => ({ ...job, timeout })

describe.skipIf(executors.oci === undefined)("execute with the oci executor", () => {
  const oci = () => executors.oci as Executor

  it("runs iter iterations and stops at the first failure unless allow_failure", async () => {
    const ok = await run(oci(), { ...sh("echo run"), iter: 3 })
    expect(ok.results.map((r) => r.stdout)).toEqual(["run\n", "run\n", "run\n"])
    const failing = await run(oci(), { ...sh("echo run; exit 3"), iter: 3 })
    expect(failing.results).toHaveLength(1)
    expect(failing.results[0]?.exit_code).toBe(3)
    expect(failing.error).toBe("iteration 1 of 3: exited with code 3")
    const allowed = await run(oci(), { ...sh("exit 3"), iter: 3, allow_failure: true })
    expect(allowed.results.map((r) => r.exit_code)).toEqual([3, 3, 3])
    expect(allowed.error).toBeUndefined()
  })

  it("pins to the runner's --cpus and denies the syscalls on the deny list", async () => {
    const result = await Effect.runPromise(
      execute({
        executor: oci(),
        image,
        imageName: "x",
        job: {
          timeout: 10,
          ...sh("grep Cpus_allowed_list /proc/self/status; unshare -U true 2>&1 || echo userns-denied")
        },
        spec: { cpu: 1, memory: 256 * 1024 * 1024 },
        runner: { scratchRoot: join(work, "scratch"), cpuset: "0" }
      })
    )
    expect(result.results[0]?.stdout).toMatch(/Cpus_allowed_list:\s+0\n/)
    // Unprivileged user namespaces work on this host; only the seccomp deny list stops them.
    expect(result.results[0]?.stdout).toMatch(/Operation not permitted\nuserns-denied/)
  })

  it("kills the sandbox when the effect is interrupted", async () => {
    const started = Date.now()
    const outcome = await Effect.runPromise(
      Effect.either(
        Effect.timeoutFail(
          execute({
            executor: oci(),
            image,
            imageName: "x",
            job: { timeout: 60, ...sh("sleep 60") },
            runner: { scratchRoot: join(work, "scratch") }
          }),
          { duration: "500 millis", onTimeout: () => "interrupted" as const }
        )
      )
    )
    expect(Either.isLeft(outcome)).toBe(true)
    expect(Date.now() - started).toBeLessThan(5000)
    expect(jobCgroupsLeft()).toEqual([])
  })

  it("stops early on cancel", async () => {
    const controller = new AbortController()
    setTimeout(() => controller.abort(), 500)
    const result = await run(oci(), { ...sh("sleep 30"), iter: 5 }, {}, controller.signal)
    expect(result.canceled).toBe(true)
    expect(result.results).toHaveLength(1)
    expect(result.runs[0]?.wallMs).toBeLessThan(5000)
  })

  it("reads file_paths from the output dir after exit, and never follows a symlink out of the root", async () => {
    const result = await run(oci(), {
      ...sh(
        "echo '{\"a\":1}' > /output/results.json; ln -s /etc/passwd /output/link; ln -s ../../../../../etc/passwd /output/rel; echo tmp > /tmp/gone"
      ),
      file_paths: ["/output/results.json", "/output/link", "/output/rel", "/tmp/gone", "/output/missing"]
    })
    const output = result.results[0]?.output ?? {}
    expect(output["/output/results.json"]).toBe('{"a":1}\n')
    // Both links resolve inside the image: its /etc/passwd has just the two users the fixture wrote.
    expect(output["/output/link"]).toBe("root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/sh\n")
    expect(output["/output/rel"]).toBe(output["/output/link"])
    expect(result.results[0]?.stderr).toContain("/tmp/gone: /tmp does not outlive the sandbox")
    expect(result.results[0]?.stderr).toContain("/output/missing: not found")
  })

  it("gives a FIFO or a directory in file_paths a per-file error, and the job finishes", async () => {
    const result = await run(oci(), {
      ...sh("mkfifo /output/fifo; mkdir /output/dir; echo ok > /output/ok"),
      file_paths: ["/output/fifo", "/output/dir", "/output/ok"]
    })
    expect(result.error).toBeUndefined()
    expect(result.results[0]?.output).toEqual({ "/output/ok": "ok\n" })
    expect(result.results[0]?.stderr).toContain("/output/fifo: not a regular file (a FIFO)")
    expect(result.results[0]?.stderr).toContain("/output/dir: not a regular file (a directory)")
  }, 20_000)

  it.skipIf(process.getuid?.() !== 0)(
    "stops a 1 GiB write to /output at a 64 MiB spec disk, and the result says so",
    async () => {
      const result = await run(
        oci(),
        withTimeout({ ...sh("dd if=/dev/zero of=/output/big bs=1M count=1024"), file_paths: ["/output/big"] }, 60),
        {
          disk: 64 * 1024 * 1024
        }
      )
      const r = result.runs[0]
      expect(r?.outputFull).toBe(true)
      expect(r?.outputLimitBytes).toBe(64 * 1024 * 1024)
      expect(r?.files[0]?.size).toBe(64 * 1024 * 1024)
      expect(result.results[0]?.stderr).toContain("No space left on device")
      expect(result.results[0]?.stderr).toContain(
        "[bencher runner] /output is full: the job hit its disk limit of 64 MiB"
      )
      expect(result.error).toBe(
        "iteration 1 of 1: exited with code 1; /output is full: the job hit its disk limit of 64 MiB (no space left on device)"
      )
      // The limit is a mount the runner removes after reading the files.
      expect(readFileSync("/proc/self/mountinfo", "utf8")).not.toContain(join(work, "scratch"))
    },
    60_000
  )

  it("limits each file and the number of files", async () => {
    const result = await run(
      oci(),
      {
        ...sh("head -c 5000 /dev/zero | tr '\\0' a > /output/big; echo small > /output/small"),
        file_paths: ["/output/big", "/output/small"]
      },
      {},
      undefined,
      1000,
      1
    )
    expect(result.runs[0]?.files.map((f) => [f.path, f.content.length, f.size, f.truncated])).toEqual([
      ["/output/big", 1000, 5000, true]
    ])
    expect(result.results[0]?.stderr).toContain("/output/big truncated")
    expect(result.results[0]?.stderr).toContain("over the limit of 1 files")
  })

  it("produces the \\0bencher build-time and file-size BMF", async () => {
    const result = await run(oci(), {
      ...sh("sleep 0.2; head -c 1234 /dev/zero > /output/app.bin"),
      file_paths: ["/output/app.bin"],
      build_time: true,
      file_size: true
    })
    const output = result.results[0]?.output ?? {}
    expect(Object.keys(output)).toEqual([BENCHER_OUTPUT_KEY])
    const bmf = JSON.parse(output[BENCHER_OUTPUT_KEY] ?? "{}") as Record<string, Record<string, { value: number }>>
    const buildTime = bmf["/bin/sh -c sleep 0.2; head -c 1234 /dev/zero > /output/app.bin"]?.["build-time"]?.value ?? 0
    expect(buildTime).toBeGreaterThanOrEqual(0.2)
    expect(Math.round(buildTime * 100) / 100).toBe(buildTime)
    expect(bmf["app.bin"]).toEqual({ "file-size": { value: 1234 } })
  })

  it("truncates and flags a process that writes 1 GiB to stdout", async () => {
    const result = await run(oci(), withTimeout(sh("dd if=/dev/zero bs=1M count=1024 2>/dev/null; echo done >&2"), 60))
    const r = result.runs[0]
    expect(r?.stdoutTruncated).toBe(true)
    expect(r?.stdoutBytes).toBe(1024 * 1024 * 1024)
    expect(r?.stdout.length).toBe(8 * 1024 * 1024)
    expect(result.results[0]?.stderr).toContain(
      "stdout truncated at 8 MiB: kept its first and last 4 MiB of 1073741824 bytes written"
    )
    expect(result.results[0]?.truncated).toBe(true)
    expect(result.results[0]?.dropped_bytes).toBe(1024 * 1024 * 1024 - 8 * 1024 * 1024)
    expect(result.results[0]?.exit_code).toBe(0)
  }, 60_000)

  it("ends a fork bomb at the pids limit and the timeout", async () => {
    const result = await run(oci(), withTimeout(sh("f() { f | f & }; f; sleep 1000"), 2))
    expect(result.runs[0]?.timedOut).toBe(true)
    expect(result.error).toContain("timed out")
    expect(jobCgroupsLeft()).toEqual([])
  }, 30_000)

  it("ends a process that never exits at the timeout", async () => {
    const result = await run(oci(), withTimeout(sh("sleep 1000"), 1))
    expect(result.runs[0]?.timedOut).toBe(true)
    expect(result.runs[0]?.wallMs).toBeLessThan(4000)
  })

  it("reports an image without a command", async () => {
    const error = await Effect.runPromise(
      Effect.flip(
        execute({
          executor: oci(),
          image: { ...image, runtime: { ...image.runtime, entrypoint: [], cmd: [] } },
          imageName: "x",
          job: { timeout: 5 },
          runner: { scratchRoot: join(work, "scratch") }
        })
      )
    )
    expect(error._tag).toBe("ImageInvalid")
  })
})

for (const kind of ["oci", "bwrap", "unshare"] as const) isolationSuite(kind)

// ociExecutor prefers crun; runc is its fallback and must work on its own.
const runcBinary = which("runc")
describe.skipIf(executors.oci === undefined || runcBinary === undefined)("oci executor on runc", () => {
  it("runs isolated with limits and reports OOM and timeouts", async () => {
    const runc = ociRuntimeExecutor("runc", runcBinary ?? "runc")
    await Effect.runPromise(runc.probe)
    const ok = await run(runc, sh("id -u; grep -E '^(CapEff|NoNewPrivs|Seccomp):' /proc/self/status"))
    expect(ok.results[0]?.stdout).toMatch(/^65534\nCapEff:\s+0+\nNoNewPrivs:\s+1\nSeccomp:\s+2\n$/)
    const oom = await run(runc, sh("awk 'BEGIN { s = \"xxxxxxxxxxxxxxxx\"; while (1) s = s s }'"), {
      memory: 32 * 1024 * 1024
    })
    expect(oom.runs[0]?.oomKilled).toBe(true)
    const slow = await run(runc, { ...sh("sleep 100"), timeout: 1 })
    expect(slow.runs[0]?.timedOut).toBe(true)
    expect(jobCgroupsLeft()).toEqual([])
  }, 30_000)
})

describe("selectExecutor", () => {
  it("refuses local without --danger-allow-no-sandbox and picks the strongest healthy one otherwise", async () => {
    const refused = await Effect.runPromise(Effect.flip(selectExecutor({ force: "local" })))
    expect(refused._tag).toBe("SandboxRequired")
    const chosen = await Effect.runPromise(Effect.either(selectExecutor({})))
    if (executors.oci !== undefined) expect(Either.getOrThrow(chosen).kind).toBe("oci")
    const forcedLocal = await Effect.runPromise(selectExecutor({ force: "local", allowNoSandbox: true }))
    expect(forcedLocal.kind).toBe("local")
  })
})

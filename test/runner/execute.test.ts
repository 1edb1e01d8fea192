import { describe, expect, it } from "vitest"
import { BENCHER_OUTPUT_KEY, exitCodeOf, iterationOutput, mergeCommand, mergeEnv } from "../../src/runner/execute.js"
import type { RunResult } from "../../src/runner/executors/executor.js"

const image = {
  entrypoint: ["/app/run"],
  cmd: ["--fast"],
  env: ["PATH=/bin", "A=image", "B=image"],
  workingDir: "/app"
}

const runResult = (over: Partial<RunResult> = {}): RunResult => ({
  exitCode: 0,
  signal: null,
  timedOut: false,
  oomKilled: false,
  canceled: false,
  stdout: Buffer.alloc(0),
  stderr: Buffer.alloc(0),
  stdoutBytes: 0,
  stderrBytes: 0,
  stdoutTruncated: false,
  stderrTruncated: false,
  files: [],
  missingFiles: [],
  cpuTimeNs: undefined,
  peakMemoryBytes: undefined,
  wallMs: 1234.5,
  ...over
})

describe("mergeCommand", () => {
  it("takes the image's entrypoint and cmd, a cmd override alone, or an entrypoint override dropping the image cmd", () => {
    expect(mergeCommand(image, {})).toEqual(["/app/run", "--fast"])
    expect(mergeCommand(image, { cmd: ["--slow"] })).toEqual(["/app/run", "--slow"])
    expect(mergeCommand(image, { entrypoint: ["/bin/sh"] })).toEqual(["/bin/sh"])
    expect(mergeCommand(image, { entrypoint: ["/bin/sh", "-c"], cmd: ["x"] })).toEqual(["/bin/sh", "-c", "x"])
  })
})

describe("mergeEnv", () => {
  it("lays the job's env over the image's and exports the output dir", () => {
    expect(mergeEnv(image, { env: { B: "job", C: "job" } })).toEqual({
      BENCHER_OUTPUT_DIR: "/output",
      PATH: "/bin",
      A: "image",
      B: "job",
      C: "job"
    })
  })
})

describe("iterationOutput", () => {
  it("omits empty streams and keys files by their path, as lossy UTF-8", () => {
    const out = iterationOutput(
      runResult({
        stdout: Buffer.from("hi\n"),
        files: [{ path: "/output/r.json", content: Buffer.from([0x7b, 0xff, 0x7d]), size: 3, truncated: false }]
      }),
      { timeout: 1 },
      "x",
      100
    )
    expect(out.exit_code).toBe(0)
    expect(out.stdout).toBe("hi\n")
    expect(out.stderr).toBeUndefined()
    expect(out.output).toEqual({ "/output/r.json": "{\ufffd}" })
  })

  it("replaces the files with one \\0bencher BMF entry for build_time and file_size", () => {
    const out = iterationOutput(
      runResult({
        files: [{ path: "/output/dist/app.wasm", content: Buffer.alloc(10), size: 4096, truncated: true }]
      }),
      { timeout: 1, build_time: true, file_size: true },
      "my-image:v1",
      10
    )
    expect(JSON.parse(out.output?.[BENCHER_OUTPUT_KEY] ?? "")).toEqual({
      "my-image:v1": { "build-time": { value: 1.23 } },
      "app.wasm": { "file-size": { value: 4096 } }
    })
    expect(out.stderr).toContain("/output/dist/app.wasm truncated")
  })

  it("reports killed processes as 128 + signal", () => {
    expect(exitCodeOf(runResult({ exitCode: null, signal: "SIGKILL" }))).toBe(137)
    expect(exitCodeOf(runResult({ exitCode: null, signal: "SIGSEGV" }))).toBe(139)
  })
})

import { execFile } from "node:child_process"
import { mkdtemp, rm } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { binPath, runBencher } from "../helpers/process.js"
import { buildImage, busyboxLayer, writeLayout } from "./fixtures.js"

let work: string
beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), "bencher-runner-run-"))
  const image = buildImage({
    layers: [busyboxLayer()],
    entrypoint: ["/bin/sh", "-c"],
    cmd: ['echo \'{"b":{"latency":{"value":1}}}\' > /output/r.json; echo "hello $WHO"'],
    env: ["PATH=/bin", "WHO=image"]
  })
  await writeLayout(join(work, "layout"), image, "v1")
})
afterAll(() => rm(work, { recursive: true, force: true }))

const isRoot = process.getuid?.() === 0

describe("bencher runner run (process)", () => {
  it.skipIf(!isRoot)(
    "executes an image from an OCI layout and prints the iteration results",
    async () => {
      const { code, stdout, stderr } = await runBencher([
        "runner",
        "run",
        "--image",
        `oci:${join(work, "layout")}:v1`,
        "--cache-dir",
        join(work, "cache"),
        "--output",
        "/output/r.json",
        "--env",
        "WHO=flag",
        "--iter",
        "2"
      ])
      expect(stderr).toMatch(/executor: (oci|bwrap|unshare)/)
      expect(code).toBe(0)
      const output = JSON.parse(stdout) as {
        results: Array<{ exit_code: number; stdout: string; output: Record<string, string> }>
      }
      expect(output.results).toHaveLength(2)
      expect(output.results[0]).toEqual({
        exit_code: 0,
        stdout: "hello flag\n",
        output: { "/output/r.json": '{"b":{"latency":{"value":1}}}\n' }
      })
    },
    30_000
  )

  it.skipIf(!isRoot)(
    "resolves a relative --cache-dir against the working directory (the root goes into the OCI bundle)",
    async () => {
      // `bencher up` with its default ./bencher.db hands the runner the relative cache dir bencher-data/runner.
      const { code, stdout, stderr } = await new Promise<{ code: number | null; stdout: string; stderr: string }>(
        (resolve) => {
          const child = execFile(
            process.execPath,
            [
              binPath,
              "runner",
              "run",
              "--image",
              `oci:${join(work, "layout")}:v1`,
              "--cache-dir",
              "relative-cache",
              "--cmd",
              "echo relative"
            ],
            { cwd: work },
            (error, stdout, stderr) => resolve({ code: error === null ? 0 : child.exitCode, stdout, stderr })
          )
        }
      )
      expect(code, stderr).toBe(0)
      expect(JSON.parse(stdout)).toEqual({ results: [{ exit_code: 0, stdout: "relative\n" }] })
    },
    30_000
  )

  it.skipIf(!isRoot)(
    "exits 2 with the error when the job fails",
    async () => {
      const { code, stdout, stderr } = await runBencher([
        "runner",
        "run",
        "--image",
        `oci:${join(work, "layout")}:v1`,
        "--cache-dir",
        join(work, "cache"),
        "--cmd",
        "exit 7"
      ])
      expect(code).toBe(2)
      expect(JSON.parse(stdout)).toEqual({ results: [{ exit_code: 7 }], error: "iteration 1 of 1: exited with code 7" })
      expect(stderr).toContain("exited with code 7")
    },
    30_000
  )

  it("refuses the local executor without --danger-allow-no-sandbox", async () => {
    const { code, stderr } = await runBencher([
      "runner",
      "run",
      "--image",
      `oci:${join(work, "layout")}:v1`,
      "--executor",
      "local",
      "--cache-dir",
      join(work, "cache")
    ])
    expect(code).toBe(1)
    expect(stderr).toContain("--danger-allow-no-sandbox")
  }, 30_000)
})

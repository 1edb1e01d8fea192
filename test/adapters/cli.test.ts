import { execFile } from "node:child_process"
import { mkdtempSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { NodeContext } from "@effect/platform-node"
import { afterEach, describe, expect, it, vi } from "@effect/vitest"
import { Effect, Exit } from "effect"
import { adapterNames } from "../../src/adapters/index.js"
import { cli } from "./cli-entry.js"
import { goldens } from "./golden.cases.js"
import { bencherRoot } from "./fixtures.js"

const repo = fileURLToPath(new URL("../../", import.meta.url))

/** Runs `bencher ...args` in process; returns the exit and what went to stdout and stderr. */
const run = async (...args: Array<string>) => {
  const out: Array<string> = []
  const err: Array<string> = []
  const log = vi.spyOn(console, "log").mockImplementation((...xs: Array<unknown>) => void out.push(xs.join(" ")))
  const error = vi.spyOn(console, "error").mockImplementation((...xs: Array<unknown>) => void err.push(xs.join(" ")))
  const exit = await Effect.runPromiseExit(cli(["node", "bencher", ...args]).pipe(Effect.provide(NodeContext.layer)))
  log.mockRestore()
  error.mockRestore()
  return { exit, stdout: out.join("\n"), stderr: err.join("\n") }
}

describe("bencher adapter", () => {
  afterEach(() => vi.restoreAllMocks())

  for (const g of goldens) {
    if (g.expected === "none") continue
    it(`parse --adapter magic ${g.file} prints the expected BMF`, async () => {
      const { exit, stdout } = await run("adapter", "parse", "--adapter", "magic", join(bencherRoot, g.file))
      expect(Exit.isSuccess(exit)).toBe(true)
      const printed: unknown = JSON.parse(stdout)
      if (g.approximate === true) expect(Object.keys(printed as object).sort()).toEqual(Object.keys(g.expected).sort())
      else expect(printed).toEqual(g.expected)
    })
  }

  it("parse prints one BMF per file as an array, or one folded BMF", async () => {
    const a = join(bencherRoot, "rust/bench/one.txt")
    const b = join(bencherRoot, "rust/bench/many.txt")
    const many = await run("adapter", "parse", a, b)
    expect((JSON.parse(many.stdout) as Array<unknown>).length).toBe(2)
    const folded = await run("adapter", "parse", "--fold", "max", a, b)
    expect(Object.keys(JSON.parse(folded.stdout) as object)).toHaveLength(6)
  })

  it("parse fails with the typed error on stderr", async () => {
    const { exit, stderr } = await run(
      "adapter",
      "parse",
      "--adapter",
      "rust_bench",
      join(bencherRoot, "rust/bench/zero.txt")
    )
    expect(Exit.isFailure(exit)).toBe(true)
    expect(stderr).toContain("No benchmark results found with adapter rust_bench")
    expect(stderr).toContain("iteration 0")
  })

  it("parse prints the BMF of what parses and names the skipped lines on stderr", async () => {
    const file = join(mkdtempSync(join(tmpdir(), "bencher-adapter-")), "mixed.txt")
    writeFileSync(file, "test a ... bench: 10 ns/iter (+/- 1)\ntest b ... bench: ? ns/iter\n")
    const { exit, stdout, stderr } = await run("adapter", "parse", file)
    expect(Exit.isSuccess(exit)).toBe(true)
    expect(Object.keys(JSON.parse(stdout) as object)).toEqual(["a"])
    expect(stderr).toBe(
      "warning: iteration 0: rust_bench skipped 1 line that looks like a result but does not parse:\n  line 2: test b ... bench: ? ns/iter"
    )
  })

  it("list prints every adapter name", async () => {
    const { stdout } = await run("adapter", "list")
    expect(stdout.split("\n")).toEqual([...adapterNames])
  })

  const spawn = (args: Array<string>) =>
    new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      const child = execFile(
        process.execPath,
        ["--import", "tsx", "test/adapters/cli-entry.ts", ...args],
        { cwd: repo },
        (e, stdout, stderr) =>
          resolve({ code: e === null ? 0 : typeof e.code === "number" ? e.code : 1, stdout, stderr })
      )
      child.stdin?.end("not a benchmark\n")
    })

  it("exits 0 with the BMF on stdout, and 1 with the error on stderr, as a process", async () => {
    const good = await spawn(["adapter", "parse", join(bencherRoot, "go/bench/five.txt")])
    expect(good.code).toBe(0)
    expect(Object.keys(JSON.parse(good.stdout) as object)).toHaveLength(5)
    const bad = await spawn(["adapter", "parse", "-"])
    expect(bad.code).toBe(1)
    expect(bad.stderr).toContain("no adapter recognised the input")
  }, 60_000)
})

import { execFileSync } from "node:child_process"
import { describe, expect, it } from "vitest"
import { runSeed } from "../../sim/simulation.js"

describe("simulator replay", () => {
  it("gives the same event log and hash for the same seed, and different ones for different seeds", () => {
    const a = runSeed({ seed: 42, jobs: 10 })
    const b = runSeed({ seed: 42, jobs: 10 })
    const c = runSeed({ seed: 43, jobs: 10 })
    expect(a.ok && b.ok && c.ok).toBe(true)
    expect(b.hash).toBe(a.hash)
    expect(b.trace).toEqual(a.trace)
    expect(c.hash).not.toBe(a.hash)
  }, 60_000)

  it("replays a prefix with --steps: the first k steps are the same events", () => {
    const full = runSeed({ seed: 7, jobs: 8 })
    const prefix = runSeed({ seed: 7, jobs: 8, steps: 100 })
    expect(prefix.steps).toBe(100)
    const body = (trace: ReadonlyArray<string>) => trace.filter((line) => !/server +down \(end of run\)/.test(line))
    expect(full.trace.slice(0, body(prefix.trace).length)).toEqual(body(prefix.trace))
  }, 60_000)

  it("prints, from the command line, the hash the seed gives in process and no wall-clock figure", () => {
    const out = execFileSync("npx", ["tsx", "sim/main.ts", "--seed", "9", "--jobs", "4"], { encoding: "utf8" })
    const expected = runSeed({ seed: 9, jobs: 4 })
    expect(out).toContain(`hash ${expected.hash}`)
    expect(out).toMatch(/seed 9: ok/)
    expect(out).not.toMatch(/seeds_per_s|\bms\b.*elapsed|wall/)
  }, 60_000)
})

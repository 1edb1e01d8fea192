import { describe, expect, it } from "vitest"
import { runSeed } from "../../sim/simulation.js"
import { DoubleClaimQueue } from "./planted.js"

describe("the simulator catches a planted bug", () => {
  it("finds a seed where a JobQueue that allows a second claim breaks single-claim, and replays it", () => {
    const plant = { queue: DoubleClaimQueue }
    let failing: ReturnType<typeof runSeed> | undefined
    for (let seed = 1; seed <= 40 && failing === undefined; seed++) {
      const result = runSeed({ seed, jobs: 12, plant })
      if (!result.ok) failing = result
    }
    expect(failing).toBeDefined()
    if (failing === undefined) return
    expect(failing.violation?.invariant).toBe("single_claim")
    const replay = runSeed({ seed: failing.seed, jobs: 12, plant })
    expect(replay.ok).toBe(false)
    expect(replay.violation).toEqual(failing.violation)
    expect(replay.hash).toBe(failing.hash)
    // The same seed with the real queue holds every invariant: the planted rule is what broke.
    expect(runSeed({ seed: failing.seed, jobs: 12 }).ok).toBe(true)
  }, 120_000)
})

import { describe, expect, it } from "vitest"
import { replayCommand } from "../../sim/shrink.js"
import { runSeed } from "../../sim/simulation.js"

// The CI sweep: 200 seeds in two files (in parallel when vitest has two workers), 12 jobs each with every fault in play
// (~85 s for both files one after the other on a loaded two-core machine, as long as 8 jobs took before the
// simulator got faster; each seed also pays ~0.25 s of fixed cost: server, runners, projects).
const FROM = 1
const COUNT = 100
const JOBS = 12

describe("simulator sweep", () => {
  it(`holds every invariant for seeds ${FROM}..${FROM + COUNT - 1}`, () => {
    const failures: Array<string> = []
    for (let seed = FROM; seed < FROM + COUNT; seed++) {
      const result = runSeed({ seed, jobs: JOBS })
      if (!result.ok) failures.push(`${result.violation?.invariant}: ${result.violation?.message}\n  replay: ${replayCommand({ seed, jobs: JOBS })}`)
    }
    expect(failures).toEqual([])
  }, 240_000)
})

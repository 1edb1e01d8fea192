import { describe, expect, it } from "vitest"
import { replayCommand } from "../../sim/shrink.js"
import { runSeed } from "../../sim/simulation.js"

// The CI sweep: 200 seeds in two files (vitest runs them on both cores), 8 jobs each with every fault in play.
const FROM = 1
const COUNT = 100

describe("simulator sweep", () => {
  it(`holds every invariant for seeds ${FROM}..${FROM + COUNT - 1}`, () => {
    const failures: Array<string> = []
    for (let seed = FROM; seed < FROM + COUNT; seed++) {
      const result = runSeed({ seed, jobs: 8 })
      if (!result.ok) failures.push(`${result.violation?.invariant}: ${result.violation?.message}\n  replay: ${replayCommand({ seed, jobs: 8 })}`)
    }
    expect(failures).toEqual([])
  }, 240_000)
})

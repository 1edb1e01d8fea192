import { describe, expect, it } from "vitest"
import { replayCommand } from "../../sim/shrink.js"
import { runSeed } from "../../sim/simulation.js"

// The CI sweep: 200 seeds in two files (in parallel when vitest has two workers), 30 jobs each with every fault in play
// (~30 s per file on the two-core dev machine: well inside a two-minute budget, with more interleavings per seed
// than the 12 jobs it ran before the simulator got faster).
const COUNT = 100
const JOBS = 30

/** One file's share of the sweep: seeds from..from+99, each failure named with the command that replays it. */
export const describeSweep = (from: number) =>
  describe("simulator sweep", () => {
    it(`holds every invariant for seeds ${from}..${from + COUNT - 1}`, () => {
      const failures: Array<string> = []
      for (let seed = from; seed < from + COUNT; seed++) {
        const result = runSeed({ seed, jobs: JOBS })
        if (!result.ok)
          failures.push(
            `${result.violation?.invariant}: ${result.violation?.message}\n  replay: ${replayCommand({ seed, jobs: JOBS })}`
          )
      }
      expect(failures).toEqual([])
    }, 240_000)
  })

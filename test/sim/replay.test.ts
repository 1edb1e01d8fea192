import { createHash } from "node:crypto"
import { describe, expect, it } from "vitest"
import { FAULTS } from "../../sim/faults.js"
import { runSeed, type SimOptions, type SimResult } from "../../sim/simulation.js"
import { DoubleClaimQueue } from "./planted.js"

/**
 * Golden digests of whole runs: every event line, the result's counts, fault tallies, rates and verdict. They were
 * recorded from the simulator before sim/simulation.ts was split into the world's parts and the oracle, and must
 * not change unless a change to what the simulator does is intended (then record them again and say why in the
 * commit). The runs cover every fault, a --steps cut, disabled faults, and a planted bug's violation (single_claim
 * at step 211). They also hang on the bytes of the adapter fixtures the clients print (sim/fixtures.ts).
 */
const GOLDEN: ReadonlyArray<readonly [string, SimOptions, string]> = [
  ["seed 1", { seed: 1, jobs: 12 }, "bd0fa506861f2171ae58a5b5cb387c8a68026583df298df396bd38884c7a02ad"],
  ["seed 2", { seed: 2, jobs: 12 }, "a3e504a40c611e9b8b64c750288d3b5e207682c2a4914fd2a175a6fae9d421e2"],
  ["seed 3", { seed: 3, jobs: 12 }, "1ff7b51b35cd5cd16dd5e7fcfa6f3171f74037b84fb91b69c9d9ca88b95cf4bb"],
  [
    "seed 4 without delay and duplicate",
    { seed: 4, jobs: 12, disabled: new Set(["delay", "duplicate"]) },
    "9f5e0747af82a66cdbda8e001497c0b8711c690d03cad14049ed8837544e6104"
  ],
  [
    "seed 5 cut at 150 steps",
    { seed: 5, jobs: 12, steps: 150 },
    "2551285e69d0af720d21c96d8976316033e2ce14db97fe95c134e88a2bb3a825"
  ],
  [
    "heartbeat_stop scenario",
    { seed: 107, jobs: 8, emphasize: "heartbeat_stop" },
    "2f12780a087237c6dca63df1527d4861edf48c28b2a11b9698ac242e274869f5"
  ],
  [
    "disk_full scenario",
    { seed: 114, jobs: 8, emphasize: "disk_full" },
    "047d6d80b02b58a0a5af315eb158d229937d9a2ddb82726ca7a92f8aaca624d0"
  ],
  [
    "planted double claim",
    { seed: 3, jobs: 12, plant: { queue: DoubleClaimQueue } },
    "12d36f3229751d9bdb02532900de3471ffb0c8a92b203fae22d90af3e40ed651"
  ]
]

/** The run's observable outcome in a fixed field order, so a digest does not hang on how the result is assembled. */
const digest = (result: SimResult): string =>
  createHash("sha256")
    .update(
      JSON.stringify([
        result.seed,
        result.ok,
        result.complete,
        result.violation === undefined
          ? null
          : [result.violation.invariant, result.violation.message, result.violation.step, result.violation.jobs],
        result.hash,
        result.steps,
        result.jobs,
        result.simulatedMs,
        FAULTS.map((f) => [f, result.faults[f], result.rates[f]]),
        result.trace
      ])
    )
    .digest("hex")

describe("simulator replay across changes to the simulator", () => {
  GOLDEN.forEach(([name, options, expected]) => {
    it(`replays ${name} bit for bit`, () => {
      expect(digest(runSeed(options))).toBe(expected)
    }, 60_000)
  })
})

import { readFileSync } from "node:fs"
import { Schema } from "effect"
import { describe, expect, it } from "vitest"
import { computeLimits } from "../../src/stats/index.js"
import { expectRelativelyClose } from "./close.js"

// Produced by fixtures/scipy_boundaries.py (SciPy on Debian); committed so CI needs no Python.
const ReferenceLimits = Schema.Struct({
  baseline: Schema.Number,
  lower_limit: Schema.Number,
  upper_limit: Schema.Number
})
const Reference = Schema.Struct({
  seed: Schema.Number,
  histories: Schema.Array(
    Schema.Struct({
      history: Schema.Array(Schema.Number),
      cases: Schema.Array(
        Schema.Struct({
          boundary: Schema.Number,
          z_score: ReferenceLimits,
          t_test: ReferenceLimits,
          log_normal: ReferenceLimits
        })
      )
    })
  )
})

const reference = Schema.decodeUnknownSync(Reference)(
  JSON.parse(readFileSync(new URL("./fixtures/scipy_boundaries.json", import.meta.url), "utf8"))
)

describe("agreement with SciPy", () => {
  it("covers 20 random histories at several boundaries", () => {
    expect(reference.histories).toHaveLength(20)
    expect(new Set(reference.histories.flatMap((h) => h.cases.map((c) => c.boundary))).size).toBeGreaterThanOrEqual(5)
  })

  describe.each(["z_score", "t_test", "log_normal"] as const)("%s limits", (test) => {
    it.each(reference.histories.map((h, index) => [index, h] as const))(
      "match SciPy to 1e-9 relative on history %i",
      (_, { history, cases }) => {
        for (const c of cases) {
          const limits = computeLimits({ test, lower_boundary: c.boundary, upper_boundary: c.boundary }, history)
          const expected = c[test]
          expectRelativelyClose(limits.baseline, expected.baseline, 1e-9)
          expectRelativelyClose(limits.lower_limit, expected.lower_limit, 1e-9)
          expectRelativelyClose(limits.upper_limit, expected.upper_limit, 1e-9)
        }
      }
    )
  })
})

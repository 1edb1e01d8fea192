import { describe, expect, it } from "vitest"
import { computeLimits, type Model, MODEL_TESTS, NO_LIMITS, outlier } from "../../src/stats/index.js"
import { expectRelativelyClose } from "./close.js"

// Mean exactly 0 and sample standard deviation exactly 1 (Σx² = 5 over n − 1 = 5), n = 6.
const STANDARD_SIX = [1.5, -1.5, 0.5, -0.5, 0, 0]
// Bencher's log-normal unit-test data: [1, 2, 3, 4, 5] six times.
const ONE_TO_FIVE_SIX_TIMES = Array.from({ length: 6 }, () => [1, 2, 3, 4, 5]).flat()
const SPREAD = [98, 103, 100, 97, 102, 99, 101]

const both = (test: Model["test"], boundary: number): Model => ({
  test,
  lower_boundary: boundary,
  upper_boundary: boundary
})

describe("Bencher's unit-test constants (§3.3)", () => {
  it("z_score at 0.85 around mean 0, std 1 gives 1.0364333894937896", () => {
    const limits = computeLimits(both("z_score", 0.85), STANDARD_SIX)
    expect(limits.baseline).toBe(0)
    expectRelativelyClose(limits.upper_limit, 1.0364333894937896, 1e-12)
    expectRelativelyClose(limits.lower_limit, -1.0364333894937896, 1e-12)
  })

  it("t_test at 0.85 around mean 0, std 1 with n = 6 gives 1.2483714094976244", () => {
    const limits = computeLimits(both("t_test", 0.85), STANDARD_SIX)
    expect(limits.baseline).toBe(0)
    expectRelativelyClose(limits.upper_limit, 1.2483714094976244, 1e-12)
    expectRelativelyClose(limits.lower_limit, -1.2483714094976244, 1e-12)
  })

  it("log_normal at 0.85 over [1..5]×6 gives baseline 2.6051710846973517, limits 0.467218645251152 and 4.743123524143551", () => {
    const limits = computeLimits(both("log_normal", 0.85), ONE_TO_FIVE_SIX_TIMES)
    expectRelativelyClose(limits.baseline, 2.6051710846973517, 1e-12)
    expectRelativelyClose(limits.lower_limit, 0.467218645251152, 1e-12)
    expectRelativelyClose(limits.upper_limit, 4.743123524143551, 1e-12)
  })

  it("iqr with quartiles (1, 2, 3) and multiplier 1.5 gives limits −1 and 5", () => {
    expect(computeLimits(both("iqr", 1.5), [4, 0, 3, 1, 2])).toEqual({ baseline: 2, lower_limit: -1, upper_limit: 5 })
  })
})

describe("boundary gates", () => {
  it.each(MODEL_TESTS)("%s gives no baseline and no limits without any boundary", (test) => {
    expect(computeLimits({ test }, SPREAD)).toEqual(NO_LIMITS)
    expect(computeLimits({ test, lower_boundary: null, upper_boundary: null }, SPREAD)).toEqual(NO_LIMITS)
  })

  it.each(MODEL_TESTS)("%s gives no limits while min_sample_size is unmet", (test) => {
    const model: Model = { ...both(test, test === "static" ? 100 : 0.9), min_sample_size: SPREAD.length + 1 }
    expect(computeLimits(model, SPREAD)).toEqual(NO_LIMITS)
    expect(computeLimits({ ...model, min_sample_size: SPREAD.length }, SPREAD).upper_limit).not.toBeNull()
  })

  it.each(MODEL_TESTS)("%s gives no limits for an empty history", (test) => {
    expect(computeLimits(both(test, test === "static" ? 100 : 0.9), [])).toEqual(NO_LIMITS)
  })

  it.each(["z_score", "t_test", "log_normal"] as const)(
    "%s gives no limits (and no baseline) for zero variance",
    (test) => {
      expect(computeLimits(both(test, 0.99), [5, 5, 5, 5])).toEqual(NO_LIMITS)
    }
  )

  it.each(["z_score", "t_test", "log_normal", "delta_iqr"] as const)("%s needs at least two points", (test) => {
    expect(computeLimits(both(test, 0.99), [5])).toEqual(NO_LIMITS)
  })
})

describe("static limits", () => {
  it("needs one prior metric, then uses the boundaries as limits without a baseline", () => {
    const model: Model = { test: "static", lower_boundary: -3, upper_boundary: 7.5 }
    expect(computeLimits(model, [])).toEqual(NO_LIMITS)
    expect(computeLimits(model, [1_000])).toEqual({ baseline: null, lower_limit: -3, upper_limit: 7.5 })
  })

  it("sets only the side whose boundary is given", () => {
    expect(computeLimits({ test: "static", upper_boundary: 10 }, [1])).toEqual({
      baseline: null,
      lower_limit: null,
      upper_limit: 10
    })
  })
})

describe("percentage limits", () => {
  it("adds and subtracts the boundary fraction of the mean", () => {
    const limits = computeLimits(both("percentage", 0.1), [90, 110])
    expect(limits.baseline).toBe(100)
    expectRelativelyClose(limits.lower_limit, 90, 1e-15)
    expectRelativelyClose(limits.upper_limit, 110, 1e-15)
  })

  it("works from a single point and from a constant history", () => {
    expect(computeLimits({ test: "percentage", upper_boundary: 0.5 }, [8])).toEqual({
      baseline: 8,
      lower_limit: null,
      upper_limit: 12
    })
    expect(computeLimits({ test: "percentage", lower_boundary: 0.25 }, [8, 8, 8])).toEqual({
      baseline: 8,
      lower_limit: 6,
      upper_limit: null
    })
  })

  it("applies the formula as written to a negative mean, which swaps the sides", () => {
    expect(computeLimits(both("percentage", 0.5), [-10])).toEqual({ baseline: -10, lower_limit: -5, upper_limit: -15 })
  })
})

describe("z_score limits", () => {
  it("mirrors the lower limit around the mean", () => {
    const limits = computeLimits(both("z_score", 0.99), SPREAD)
    const mean = 100
    expect(limits.baseline).toBe(mean)
    expectRelativelyClose((limits.upper_limit ?? 0) - mean, mean - (limits.lower_limit ?? 0), 1e-12)
  })

  it("reads each side's percentile from its own boundary", () => {
    const wide = computeLimits(both("z_score", 0.99), SPREAD)
    const mixed = computeLimits({ test: "z_score", lower_boundary: 0.9, upper_boundary: 0.99 }, SPREAD)
    expect(mixed.upper_limit).toBe(wide.upper_limit)
    expect(mixed.lower_limit ?? 0).toBeGreaterThan(wide.lower_limit ?? 0)
  })

  it("sets only the side whose boundary is given", () => {
    expect(computeLimits({ test: "z_score", lower_boundary: 0.9 }, SPREAD).upper_limit).toBeNull()
    expect(computeLimits({ test: "z_score", upper_boundary: 0.9 }, SPREAD).lower_limit).toBeNull()
  })

  it("puts both limits on the mean at boundary 0.5", () => {
    expect(computeLimits(both("z_score", 0.5), SPREAD)).toEqual({ baseline: 100, lower_limit: 100, upper_limit: 100 })
  })
})

describe("t_test limits", () => {
  it("uses a prediction interval with n-1 degrees of freedom", () => {
    // n = 2: one degree of freedom (Cauchy), quantile tan(π(p − 1/2)), scale std·sqrt(3/2).
    const limits = computeLimits({ test: "t_test", upper_boundary: 0.75 }, [1, 3])
    const std = Math.SQRT2
    expectRelativelyClose(limits.upper_limit, 2 + std * Math.sqrt(1.5) * Math.tan(Math.PI / 4), 1e-12)
  })

  it("is wider than the z_score interval on the same history", () => {
    const z = computeLimits(both("z_score", 0.95), SPREAD)
    const t = computeLimits(both("t_test", 0.95), SPREAD)
    expect(t.upper_limit ?? 0).toBeGreaterThan(z.upper_limit ?? 0)
    expect(t.lower_limit ?? 0).toBeLessThan(z.lower_limit ?? 0)
  })
})

describe("log_normal limits", () => {
  it("has the geometric mean as baseline and mirrors the lower limit around it", () => {
    const limits = computeLimits(both("log_normal", 0.95), [1, 10, 100])
    expectRelativelyClose(limits.baseline, 10, 1e-15)
    expectRelativelyClose(limits.lower_limit, 20 - (limits.upper_limit ?? 0), 1e-12)
  })

  it("gives no limits when a value is not positive", () => {
    expect(computeLimits(both("log_normal", 0.9), [3, 0, 4])).toEqual(NO_LIMITS)
    expect(computeLimits(both("log_normal", 0.9), [3, -1, 4])).toEqual(NO_LIMITS)
  })
})

describe("iqr limits", () => {
  it("centres on the median with linearly interpolated quartiles", () => {
    // Sorted [1, 2, 4, 8]: q1 at rank 0.75 = 1.75, q2 at 1.5 = 3, q3 at 2.25 = 5.
    expect(computeLimits(both("iqr", 2), [8, 1, 4, 2])).toEqual({ baseline: 3, lower_limit: -3.5, upper_limit: 9.5 })
  })

  it("collapses on a single prior value", () => {
    expect(computeLimits(both("iqr", 3), [7])).toEqual({ baseline: 7, lower_limit: 7, upper_limit: 7 })
  })
})

describe("delta_iqr limits", () => {
  it("spreads the median by the quartiles of relative changes taken newest first", () => {
    // Changes over [100, 50, 25, 100]: 0.5, 0.5, 3 → dq1 0.5, dq3 1.75; median of the values 75.
    expect(computeLimits(both("delta_iqr", 1), [100, 50, 25, 100])).toEqual({
      baseline: 75,
      lower_limit: -18.75,
      upper_limit: 168.75
    })
  })

  it("gives no limits when a change starts from zero", () => {
    expect(computeLimits(both("delta_iqr", 1), [0, 5, 6])).toEqual(NO_LIMITS)
  })
})

describe("outlier", () => {
  const limits = { lower_limit: 10, upper_limit: 20 }

  it("flags values strictly below the lower limit or strictly above the upper limit", () => {
    expect(outlier(9.999, limits)).toBe("lower")
    expect(outlier(20.001, limits)).toBe("upper")
    expect(outlier(10, limits)).toBeNull()
    expect(outlier(20, limits)).toBeNull()
    expect(outlier(15, limits)).toBeNull()
  })

  it("ignores a missing limit", () => {
    expect(outlier(-1e9, { lower_limit: null, upper_limit: 20 })).toBeNull()
    expect(outlier(1e9, { lower_limit: 10, upper_limit: null })).toBeNull()
    expect(outlier(0, NO_LIMITS)).toBeNull()
  })

  it("checks the lower limit first", () => {
    expect(outlier(0, { lower_limit: 5, upper_limit: -5 })).toBe("lower")
  })
})

import { Either, Schema } from "effect"
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import {
  computeLimits,
  type Limits,
  type Model,
  MODEL_TESTS,
  ModelJson,
  type ModelTest,
  NO_LIMITS,
  outlier,
  validateModel
} from "../../src/stats/index.js"

const value = fc.double({ min: 1e-3, max: 1e6, noNaN: true })
const history = fc.array(value, { minLength: 2, maxLength: 64 })
const wholeHistory = fc.array(fc.integer({ min: 1, max: 1_000_000 }), { minLength: 2, maxLength: 64 })
const percentile = fc.double({ min: 0.5, max: 0.9999, noNaN: true })
const multiplier = fc.double({ min: 0, max: 10, noNaN: true })

// A boundary valid for each test (§3.1).
const boundaryFor = (test: ModelTest): fc.Arbitrary<number> => {
  switch (test) {
    case "static":
      return fc.double({ min: -1e9, max: 1e9, noNaN: true })
    case "percentage":
      return fc.double({ min: 0, max: 2, noNaN: true })
    case "z_score":
    case "t_test":
    case "log_normal":
      return percentile
    case "iqr":
    case "delta_iqr":
      return multiplier
  }
}

// Static takes no window or sample sizes and needs lower <= upper.
const staticModel: fc.Arbitrary<Model> = fc
  .tuple(fc.option(boundaryFor("static"), { nil: undefined }), boundaryFor("static"))
  .map(
    ([lower, upper]): Model =>
      lower === undefined
        ? { test: "static", upper_boundary: upper }
        : { test: "static", lower_boundary: Math.min(lower, upper), upper_boundary: Math.max(lower, upper) }
  )

const statisticalModel: fc.Arbitrary<Model> = fc
  .constantFrom(...MODEL_TESTS.filter((test) => test !== "static"))
  .chain((test) =>
    fc.record(
      {
        test: fc.constant(test),
        lower_boundary: fc.option(boundaryFor(test), { nil: null }),
        upper_boundary: boundaryFor(test),
        window: fc.integer({ min: 1, max: 4_294_967_295 }),
        min_sample_size: fc.integer({ min: 2, max: 8 }),
        max_sample_size: fc.integer({ min: 8, max: 64 })
      },
      { requiredKeys: ["test", "upper_boundary"] }
    )
  )

const validModel = fc.oneof(staticModel, statisticalModel)

const symmetric = (test: ModelTest, b: number): Model => ({ test, lower_boundary: b, upper_boundary: b })

// Closeness on the scale of the limits themselves, so a limit near zero is not held to a tighter standard.
const expectLimitsClose = (actual: Limits, expected: Limits, relative: number): void => {
  const scale =
    Math.abs(expected.baseline ?? 0) + Math.abs(expected.lower_limit ?? 0) + Math.abs(expected.upper_limit ?? 0)
  for (const key of ["baseline", "lower_limit", "upper_limit"] as const) {
    const a = actual[key]
    const e = expected[key]
    if (a === null || e === null) expect(a).toBe(e)
    else expect(Math.abs(a - e)).toBeLessThanOrEqual(relative * scale)
  }
}

describe("stats properties", () => {
  it("accepts every model drawn from the valid ranges, and its JSON round-trips", () => {
    fc.assert(
      fc.property(validModel, (model) => {
        expect(validateModel(model)).toEqual(Either.right(model))
        const json = JSON.parse(JSON.stringify(Schema.encodeSync(ModelJson)(model)))
        // JSON has no −0; everything else survives the trip.
        expect(Schema.decodeUnknownSync(ModelJson)(json)).toEqual(JSON.parse(JSON.stringify(model)))
      })
    )
  })

  it("gives finite limits or none, only on the sides that have a boundary, with a baseline beside them", () => {
    fc.assert(
      fc.property(
        validModel,
        fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { maxLength: 64 }),
        (model, data) => {
          const limits = computeLimits(model, data)
          for (const part of Object.values(limits)) expect(part === null || Number.isFinite(part)).toBe(true)
          if (model.lower_boundary === undefined || model.lower_boundary === null) expect(limits.lower_limit).toBeNull()
          if (model.test === "static") expect(limits.baseline).toBeNull()
          else expect(limits.baseline === null).toBe(limits.upper_limit === null)
        }
      )
    )
  })

  it("gives no limits while fewer than min_sample_size metrics exist", () => {
    fc.assert(
      fc.property(validModel, history, (model, data) => {
        expect(computeLimits({ ...model, min_sample_size: data.length + 1 }, data)).toEqual(NO_LIMITS)
      })
    )
  })

  it.each(MODEL_TESTS.filter((test) => test !== "static"))(
    "%s keeps lower <= baseline <= upper on positive histories",
    (test) => {
      fc.assert(
        fc.property(history, boundaryFor(test), (data, b) => {
          const limits = computeLimits(symmetric(test, b), data)
          if (limits.baseline === null || limits.lower_limit === null || limits.upper_limit === null) return
          expect(limits.lower_limit).toBeLessThanOrEqual(limits.baseline)
          expect(limits.baseline).toBeLessThanOrEqual(limits.upper_limit)
        })
      )
    }
  )

  it.each(["percentage", "z_score", "t_test", "log_normal", "iqr"] as const)(
    "%s limits do not depend on the order of the history",
    (test) => {
      const permuted = history.chain((data) =>
        fc.tuple(fc.constant(data), fc.shuffledSubarray(data, { minLength: data.length, maxLength: data.length }))
      )
      fc.assert(
        fc.property(permuted, boundaryFor(test), ([data, shuffled], b) => {
          expectLimitsClose(computeLimits(symmetric(test, b), shuffled), computeLimits(symmetric(test, b), data), 1e-9)
        })
      )
    }
  )

  it.each(["percentage", "z_score", "t_test", "log_normal", "iqr", "delta_iqr"] as const)(
    "%s limits scale linearly with the history",
    (test) => {
      fc.assert(
        // Powers of two scale exactly, and whole values keep their logarithms apart: no variance vanishes on the way.
        fc.property(
          wholeHistory,
          boundaryFor(test),
          fc.integer({ min: -20, max: 20 }).map((j) => 2 ** j),
          (data, b, k) => {
            const scaled = computeLimits(
              symmetric(test, b),
              data.map((x) => k * x)
            )
            const limits = computeLimits(symmetric(test, b), data)
            const expected: Limits = {
              baseline: limits.baseline === null ? null : k * limits.baseline,
              lower_limit: limits.lower_limit === null ? null : k * limits.lower_limit,
              upper_limit: limits.upper_limit === null ? null : k * limits.upper_limit
            }
            expectLimitsClose(scaled, expected, 1e-9)
          }
        )
      )
    }
  )

  it("t_test limits enclose the z_score limits: a prediction interval is wider", () => {
    fc.assert(
      fc.property(history, percentile, (data, b) => {
        const z = computeLimits(symmetric("z_score", b), data)
        const t = computeLimits(symmetric("t_test", b), data)
        if (z.upper_limit === null || t.upper_limit === null || z.lower_limit === null || t.lower_limit === null) return
        // Near boundary 0.5 both widths vanish and only rounding separates them.
        const ulps = 1e-12 * Math.abs(z.baseline ?? 0)
        expect(t.upper_limit).toBeGreaterThanOrEqual(z.upper_limit - ulps)
        expect(t.lower_limit).toBeLessThanOrEqual(z.lower_limit + ulps)
      })
    )
  })

  it("static limits are the boundaries whatever the history holds", () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ noNaN: true }), { minLength: 1 }),
        fc.double({ min: -1e9, max: 1e9, noNaN: true }),
        (data, upper) => {
          expect(computeLimits({ test: "static", upper_boundary: upper }, data)).toEqual({
            baseline: null,
            lower_limit: null,
            upper_limit: upper
          })
        }
      )
    )
  })

  it("flags a value exactly when it lies strictly outside the limits", () => {
    fc.assert(
      fc.property(history, percentile, value, (data, b, x) => {
        const limits = computeLimits(symmetric("z_score", b), data)
        const side = outlier(x, limits)
        if (limits.lower_limit === null || limits.upper_limit === null) return
        expect(side).toBe(x < limits.lower_limit ? "lower" : x > limits.upper_limit ? "upper" : null)
      })
    )
  })
})

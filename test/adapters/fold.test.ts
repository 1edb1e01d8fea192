import { describe, expect, it } from "@effect/vitest"
import { Either } from "effect"
import * as fc from "fast-check"
import type { Bmf } from "../../src/domain/bmf.js"
import { foldIterations, parseResults } from "../../src/adapters/index.js"
import { bencher } from "./fixtures.js"

const one = (value: number, lower?: number, upper?: number): Bmf => ({
  b: {
    latency:
      lower === undefined
        ? upper === undefined
          ? { value }
          : { value, upper_value: upper }
        : upper === undefined
          ? { value, lower_value: lower }
          : { value, lower_value: lower, upper_value: upper }
  }
})

describe("parseResults", () => {
  it("returns one Bmf per iteration", () => {
    const r = parseResults({ adapter: "rust_bench" }, [bencher("rust/bench/one.txt"), bencher("rust/bench/many.txt")])
    expect(Either.map(r, (xs) => xs.map((x) => Object.keys(x).length))).toEqual(Either.right([1, 6]))
  })

  it("defaults to magic", () => {
    const r = parseResults({}, [bencher("go/bench/five.txt"), bencher("json/report_latency.json")])
    expect(Either.map(r, (xs) => xs.length)).toEqual(Either.right(2))
  })

  it("fails the whole set when one iteration does not parse, naming the adapter and the iteration", () => {
    const r = parseResults({ adapter: "rust_bench" }, [
      bencher("rust/bench/one.txt"),
      "garbage",
      bencher("rust/bench/one.txt")
    ])
    expect(Either.isLeft(r)).toBe(true)
    if (Either.isLeft(r)) {
      expect(r.left._tag).toBe("IterationFailed")
      expect(r.left).toMatchObject({ adapter: "rust_bench", iteration: 1 })
      expect(r.left.message).toContain("rust_bench")
      expect(r.left.message).toContain("iteration 1")
    }
  })

  it("folds into a single Bmf when fold is set", () => {
    const r = parseResults({ adapter: "rust_bench", fold: "max" }, [
      bencher("rust/bench/one.txt"),
      bencher("rust/bench/failed.txt")
    ])
    expect(Either.map(r, (xs) => xs.length)).toEqual(Either.right(1))
  })
})

describe("fold", () => {
  const a = one(10, 8, 12)
  const b = one(20, 15)
  const c = one(30)

  it("min and max pick a whole metric, by value then upper then lower", () => {
    expect(foldIterations("min", [b, a, c])).toStrictEqual(a)
    expect(foldIterations("max", [b, a, c])).toStrictEqual(c)
    // equal values: the larger upper bound wins max; an absent bound orders first
    expect(foldIterations("max", [one(5, 1, 9), one(5, 1, 7)])).toStrictEqual(one(5, 1, 9))
    expect(foldIterations("min", [one(5, 1, 9), one(5)])).toStrictEqual(one(5))
  })

  it("mean uses an iteration's value in place of a bound it lacks", () => {
    // lower: (8 + 15 + 30) / 3, upper: (12 + 20 + 30) / 3
    expect(foldIterations("mean", [a, b, c])).toStrictEqual(one(20, 53 / 3, 62 / 3))
    expect(foldIterations("mean", [c, one(40)])).toStrictEqual(one(35))
  })

  it("median takes the middle metric, or the mean of the two middle ones", () => {
    expect(foldIterations("median", [c, a, b])).toStrictEqual(b)
    expect(foldIterations("median", [a, c])).toStrictEqual(one(20, 19, 21))
  })

  it("averages a benchmark only over the iterations where it appears", () => {
    const x: Bmf = { only: { latency: { value: 4 } } }
    expect(foldIterations("mean", [a, x, b])).toStrictEqual({ ...one(15, 11.5, 16), ...x })
  })

  const metricArb = fc.record(
    {
      value: fc.double({ noNaN: true, noDefaultInfinity: true }),
      lower_value: fc.double({ noNaN: true, noDefaultInfinity: true }),
      upper_value: fc.double({ noNaN: true, noDefaultInfinity: true })
    },
    { requiredKeys: ["value"] }
  )
  const bmfArb = fc.dictionary(
    fc.string({ minLength: 1 }),
    fc.dictionary(fc.string({ minLength: 1 }), metricArb, { minKeys: 1, maxKeys: 3 }),
    { minKeys: 1, maxKeys: 4 }
  )

  it("of identical iterations equals the iteration (property)", () => {
    fc.assert(
      fc.property(
        bmfArb,
        fc.integer({ min: 1, max: 7 }),
        fc.constantFrom("min", "max", "mean", "median"),
        (bmf, n, fold) => {
          const folded = foldIterations(
            fold,
            Array.from({ length: n }, () => bmf)
          )
          expect(folded).toEqual(bmf)
        }
      ),
      { numRuns: 300 }
    )
  })

  it("min <= median <= max and min <= mean <= max on values (property)", () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: -1e12, max: 1e12, noNaN: true }), { minLength: 1, maxLength: 9 }),
        (values) => {
          const its = values.map((v) => one(v))
          const v = (f: "min" | "max" | "mean" | "median") => foldIterations(f, its)["b"]?.["latency"]?.value ?? NaN
          expect(v("min")).toBe(Math.min(...values))
          expect(v("max")).toBe(Math.max(...values))
          for (const f of ["mean", "median"] as const) {
            expect(v(f)).toBeGreaterThanOrEqual(v("min") - 1e-3)
            expect(v(f)).toBeLessThanOrEqual(v("max") + 1e-3)
          }
        }
      )
    )
  })
})

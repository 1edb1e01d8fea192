import { readFileSync } from "node:fs"
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import {
  CHANGE_POINT_DEFAULTS,
  type ChangePointOptions,
  changePoints,
  ChangePointSeries,
  relaxedPValue
} from "../../src/stats/changepoints.js"
import { eDivisive } from "../../src/stats/edivisive.js"
import { compareRegimes } from "../../src/stats/regime_stats.js"
import { expectRelativelyClose } from "./close.js"

const fixture = (name: string): string => readFileSync(new URL(`../fixtures/series/${name}`, import.meta.url), "utf8")

// otava_sample.csv: time,commit,metric1,metric2 (Apache Otava tests/resources/sample.csv).
const sample = fixture("otava_sample.csv")
  .trim()
  .split("\n")
  .slice(1)
  .map((line) => {
    const [, commit, metric1, metric2] = line.split(",")
    return { commit: commit ?? "", metric1: Number(metric1), metric2: Number(metric2) }
  })

// Otava's own synthetic shapes (docs/changepoints.md §7), values ours: 20 points stepping at 10; 14 stepping at 5 and 8.
const STEP_AT_10 = [
  1.02, 0.95, 0.99, 1.0, 1.12, 0.9, 0.95, 1.05, 1.01, 0.98, 2.05, 1.95, 2.01, 1.98, 2.1, 1.92, 2.02, 1.99, 2.03, 1.97
]
const STEPS_AT_5_AND_8 = [1.0, 1.1, 0.9, 1.05, 0.95, 2.0, 2.1, 1.9, 3.0, 3.1, 2.9, 3.05, 2.95, 3.0]

describe("change points on Otava's published cases (defaults: window 50, p 0.001, magnitude 0)", () => {
  it("otava_sample.csv: one change on metric2 at row 7 (aaa6), −12.9 %", () => {
    const found = changePoints(sample.map((r) => r.metric2))
    expect(found.map((c) => c.index)).toEqual([6])
    const [change] = found
    expect(sample[change?.index ?? -1]?.commit).toBe("aaa6")
    // SciPy's ttest_ind_from_stats on the same means and population deviations.
    expectRelativelyClose(change?.pValue ?? null, 4.9852621831716505e-6, 1e-9)
    expectRelativelyClose(change?.meanBefore ?? null, 10.481666666666667, 1e-12)
    expectRelativelyClose(change?.meanAfter ?? null, 9.125, 1e-12)
    expectRelativelyClose(change?.stdBefore ?? null, 0.24141366066475106, 1e-12)
    expectRelativelyClose(change?.stdAfter ?? null, 0.07123903424387545, 1e-12)
    expect((change?.forwardChange ?? 0) * 100).toBeCloseTo(-12.9, 1)
  })

  it("otava_sample.csv: nothing on metric1", () => {
    expect(changePoints(sample.map((r) => r.metric1))).toEqual([])
  })

  it("20 points stepping at 10: one change point at 10", () => {
    const found = changePoints(STEP_AT_10)
    expect(found.map((c) => c.index)).toEqual([10])
    expectRelativelyClose(found[0]?.pValue ?? null, 1.9500423691302397e-19, 1e-9)
    expect(eDivisive(STEP_AT_10, 0, STEP_AT_10.length, 0.001)).toEqual([10])
  })

  it("14 points stepping at 5 and 8: change points [5, 8], in the detector and after the merge", () => {
    expect(eDivisive(STEPS_AT_5_AND_8, 0, STEPS_AT_5_AND_8.length, 0.001)).toEqual([5, 8])
    expect(changePoints(STEPS_AT_5_AND_8).map((c) => c.index)).toEqual([5, 8])
  })
})

describe("the t-test between regimes", () => {
  it("gives p = 1 with two points or fewer", () => {
    expect(compareRegimes([1, 5], 0, 1, 2).pValue).toBe(1)
  })

  it("treats a single point as having no spread (SciPy: 0.20528058576097372)", () => {
    expectRelativelyClose(compareRegimes([5, 1, 2, 4], 0, 1, 4).pValue, 0.20528058576097372, 1e-9)
  })

  it("reads zero spread as certain when the means differ and as no evidence when they do not", () => {
    expect(compareRegimes([1, 1, 2, 2], 0, 2, 4).pValue).toBe(0)
    expect(compareRegimes([3, 3, 3, 3], 0, 2, 4).pValue).toBe(1)
  })
})

describe("ChangePointSeries", () => {
  it("relaxes the split p-value as Otava does", () => {
    expect(relaxedPValue(0.001)).toBeCloseTo(0.01, 15)
    expect(relaxedPValue(0.1)).toBeCloseTo(0.2, 15)
    expect(relaxedPValue(0.7)).toBe(0.7)
  })

  it("finds nothing in a constant or short series", () => {
    expect(changePoints(Array.from({ length: 200 }, () => 7))).toEqual([])
    expect(changePoints([1, 100, 1])).toEqual([])
    expect(changePoints([])).toEqual([])
  })

  it("rejects a window below 2 and non-finite values", () => {
    expect(() => new ChangePointSeries({ ...CHANGE_POINT_DEFAULTS, window: 1 })).toThrow(RangeError)
    expect(() => new ChangePointSeries().push(Number.NaN)).toThrow(RangeError)
  })

  it("finds each step of a long series with windows far shorter than it", () => {
    const levels = [100, 120, 90, 90 * 1.3]
    const series = levels.flatMap((level, k) =>
      Array.from({ length: 100 }, (_, i) => level * (1 + 0.01 * Math.sin(i * 1.7 + k)))
    )
    const found = changePoints(series, { window: 30, maxPValue: 0.01, minMagnitude: 0.05 })
    expect(found.map((c) => c.index)).toEqual([100, 200, 300])
  })
})

// Series made of regimes at random levels with relative noise, the shape change points are for.
const regime = fc.record({
  length: fc.integer({ min: 1, max: 40 }),
  level: fc.double({ min: 1, max: 1000, noNaN: true }),
  noise: fc.array(fc.double({ min: -0.05, max: 0.05, noNaN: true }), { minLength: 1, maxLength: 40 })
})
const steppedSeries = fc
  .array(regime, { minLength: 1, maxLength: 5 })
  .map((regimes) =>
    regimes.flatMap(({ length, level, noise }) =>
      Array.from({ length }, (_, i) => level * (1 + (noise[i % noise.length] ?? 0)))
    )
  )
  .filter((s) => s.length <= 120)
const options: fc.Arbitrary<ChangePointOptions> = fc.record({
  window: fc.integer({ min: 2, max: 40 }),
  maxPValue: fc.constantFrom(0.0001, 0.001, 0.01, 0.05, 0.2),
  minMagnitude: fc.constantFrom(0, 0.01, 0.05)
})

describe("incremental analysis", () => {
  it("agrees with the full analysis after every appended point", () => {
    fc.assert(
      fc.property(steppedSeries, options, fc.nat(), (series, opts, split) => {
        const start = series.length === 0 ? 0 : split % series.length
        const incremental = new ChangePointSeries(opts)
        incremental.pushAll(series.slice(0, start))
        for (let i = start; i < series.length; i++) {
          incremental.push(series[i] ?? 0)
          expect(incremental.changePoints).toEqual(changePoints(series.slice(0, i + 1), opts))
        }
      }),
      { numRuns: 150 }
    )
  })

  it("never reports index 0 and reports indexes ascending", () => {
    fc.assert(
      fc.property(steppedSeries, options, (series, opts) => {
        const indexes = changePoints(series, opts).map((c) => c.index)
        expect(indexes.every((i) => i > 0 && i < series.length)).toBe(true)
        expect([...indexes].sort((a, b) => a - b)).toEqual(indexes)
      })
    )
  })
})

describe("long series", () => {
  it("agrees incrementally past 2^17 points, where cache keys turn to text", () => {
    const jitter = (i: number): number => ((i * 7919) % 101) / 200
    const series = Array.from({ length: 131_100 }, (_, i) => (i < 131_085 ? 100 : 130) + jitter(i))
    const opts: ChangePointOptions = { window: 30, maxPValue: 0.01, minMagnitude: 0.05 }
    const incremental = new ChangePointSeries(opts)
    incremental.pushAll(series.slice(0, 131_070))
    for (const v of series.slice(131_070)) incremental.push(v)
    const full = changePoints(series, opts)
    expect(incremental.changePoints).toEqual(full)
    expect(full.map((c) => c.index)).toContain(131_085)
  })
})

import { readFileSync } from "node:fs"
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { gesd } from "../../src/stats/gesd.js"
import { IQR_DISTANCE_DEFAULTS, iqrDistanceOutliers } from "../../src/stats/iqr_distance.js"
import { quartiles } from "../../src/stats/quartiles.js"

const fixture = (name: string): string => readFileSync(new URL(`../fixtures/series/${name}`, import.meta.url), "utf8")

// conbench_outlier_*.csv: `#` comments, a `time,svs` header, then rows; `NaN` marks a missing result.
const svs = (name: string): Array<number> =>
  fixture(name)
    .split("\n")
    .filter((line) => line.trim() !== "" && !line.startsWith("#") && !line.startsWith("time,"))
    .map((line) => Number(line.split(",")[1]))

describe("conbench's IQR-distance filter (iqdistance 10, keep last 2)", () => {
  it.each([
    ["A", [269.2997, 2995.526]],
    ["B", [785.10015]],
    ["C", [21.038903]],
    ["D", []],
    ["E", []]
  ] as const)("flags exactly the expected values of outlier_%s.csv", (letter, expected) => {
    const values = svs(`conbench_outlier_${letter}.csv`)
    expect(iqrDistanceOutliers(values).map((i) => values[i])).toEqual(expected)
  })

  it("protects the newest points: C's last value (33.6) is the bigger outlier but stays", () => {
    const values = svs("conbench_outlier_C.csv")
    expect(values[values.length - 1]).toBe(33.60617)
    expect(iqrDistanceOutliers(values, { ...IQR_DISTANCE_DEFAULTS, keepLast: 0 }).map((i) => values[i])).toEqual([
      21.038903, 33.60617
    ])
  })

  it("flags nothing in a series whose interquartile range is zero", () => {
    expect(iqrDistanceOutliers([5, 5, 5, 5, 5, 9, 5, 5, 5])).toEqual([])
  })

  it("never flags a value within the quartiles or among the protected newest", () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { maxLength: 60 }), (values) => {
        const flagged = iqrDistanceOutliers(values)
        expect(flagged.every((i) => i < values.length - 2)).toBe(true)
        const q = quartiles(values)
        expect(flagged.every((i) => q !== undefined && ((values[i] ?? 0) < q.q1 || (values[i] ?? 0) > q.q3))).toBe(true)
      })
    )
  })
})

describe("MongoDB's GESD", () => {
  const series: Array<number> = JSON.parse(fixture("mongodb_spa_real_series.json"))

  it("finds 2 outliers in mongodb_spa_real_series.json, suspicious in MongoDB's order", () => {
    const result = gesd(series)
    expect(result.count).toBe(2)
    expect(result.suspicious).toEqual([90, 4, 27, 88, 37, 64, 126, 78, 74, 47])
  })

  it("with MAD finds 2 outliers, suspicious in MongoDB's order", () => {
    const result = gesd(series, { maxOutliers: 10, significance: 0.05, mad: true })
    expect(result.count).toBe(2)
    expect(result.suspicious).toEqual([90, 4, 27, 37, 64, 78, 74, 88, 47, 60])
  })

  it("matches Rosner's critical value for n = 132, α = 0.05 (SciPy: 3.47621…)", () => {
    expect(gesd(series).criticalValues[0]).toBeCloseTo(CRITICAL_132, 9)
  })

  it("stops on a series without spread or too short to test", () => {
    expect(gesd([4, 4, 4, 4]).suspicious).toEqual([])
    expect(gesd([1, 2]).count).toBe(0)
  })
})

// (n − 1)·t / sqrt((n − 2 + t²)·n) with t = t.ppf(1 − 0.05 / (2·132), 130), computed with SciPy.
const CRITICAL_132 = 3.4762100781125658

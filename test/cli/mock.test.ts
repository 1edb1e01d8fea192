import { describe, expect, it } from "vitest"
import fc from "fast-check"
import { mockBenchmarkName, mockBmf, mockIsFlakyFailure, splitMix64 } from "../../src/cli/mock.js"

describe("bencher mock", () => {
  it("gives the same BMF for the same seed and different BMF for another", () => {
    const a = mockBmf({ seed: 42n, count: 5, measures: [], pow: 1 })
    expect(mockBmf({ seed: 42n, count: 5, measures: [], pow: 1 })).toEqual(a)
    expect(mockBmf({ seed: 43n, count: 5, measures: [], pow: 1 })).not.toEqual(a)
  })

  it("names benchmarks bencher::mock_{c} and defaults to the latency measure", () => {
    const bmf = mockBmf({ seed: 1n, count: 3, measures: [], pow: 1 })
    expect(Object.keys(bmf)).toEqual(["bencher::mock_0", "bencher::mock_1", "bencher::mock_2"])
    expect(Object.keys(bmf["bencher::mock_0"] ?? {})).toEqual(["latency"])
  })

  it("draws value in [10^p·c, 10^p·(c+1)) with lower/upper at value ∓ 10%, for every measure", () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }),
        fc.integer({ min: 0, max: 8 }),
        fc.integer({ min: -3, max: 6 }),
        (seed, count, pow) => {
          const bmf = mockBmf({ seed, count, measures: ["latency", "throughput"], pow })
          expect(Object.keys(bmf)).toHaveLength(count)
          for (let c = 0; c < count; c++) {
            for (const measure of ["latency", "throughput"]) {
              const metric = bmf[mockBenchmarkName(c)]?.[measure]
              if (metric === undefined) throw new Error("missing metric")
              expect(metric.value).toBeGreaterThanOrEqual(10 ** pow * c)
              expect(metric.value).toBeLessThan(10 ** pow * (c + 1) * (1 + 1e-12))
              expect(metric.lower_value).toBeCloseTo(metric.value * 0.9, 10)
              expect(metric.upper_value).toBeCloseTo(metric.value * 1.1, 10)
            }
          }
        }
      )
    )
  })

  it("replays SplitMix64 bit for bit (reference vector for seed 1234567)", () => {
    const next = splitMix64(1234567n)
    // First outputs of the reference SplitMix64 for 1234567: 6457827717110365317, 3203168211198807973.
    expect(next()).toBe(Number(6457827717110365317n >> 11n) / 2 ** 53)
    expect(next()).toBe(Number(3203168211198807973n >> 11n) / 2 ** 53)
  })

  it("--flaky fails for about half of the seeds, always the same way for one seed", () => {
    let failures = 0
    for (let seed = 0n; seed < 1000n; seed++) if (mockIsFlakyFailure(seed)) failures++
    expect(failures).toBeGreaterThan(400)
    expect(failures).toBeLessThan(600)
    expect(mockIsFlakyFailure(7n)).toBe(mockIsFlakyFailure(7n))
  })
})

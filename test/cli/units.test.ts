import { describe, expect, it } from "vitest"
import fc from "fast-check"
import {
  BYTES,
  formatNumber,
  formatPercent,
  formatWithUnits,
  NANOSECONDS,
  percentChange,
  scaleUnits,
  scaleUnitsFor,
  SECONDS,
  unitsSymbol
} from "../../src/units/index.js"

describe("scaleUnits (docs/reference.md §1.4)", () => {
  it("scales nanoseconds through ns, µs, ms, s, min and h by the minimum value", () => {
    expect(scaleUnits(999, NANOSECONDS)).toMatchObject({ factor: 1, symbol: "ns" })
    expect(scaleUnits(1_000, NANOSECONDS)).toMatchObject({ factor: 1e3, symbol: "µs", units: "microseconds (µs)" })
    expect(scaleUnits(2.5e6, NANOSECONDS)).toMatchObject({ factor: 1e6, symbol: "ms" })
    expect(scaleUnits(3e9, NANOSECONDS)).toMatchObject({ factor: 1e9, symbol: "s" })
    expect(scaleUnits(61e9, NANOSECONDS)).toMatchObject({ factor: 60e9, symbol: "min" })
    expect(scaleUnits(7200e9, NANOSECONDS)).toMatchObject({ factor: 3600e9, symbol: "h" })
  })

  it("scales seconds through s, min and h", () => {
    expect(scaleUnits(59, SECONDS)).toMatchObject({ factor: 1, symbol: "s" })
    expect(scaleUnits(60, SECONDS)).toMatchObject({ factor: 60, symbol: "min" })
    expect(scaleUnits(4000, SECONDS)).toMatchObject({ factor: 3600, symbol: "h" })
  })

  it("scales bytes by powers of 1000 up to PB", () => {
    expect(scaleUnits(999, BYTES)).toMatchObject({ factor: 1, symbol: "B" })
    expect(scaleUnits(1_500, BYTES)).toMatchObject({ factor: 1e3, symbol: "KB" })
    expect(scaleUnits(2e6, BYTES)).toMatchObject({ factor: 1e6, symbol: "MB" })
    expect(scaleUnits(2e9, BYTES)).toMatchObject({ factor: 1e9, symbol: "GB" })
    expect(scaleUnits(2e12, BYTES)).toMatchObject({ factor: 1e12, symbol: "TB" })
    expect(scaleUnits(2e18, BYTES)).toMatchObject({ factor: 1e15, symbol: "PB" })
  })

  it("scales any other units by 1e3 steps and says so in the label", () => {
    expect(scaleUnits(500, "operations / second (ops/s)")).toEqual({
      factor: 1,
      symbol: "ops/s",
      units: "operations / second (ops/s)"
    })
    expect(scaleUnits(5e4, "operations / second (ops/s)")).toEqual({
      factor: 1e3,
      symbol: "1e3 x ops/s",
      units: "1e3 x operations / second (ops/s)"
    })
    expect(scaleUnits(5e16, "Measure (units)").factor).toBe(1e15)
  })

  it("keeps the smallest scale for zero, negative-small and non-finite minimums", () => {
    expect(scaleUnits(0, NANOSECONDS).factor).toBe(1)
    expect(scaleUnits(Number.NaN, BYTES).factor).toBe(1)
    expect(scaleUnits(0.5, "x (y)").factor).toBe(1)
  })

  it("always picks a factor no larger than the minimum (so no shown value is below 1 unit)", () => {
    fc.assert(
      fc.property(
        fc.double({ min: 1, max: 1e20, noNaN: true }),
        fc.constantFrom(NANOSECONDS, SECONDS, BYTES, "ops (ops)"),
        (min, units) => {
          const { factor } = scaleUnits(min, units)
          expect(min / factor).toBeGreaterThanOrEqual(1)
        }
      )
    )
  })

  it("chooses the scale of a set from its smallest value", () => {
    expect(scaleUnitsFor([5e6, 2_000, 9e9], NANOSECONDS).symbol).toBe("µs")
    expect(scaleUnitsFor([], NANOSECONDS).symbol).toBe("ns")
  })
})

describe("formatting", () => {
  it("groups thousands and keeps a fixed number of decimals", () => {
    expect(formatNumber(1234567.891)).toBe("1,234,567.89")
    expect(formatNumber(100)).toBe("100.00")
    expect(formatNumber(100, 0)).toBe("100")
    expect(formatNumber(0.5)).toBe("0.50")
    expect(formatNumber(-1234.5)).toBe("-1,234.50")
    expect(formatNumber(-0.001)).toBe("0.00")
  })

  it("formats a scaled value with its symbol", () => {
    expect(formatWithUnits(1_234_000, scaleUnits(1_234_000, NANOSECONDS))).toBe("1.23 ms")
  })

  it("formats percent changes with a sign", () => {
    expect(formatPercent(40)).toBe("+40.00%")
    expect(formatPercent(-3.14159)).toBe("-3.14%")
    expect(formatPercent(0)).toBe("0.00%")
    expect(formatPercent(-0.001)).toBe("0.00%")
  })

  it("computes the change against a baseline, undefined without one", () => {
    expect(percentChange(140, 100)).toBeCloseTo(40)
    expect(percentChange(90, 100)).toBeCloseTo(-10)
    expect(percentChange(1, 0)).toBeUndefined()
    expect(percentChange(1, null)).toBeUndefined()
  })

  it("reads the short symbol of a units string", () => {
    expect(unitsSymbol("nanoseconds (ns)")).toBe("ns")
    expect(unitsSymbol("operations / second (ops/s)")).toBe("ops/s")
    expect(unitsSymbol("collects")).toBe("collects")
  })
})

import { describe, expect, it } from "@effect/vitest"
import fc from "fast-check"
import { parseRange } from "../../src/server/registry.js"

describe("Range header", () => {
  it("yields a range inside the blob or 'invalid', never anything else", () => {
    fc.assert(
      fc.property(fc.nat(1000), fc.option(fc.nat(2000)), fc.option(fc.nat(2000)), (size, a, b) => {
        const header = `bytes=${a ?? ""}-${b ?? ""}`
        const range = parseRange(header, size)
        if (range === "invalid") return
        expect(range.start).toBeGreaterThanOrEqual(0)
        expect(range.end).toBeLessThan(size)
        expect(range.start).toBeLessThanOrEqual(range.end)
      })
    )
    expect(parseRange("bytes=0-0", 10)).toEqual({ start: 0, end: 0 })
    expect(parseRange("bytes=5-", 10)).toEqual({ start: 5, end: 9 })
    expect(parseRange("bytes=-4", 10)).toEqual({ start: 6, end: 9 })
    expect(parseRange("bytes=0-1,4-5", 10)).toBe("invalid")
  })
})

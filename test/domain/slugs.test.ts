import { describe, expect, it } from "@effect/vitest"
import fc from "fast-check"
import { isSlug, isUuid, slugify } from "../../src/domain/ids.js"
import { MAX_SLUG_LEN } from "../../src/domain/limits.js"

// isSlug is a pattern test on the hot path of every report (each benchmark key is classified); it must accept
// exactly the strings that slugify leaves unchanged, except those shaped like a UUID (a lookup reads them as one).
const bySlugify = (s: string) => s.length > 0 && s.length <= MAX_SLUG_LEN && slugify(s) === s && !isUuid(s)

describe("isSlug", () => {
  it("agrees with slugify on arbitrary and slug-like strings", () => {
    const slugish = fc.stringMatching(/^[a-z0-9_\- .A-Zé]{0,12}$/)
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.string({ unit: "binary" }), slugish), (s) => {
        expect(isSlug(s)).toBe(bySlugify(s))
      }),
      { numRuns: 5000 }
    )
  })

  it.each([
    ["bench-0", true],
    ["bench_0", false],
    ["-bench", false],
    ["bench-", false],
    ["bench--0", false],
    ["Bench", false],
    ["café", false],
    ["", false],
    ["a".repeat(MAX_SLUG_LEN), true],
    ["a".repeat(MAX_SLUG_LEN + 1), false],
    ["01234567-89ab-cdef-0123-456789abcdef", false],
    ["01234567-89ab-cdef-0123-456789abcdef-0", true]
  ])("%j is a slug: %s", (s, expected) => {
    expect(isSlug(s)).toBe(expected)
    expect(bySlugify(s)).toBe(expected)
  })
})

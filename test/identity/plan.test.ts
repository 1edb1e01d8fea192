import { describe, expect, it } from "@effect/vitest"
import { concurrencyOf, PRIORITY, resolveTimeout, tierOf, tierOfPriority } from "../../src/identity/plan.js"

describe("plan tiers", () => {
  it("orders job priority unclaimed < free < team < enterprise", () => {
    expect([PRIORITY.unclaimed, PRIORITY.free, PRIORITY.team, PRIORITY.enterprise]).toEqual([0, 100, 200, 300])
    expect([0, 99, 100, 199, 200, 299, 300, 1000].map(tierOfPriority)).toEqual([
      "unclaimed",
      "unclaimed",
      "free",
      "free",
      "team",
      "team",
      "enterprise",
      "enterprise"
    ])
  })

  it("treats any unclaimed organization as unclaimed whatever its plan", () => {
    expect(tierOf({ claimed: false, level: "enterprise" })).toBe("unclaimed")
    expect(tierOf({ claimed: true, level: "team" })).toBe("team")
  })

  it("limits concurrency: one per source IP unclaimed, one per organization free, unlimited team and enterprise", () => {
    expect((["unclaimed", "free", "team", "enterprise"] as const).map(concurrencyOf)).toEqual([
      "one-per-source-ip",
      "one-per-organization",
      "unlimited",
      "unlimited"
    ])
  })

  it("resolves job timeouts per tier: defaults, maxima and no upper bound for enterprise", () => {
    const seconds = (r: ReturnType<typeof resolveTimeout>) => (r._tag === "Right" ? r.seconds : r.message)
    expect(seconds(resolveTimeout("unclaimed", undefined))).toBe(60)
    expect(seconds(resolveTimeout("unclaimed", 61))).toContain("maximum of 60 s")
    expect(seconds(resolveTimeout("free", undefined))).toBe(300)
    expect(seconds(resolveTimeout("free", 300))).toBe(300)
    expect(seconds(resolveTimeout("free", 301))).toContain("maximum of 300 s")
    expect(seconds(resolveTimeout("team", undefined))).toBe(3600)
    expect(seconds(resolveTimeout("enterprise", undefined))).toBe(3600)
    expect(seconds(resolveTimeout("enterprise", 7 * 24 * 3600))).toBe(7 * 24 * 3600)
    expect(seconds(resolveTimeout("team", 0))).toContain("at least 1")
  })
})

import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { isUuid } from "../../src/domain/ids.js"
import { Ids, newOrderedUuids, uuidsV7 } from "../../src/store/ids.js"

const at = Date.parse("2026-03-04T05:06:07.089Z")

describe("uuidsV7", () => {
  it("stamps version 7 UUIDs with the given millisecond and the RFC 9562 variant", () => {
    const ids = uuidsV7(at, 2_000)
    expect(ids).toHaveLength(2_000)
    for (const id of ids) {
      expect(isUuid(id)).toBe(true)
      expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/)
      expect(Number.parseInt(id.slice(0, 8) + id.slice(9, 13), 16)).toBe(at)
    }
  })

  it("draws the other 74 bits at random: no repeats in a large batch, every digit used in every random place", () => {
    const ids = uuidsV7(at, 12_000)
    expect(new Set(ids).size).toBe(ids.length)
    // Positions after the timestamp and version digit; the variant digit (19) only takes 8-b.
    for (const position of [15, 16, 17, 20, 21, 22, 24, 30, 35]) {
      expect(new Set(ids.map((id) => id[position])).size).toBe(16)
    }
    expect(new Set(ids.map((id) => id[19]))).toEqual(new Set(["8", "9", "a", "b"]))
  })

  it("sorts later stamps after earlier ones, so rows of a newer report append to the uuid index", () => {
    const earlier = uuidsV7(at, 100)
    const later = uuidsV7(at + 1, 100)
    expect(earlier.every((a) => later.every((b) => a < b))).toBe(true)
  })

  it.effect("stamps a seeded source's own uuids when it has no orderedUuids, so a simulated run still replays", () =>
    Effect.gen(function* () {
      let n = 0
      const seeded = {
        uuid: Effect.sync(
          () => `00000000-0000-4000-${n % 2 === 0 ? "8" : "f"}000-${(n++).toString(16).padStart(12, "0")}`
        )
      }
      const first = yield* Effect.provideService(newOrderedUuids(at, 3), Ids, seeded)
      n = 0
      const again = yield* Effect.provideService(newOrderedUuids(at, 3), Ids, seeded)
      expect(first).toEqual(again)
      expect(first).toEqual([
        "019cb73d-3271-7000-8000-000000000000",
        "019cb73d-3271-7000-b000-000000000001",
        "019cb73d-3271-7000-8000-000000000002"
      ])
    })
  )

  it.effect("is what the default Ids service hands out", () =>
    Effect.gen(function* () {
      const ids = yield* newOrderedUuids(at, 3)
      expect(ids).toHaveLength(3)
      expect(ids.every((id) => id.startsWith(uuidsV7(at, 1)[0]?.slice(0, 15) ?? "?"))).toBe(true)
    })
  )
})

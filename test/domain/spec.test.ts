import { describe, expect, it } from "vitest"
import { localSpecMemory } from "../../src/domain/spec.js"

const MiB = 1024 * 1024
const GiB = 1024 * MiB

describe("localSpecMemory (the memory limit of `bencher up`'s spec local)", () => {
  it("is half of the host's memory, in whole MiB", () => {
    expect(localSpecMemory(4 * GiB)).toBe(2 * GiB)
    expect(localSpecMemory(1 * GiB)).toBe(512 * MiB)
    expect(localSpecMemory(3 * GiB + 3 * MiB)).toBe(1536 * MiB + MiB)
  })

  it("is at most 8 GiB", () => {
    expect(localSpecMemory(16 * GiB)).toBe(8 * GiB)
    expect(localSpecMemory(24 * GiB)).toBe(8 * GiB)
    expect(localSpecMemory(512 * GiB)).toBe(8 * GiB)
  })

  it("never gives the whole host", () => {
    for (const total of [256 * MiB, 2 * GiB, 8 * GiB, 64 * GiB]) expect(localSpecMemory(total)).toBeLessThan(total)
  })
})

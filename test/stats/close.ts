import { expect } from "vitest"

/** Asserts |actual − expected| ≤ relative·|expected| (exact equality when expected is 0). */
export const expectRelativelyClose = (actual: number | null, expected: number, relative: number): void => {
  expect(actual).not.toBeNull()
  const difference = Math.abs((actual ?? Number.NaN) - expected)
  expect(difference, `${actual} vs ${expected}`).toBeLessThanOrEqual(relative * Math.abs(expected))
}

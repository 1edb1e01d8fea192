// The t-test Otava runs between two neighbouring regimes (docs/changepoints.md §3): SciPy's `ttest_ind_from_stats`
// with pooled variance, fed population standard deviations, and p = 1 when both regimes hold two points or fewer.
import { studentTTwoSided } from "./student_t.js"

/** Level before and after a change point and how sure the t-test is that they differ. */
export interface RegimeStats {
  readonly meanBefore: number
  readonly stdBefore: number
  readonly meanAfter: number
  readonly stdAfter: number
  readonly pValue: number
}

interface Moments {
  readonly mean: number
  readonly std: number
}

// Two passes, as numpy's mean and std (ddof = 0); one point has no spread.
const moments = (data: ArrayLike<number>, from: number, to: number): Moments => {
  const n = to - from
  let sum = 0
  for (let i = from; i < to; i++) sum += data[i] ?? 0
  const mean = sum / n
  if (n < 2) return { mean, std: 0 }
  let squares = 0
  for (let i = from; i < to; i++) {
    const d = (data[i] ?? 0) - mean
    squares += d * d
  }
  return { mean, std: Math.sqrt(squares / n) }
}

/**
 * Compares `data[left, index)` with `data[index, right)`; both are non-empty. A zero pooled spread gives p = 0 when
 * the means differ and p = 1 when they are equal (SciPy answers NaN there; no evidence of a change is the reading).
 */
export const compareRegimes = (data: ArrayLike<number>, left: number, index: number, right: number): RegimeStats => {
  const before = moments(data, left, index)
  const after = moments(data, index, right)
  const n1 = index - left
  const n2 = right - index
  const stats = { meanBefore: before.mean, stdBefore: before.std, meanAfter: after.mean, stdAfter: after.std }
  if (n1 + n2 <= 2) return { ...stats, pValue: 1 }
  const df = n1 + n2 - 2
  const pooled = ((n1 - 1) * before.std * before.std + (n2 - 1) * after.std * after.std) / df
  const se = Math.sqrt(pooled * (1 / n1 + 1 / n2))
  const difference = before.mean - after.mean
  const pValue = se > 0 ? studentTTwoSided(difference / se, df) : difference === 0 ? 1 : 0
  return { ...stats, pValue: Number.isNaN(pValue) ? 1 : pValue }
}

/** Relative change from the level before to the level after: m₂/m₁ − 1. */
export const forwardChange = (s: Pick<RegimeStats, "meanBefore" | "meanAfter">): number =>
  s.meanAfter / s.meanBefore - 1

/**
 * Otava's magnitude max(|m₂/m₁ − 1|, |m₁/m₂ − 1|): the same for a rise and the matching fall. Two zero means are
 * no change; one zero mean is an infinite one.
 */
export const magnitude = (s: Pick<RegimeStats, "meanBefore" | "meanAfter">): number => {
  const m = Math.max(Math.abs(s.meanAfter / s.meanBefore - 1), Math.abs(s.meanBefore / s.meanAfter - 1))
  return Number.isNaN(m) ? 0 : m
}

// The t-test Otava runs between two neighbouring regimes (docs/changepoints.md §3): SciPy's `ttest_ind_from_stats`
// with pooled variance, fed population standard deviations, and p = 1 when both regimes hold two points or fewer.
import studentTQuantile from "@stdlib/stats-base-dists-t-quantile"
import { studentTTwoSided } from "./student_t.js"

/** Level before and after a change point and how sure the t-test is that they differ. */
export interface RegimeStats {
  readonly meanBefore: number
  readonly stdBefore: number
  readonly meanAfter: number
  readonly stdAfter: number
  readonly pValue: number
}

// Two passes, as numpy's mean and std (ddof = 0); one point has no spread. Written out twice below rather than
// returning an object per call: these run for every window of every append.
const meanOf = (data: ArrayLike<number>, from: number, to: number): number => {
  let sum = 0
  for (let i = from; i < to; i++) sum += data[i] ?? 0
  return sum / (to - from)
}
const stdOf = (data: ArrayLike<number>, from: number, to: number, mean: number): number => {
  if (to - from < 2) return 0
  let squares = 0
  for (let i = from; i < to; i++) {
    const d = (data[i] ?? 0) - mean
    squares += d * d
  }
  return Math.sqrt(squares / (to - from))
}

// Student's t statistic with pooled variance over population deviations; ±Infinity or NaN when nothing spreads.
const tStatistic = (n1: number, m1: number, s1: number, n2: number, m2: number, s2: number): number => {
  const df = n1 + n2 - 2
  const pooled = ((n1 - 1) * s1 * s1 + (n2 - 1) * s2 * s2) / df
  return (m1 - m2) / Math.sqrt(pooled * (1 / n1 + 1 / n2))
}

/** The t-test from each regime's size, mean and population deviation. */
export const compareMoments = (
  n1: number,
  meanBefore: number,
  stdBefore: number,
  n2: number,
  meanAfter: number,
  stdAfter: number
): RegimeStats => {
  let pValue = 1
  if (n1 + n2 > 2) {
    const t = tStatistic(n1, meanBefore, stdBefore, n2, meanAfter, stdAfter)
    pValue = Number.isNaN(t) ? 1 : studentTTwoSided(t, n1 + n2 - 2)
  }
  return { meanBefore, stdBefore, meanAfter, stdAfter, pValue: Number.isNaN(pValue) ? 1 : pValue }
}

/**
 * Compares `data[left, index)` with `data[index, right)`; both are non-empty. A zero pooled spread gives p = 0 when
 * the means differ and p = 1 when they are equal (SciPy answers NaN there; no evidence of a change is the reading).
 */
export const compareRegimes = (data: ArrayLike<number>, left: number, index: number, right: number): RegimeStats => {
  const meanBefore = meanOf(data, left, index)
  const meanAfter = meanOf(data, index, right)
  return compareMoments(
    index - left,
    meanBefore,
    stdOf(data, left, index, meanBefore),
    right - index,
    meanAfter,
    stdOf(data, index, right, meanAfter)
  )
}

/** Regimes up to this many points are summed directly; longer ones use the running sums. */
const DIRECT_UP_TO = 32

/**
 * Running sums of a growing series, shifted by its first value, so that the mean and deviation of a long regime cost
 * O(1). When the shifted sums would cancel away more than about four of the sixteen digits (a spread tiny beside the
 * distance from the first value), the regime is summed directly instead.
 */
export class RunningMoments {
  private sums = new Float64Array(65)
  private squares = new Float64Array(65)
  private shift = 0
  private n = 0

  push(value: number): void {
    if (this.n === 0) this.shift = value
    if (this.n + 1 >= this.sums.length) {
      const sums = new Float64Array(this.sums.length * 2)
      const squares = new Float64Array(this.sums.length * 2)
      sums.set(this.sums)
      squares.set(this.squares)
      this.sums = sums
      this.squares = squares
    }
    const d = value - this.shift
    this.sums[this.n + 1] = (this.sums[this.n] ?? 0) + d
    this.squares[this.n + 1] = (this.squares[this.n] ?? 0) + d * d
    this.n++
  }

  /** `compareRegimes` over the pushed values. */
  compare(data: ArrayLike<number>, left: number, index: number, right: number): RegimeStats {
    if (index - left <= DIRECT_UP_TO && right - index <= DIRECT_UP_TO) return compareRegimes(data, left, index, right)
    const [meanBefore, stdBefore] = this.moments(data, left, index)
    const [meanAfter, stdAfter] = this.moments(data, index, right)
    return compareMoments(index - left, meanBefore, stdBefore, right - index, meanAfter, stdAfter)
  }

  private moments(data: ArrayLike<number>, from: number, to: number): readonly [number, number] {
    const n = to - from
    if (n <= DIRECT_UP_TO) {
      const mean = meanOf(data, from, to)
      return [mean, stdOf(data, from, to, mean)]
    }
    const shiftedMean = ((this.sums[to] ?? 0) - (this.sums[from] ?? 0)) / n
    const meanSquare = ((this.squares[to] ?? 0) - (this.squares[from] ?? 0)) / n
    const variance = meanSquare - shiftedMean * shiftedMean
    if (!(variance >= 1e-4 * meanSquare)) {
      const mean = meanOf(data, from, to)
      return [mean, stdOf(data, from, to, mean)]
    }
    return [shiftedMean + this.shift, Math.sqrt(variance)]
  }
}

// Critical |t| per (p, degrees of freedom): the split step asks the same few pairs thousands of times.
const criticalCache = new Map<number, Map<number, number>>()
const criticalT = (p: number, df: number): number => {
  let byDf = criticalCache.get(p)
  if (byDf === undefined) {
    if (criticalCache.size > 64) criticalCache.clear()
    byDf = new Map()
    criticalCache.set(p, byDf)
  }
  let q = byDf.get(df)
  if (q === undefined) {
    q = studentTQuantile(1 - p / 2, df)
    if (byDf.size > 4096) byDf.clear()
    byDf.set(df, q)
  }
  return q
}

/**
 * Whether `compareRegimes(...).pValue <= maxPValue`, decided on |t| against the critical value instead of computing
 * the p-value: p ≤ α exactly when |t| ≥ t_{1−α/2, df}.
 */
export const significantChange = (
  data: ArrayLike<number>,
  left: number,
  index: number,
  right: number,
  maxPValue: number
): boolean => {
  const n1 = index - left
  const n2 = right - index
  if (n1 + n2 <= 2) return 1 <= maxPValue
  const m1 = meanOf(data, left, index)
  const m2 = meanOf(data, index, right)
  const t = tStatistic(n1, m1, stdOf(data, left, index, m1), n2, m2, stdOf(data, index, right, m2))
  if (Number.isNaN(t)) return 1 <= maxPValue
  if (maxPValue >= 1) return true
  return Math.abs(t) >= criticalT(maxPValue, n1 + n2 - 2)
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

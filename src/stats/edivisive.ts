// E-Divisive means inside one window, as Apache Otava runs it (docs/changepoints.md §2): the divergence of
// Matteson & James with α = 1, maximised over the split τ and the right end κ, accepted while a t-test says so.
import { significantChange } from "./regime_stats.js"

/** Each side of a split holds at least this many points, so both within-regime means are defined. */
const MIN_REGIME = 2

interface Candidate {
  /** First point of the new regime, window-local. */
  readonly index: number
  readonly q: number
}

// One scratch matrix reused by every window: the analysis of a long series runs thousands of windows.
let scratch = new Float64Array(0)

/**
 * Column prefix sums of the window's distance matrix: `sums[k·(m + 1) + i]` = Σ_{i' < i} |z_i' − z_k|. They make
 * every term of the divergence's recurrences O(1), in m·(m + 1) numbers for a window of m points.
 */
const distancePrefixSums = (data: ArrayLike<number>, start: number, m: number): Float64Array => {
  const size = m * (m + 1)
  if (scratch.length < size) scratch = new Float64Array(size)
  const sums = scratch
  for (let k = 0; k < m; k++) {
    const zk = data[start + k] ?? 0
    const row = k * (m + 1)
    let acc = 0
    sums[row] = 0
    for (let i = 0; i < m; i++) {
      acc += Math.abs((data[start + i] ?? 0) - zk)
      sums[row + i + 1] = acc
    }
  }
  return sums
}

/**
 * The split of `[s, e)` with the largest divergence Q̂(τ, κ) = τ'(κ'−τ')/κ' · Ê, where τ' = τ − s, κ' = κ − s and
 * Ê = 2·mean|X−Y| − mean|X−X'| − mean|Y−Y'| over X = z[s, τ), Y = z[τ, κ). The first maximum (τ, then κ,
 * ascending) wins ties.
 */
const bestSplit = (sums: Float64Array, m: number, s: number, e: number): Candidate | undefined => {
  if (e - s < 2 * MIN_REGIME) return undefined
  const width1 = m + 1
  let bestIndex = -1
  let bestQ = -Infinity
  // within = Σ_{s ≤ i < k < τ} d_ik for the current τ.
  let within = 0
  for (let k = s; k < s + MIN_REGIME; k++) within += (sums[k * width1 + k] ?? 0) - (sums[k * width1 + s] ?? 0)
  for (let tau = s + MIN_REGIME; tau + MIN_REGIME <= e; tau++) {
    const left = tau - s
    let across = 0
    let right = 0
    for (let j = tau; j < e; j++) {
      const row = j * width1
      const toTau = sums[row + tau] ?? 0
      across += toTau - (sums[row + s] ?? 0)
      right += (sums[row + j] ?? 0) - toTau
      const kappa = j + 1 - s
      const width = kappa - left
      if (width < MIN_REGIME) continue
      const q =
        (2 * across) / kappa - (2 * width * within) / (kappa * (left - 1)) - (2 * left * right) / (kappa * (width - 1))
      if (bestIndex < 0 || q > bestQ) {
        bestIndex = tau
        bestQ = q
      }
    }
    within += (sums[tau * width1 + tau] ?? 0) - (sums[tau * width1 + s] ?? 0)
  }
  return bestIndex < 0 ? undefined : { index: bestIndex, q: bestQ }
}

interface Interval {
  readonly start: number
  readonly end: number
  readonly candidate: Candidate | undefined
}

/**
 * Change points of `data[start, end)` (absolute indices, ascending): repeatedly take the strongest split over all
 * intervals between accepted points and keep it while its t-test p-value is at most `maxPValue`.
 */
export const eDivisive = (data: ArrayLike<number>, start: number, end: number, maxPValue: number): Array<number> => {
  const m = end - start
  if (m < 2 * MIN_REGIME) return []
  const sums = distancePrefixSums(data, start, m)
  const interval = (s: number, e: number): Interval => ({ start: s, end: e, candidate: bestSplit(sums, m, s, e) })
  const intervals: Array<Interval> = [interval(0, m)]
  const found: Array<number> = []
  for (;;) {
    let chosen = -1
    let bestQ = -Infinity
    intervals.forEach((iv, i) => {
      if (iv.candidate !== undefined && (chosen < 0 || iv.candidate.q > bestQ)) {
        chosen = i
        bestQ = iv.candidate.q
      }
    })
    const iv = intervals[chosen]
    const candidate = iv?.candidate
    if (iv === undefined || candidate === undefined) break
    if (!significantChange(data, start + iv.start, start + candidate.index, start + iv.end, maxPValue)) break
    found.push(start + candidate.index)
    intervals.splice(chosen, 1, interval(iv.start, candidate.index), interval(candidate.index, iv.end))
  }
  return found.sort((a, b) => a - b)
}

// Folding several iterations into one (docs/reference.md §2.5). Per benchmark and measure, over
// the iterations where the pair appears:
// - min / max pick a whole metric, ordered by value, then upper bound, then lower bound (absent first);
// - mean averages; a bound missing in one iteration counts as that iteration's value (Bencher's
//   `option_add`), and stays absent only if every iteration lacks it;
// - median takes the middle metric in that order, or the mean of the two middle ones.
// Means are running means, so identical iterations fold to exactly themselves.
import type { Bmf, BmfMetric } from "../domain/bmf.js"
import { metric } from "../domain/bmf.js"
import type { Fold } from "./adapter.js"

const compareOptional = (a: number | undefined, b: number | undefined): number =>
  a === undefined ? (b === undefined ? 0 : -1) : b === undefined ? 1 : a < b ? -1 : a > b ? 1 : 0

export const compareMetric = (a: BmfMetric, b: BmfMetric): number =>
  (a.value < b.value ? -1 : a.value > b.value ? 1 : 0) ||
  compareOptional(a.upper_value, b.upper_value) ||
  compareOptional(a.lower_value, b.lower_value)

const runningMean = (xs: ReadonlyArray<number>): number => {
  let m = xs[0] ?? 0
  for (let k = 1; k < xs.length; k++) {
    const x = xs[k] ?? 0
    if (x !== m) m += (x - m) / (k + 1)
  }
  return m
}

export const meanMetric = (ms: ReadonlyArray<BmfMetric>): BmfMetric => {
  const value = runningMean(ms.map((m) => m.value))
  const anyLower = ms.some((m) => m.lower_value !== undefined)
  const anyUpper = ms.some((m) => m.upper_value !== undefined)
  return metric(
    value,
    anyLower ? runningMean(ms.map((m) => m.lower_value ?? m.value)) : undefined,
    anyUpper ? runningMean(ms.map((m) => m.upper_value ?? m.value)) : undefined
  )
}

const foldMetrics = (fold: Fold, ms: ReadonlyArray<BmfMetric>): BmfMetric | undefined => {
  if (ms.length === 0) return undefined
  switch (fold) {
    case "min":
      return ms.reduce((a, b) => (compareMetric(b, a) < 0 ? b : a))
    case "max":
      return ms.reduce((a, b) => (compareMetric(b, a) > 0 ? b : a))
    case "mean":
      return meanMetric(ms)
    case "median": {
      const sorted = [...ms].sort(compareMetric)
      const mid = Math.floor(sorted.length / 2)
      const upper = sorted[mid]
      if (sorted.length % 2 === 1 || upper === undefined) return upper
      const lower = sorted[mid - 1]
      return lower === undefined ? upper : meanMetric([lower, upper])
    }
  }
}

export const foldIterations = (fold: Fold, iterations: ReadonlyArray<Bmf>): Bmf => {
  const grouped = new Map<string, Map<string, Array<BmfMetric>>>()
  for (const bmf of iterations) {
    for (const [benchmark, measures] of Object.entries(bmf)) {
      let byMeasure = grouped.get(benchmark)
      if (byMeasure === undefined) {
        byMeasure = new Map()
        grouped.set(benchmark, byMeasure)
      }
      for (const [measure, m] of Object.entries(measures)) {
        const list = byMeasure.get(measure)
        if (list === undefined) byMeasure.set(measure, [m])
        else list.push(m)
      }
    }
  }
  const out: Array<readonly [string, Record<string, BmfMetric>]> = []
  for (const [benchmark, byMeasure] of grouped) {
    const measures: Array<readonly [string, BmfMetric]> = []
    for (const [measure, list] of byMeasure) {
      const folded = foldMetrics(fold, list)
      if (folded !== undefined) measures.push([measure, folded])
    }
    out.push([benchmark, Object.fromEntries(measures)])
  }
  return Object.fromEntries(out)
}

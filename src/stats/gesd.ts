// The generalized extreme studentized deviate test (Rosner 1983) as MongoDB's signal-processing-algorithms runs it
// (docs/changepoints.md §6): remove the most extreme value up to `maxOutliers` times, and call outliers all values up
// to the last removal whose statistic beat its critical value. With `mad`, the median and 1.4826·MAD replace the
// mean and standard deviation.
import studentTQuantile from "@stdlib/stats-base-dists-t-quantile"

export interface GesdOptions {
  readonly maxOutliers: number
  readonly significance: number
  readonly mad: boolean
}

export const GESD_DEFAULTS: GesdOptions = { maxOutliers: 10, significance: 0.05, mad: false }

export interface GesdResult {
  /** How many of `suspicious` are outliers, counted from its start. */
  readonly count: number
  /** Indexes in the order they were removed, most extreme first. */
  readonly suspicious: ReadonlyArray<number>
  readonly statistics: ReadonlyArray<number>
  readonly criticalValues: ReadonlyArray<number>
}

/** MAD → standard deviation of a normal sample. */
const MAD_SCALE = 1.4826

const median = (sorted: ReadonlyArray<number>): number => {
  const mid = sorted.length >> 1
  const upper = sorted[mid] ?? Number.NaN
  return sorted.length % 2 === 1 ? upper : ((sorted[mid - 1] ?? Number.NaN) + upper) / 2
}

const centreAndSpread = (kept: ReadonlyArray<number>, mad: boolean): { centre: number; spread: number } => {
  if (mad) {
    const centre = median([...kept].sort((a, b) => a - b))
    const deviations = kept.map((v) => Math.abs(v - centre)).sort((a, b) => a - b)
    return { centre, spread: MAD_SCALE * median(deviations) }
  }
  let sum = 0
  for (const v of kept) sum += v
  const centre = sum / kept.length
  let squares = 0
  for (const v of kept) squares += (v - centre) ** 2
  // The sample standard deviation, as Rosner defines the statistic.
  return { centre, spread: Math.sqrt(squares / (kept.length - 1)) }
}

/** GESD over finite `values`. Stops early when fewer than three values remain or they have no spread. */
export const gesd = (values: ReadonlyArray<number>, options: GesdOptions = GESD_DEFAULTS): GesdResult => {
  const n = values.length
  const removed = new Uint8Array(n)
  const suspicious: Array<number> = []
  const statistics: Array<number> = []
  const criticalValues: Array<number> = []
  const rounds = Math.min(options.maxOutliers, n - 1)
  for (let i = 0; i < rounds; i++) {
    const size = n - i
    if (size < 3) break
    const kept = values.filter((_, j) => removed[j] === 0)
    const { centre, spread } = centreAndSpread(kept, options.mad)
    if (!(spread > 0)) break
    let worst = -1
    let statistic = -Infinity
    values.forEach((v, j) => {
      const z = Math.abs(v - centre) / spread
      if (removed[j] === 0 && z > statistic) {
        worst = j
        statistic = z
      }
    })
    const t = studentTQuantile(1 - options.significance / (2 * size), size - 2)
    criticalValues.push(((size - 1) * t) / Math.sqrt((size - 2 + t * t) * size))
    statistics.push(statistic)
    suspicious.push(worst)
    removed[worst] = 1
  }
  let count = 0
  statistics.forEach((r, i) => {
    if (r > (criticalValues[i] ?? Infinity)) count = i + 1
  })
  return { count, suspicious, statistics, criticalValues }
}

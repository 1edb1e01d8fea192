// Conbench's outlier pre-filter `remove_outliers_by_iqrdist` (docs/changepoints.md §6): a value further from the
// median than `iqDistance` interquartile ranges is an outlier, except among the newest `keepLast` points, which may be
// the start of a new regime rather than noise.
import { quartiles } from "./quartiles.js"

export interface IqrDistanceOptions {
  readonly iqDistance: number
  readonly keepLast: number
}

export const IQR_DISTANCE_DEFAULTS: IqrDistanceOptions = { iqDistance: 10, keepLast: 2 }

/**
 * Indexes of the outliers of `values` (oldest first), ascending. Non-finite values (missing results) are neither
 * counted in the quartiles nor flagged. A zero IQR flags nothing: the fixtures do not say, and a mostly constant
 * series (integer counts) would otherwise lose every other value.
 */
export const iqrDistanceOutliers = (
  values: ReadonlyArray<number>,
  options: IqrDistanceOptions = IQR_DISTANCE_DEFAULTS
): Array<number> => {
  const q = quartiles(values.filter(Number.isFinite))
  if (q === undefined) return []
  const iqr = q.q3 - q.q1
  if (!(iqr > 0)) return []
  const limit = options.iqDistance * iqr
  const protectedFrom = values.length - options.keepLast
  const outliers: Array<number> = []
  values.forEach((v, i) => {
    if (i < protectedFrom && Number.isFinite(v) && Math.abs(v - q.q2) > limit) outliers.push(i)
  })
  return outliers
}

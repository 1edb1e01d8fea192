// Boundary limits for one new metric from its history, after Bencher's `bencher_boundary` (docs/reference.md §3.3, §3.4).
import normalQuantile from "@stdlib/stats-base-dists-normal-quantile"
import studentTQuantile from "@stdlib/stats-base-dists-t-quantile"
import { mean, meanAndStdDeviation } from "./mean.js"
import type { Model } from "./model.js"
import { deltaQuartiles, quartiles } from "./quartiles.js"

/** What a boundary row stores; each part may be NULL. */
export interface Limits {
  readonly baseline: number | null
  readonly lower_limit: number | null
  readonly upper_limit: number | null
}

export type OutlierSide = "lower" | "upper"

export const NO_LIMITS: Limits = { baseline: null, lower_limit: null, upper_limit: null }

interface Boundaries {
  readonly lower: number | null
  readonly upper: number | null
}

const storable = (v: number | null): boolean => v === null || Number.isFinite(v)

// Baseline and limits come out together or not at all: Bencher's `MetricsBoundary::new` returns no boundary on any
// gate or degenerate history, so the row's baseline is NULL whenever its limits are (static never has a baseline).
const limitsAround = (
  baseline: number,
  boundaries: Boundaries,
  lowerLimit: (b: number) => number,
  upperLimit: (b: number) => number
): Limits => {
  const limits: Limits = {
    baseline,
    lower_limit: boundaries.lower === null ? null : lowerLimit(boundaries.lower),
    upper_limit: boundaries.upper === null ? null : upperLimit(boundaries.upper)
  }
  // A non-finite limit (overflowing history) could not be stored or compared meaningfully.
  return storable(limits.baseline) && storable(limits.lower_limit) && storable(limits.upper_limit) ? limits : NO_LIMITS
}

/**
 * Student's t quantile for (p, degrees of freedom). It is costly (an inverse incomplete beta) and a report of
 * many benchmarks asks for the same few pairs, so answers are remembered; the function is pure.
 */
const tQuantileCache = new Map<string, number>()
const cachedStudentTQuantile = (p: number, df: number): number => {
  const key = `${p}:${df}`
  const known = tQuantileCache.get(key)
  if (known !== undefined) return known
  const q = studentTQuantile(p, df)
  if (tQuantileCache.size > 10_000) tQuantileCache.clear()
  tQuantileCache.set(key, q)
  return q
}

// The lower limit mirrors the upper quantile around the baseline, so one percentile means one-sided on each side.
const mirroredQuantile = (baseline: number, boundaries: Boundaries, quantile: (p: number) => number): Limits =>
  limitsAround(baseline, boundaries, (b) => 2 * baseline - quantile(b), quantile)

// Percentage and the IQR tests widen the baseline by a spread times the boundary on each side.
const spreadAround = (baseline: number, spread: number, boundaries: Boundaries): Limits =>
  limitsAround(
    baseline,
    boundaries,
    (b) => baseline - spread * b,
    (b) => baseline + spread * b
  )

const percentageLimits = (history: ReadonlyArray<number>, boundaries: Boundaries): Limits => {
  const center = mean(history)
  return center === undefined ? NO_LIMITS : spreadAround(center, center, boundaries)
}

const zScoreLimits = (history: ReadonlyArray<number>, boundaries: Boundaries): Limits => {
  const moments = meanAndStdDeviation(history)
  if (moments === undefined) return NO_LIMITS
  const { mean: center, std } = moments
  return mirroredQuantile(center, boundaries, (p) => normalQuantile(p, center, std))
}

// A prediction interval for one new value: scale std·sqrt(1 + 1/n), n − 1 degrees of freedom.
const tTestLimits = (history: ReadonlyArray<number>, boundaries: Boundaries): Limits => {
  const moments = meanAndStdDeviation(history)
  if (moments === undefined) return NO_LIMITS
  const { mean: center, std } = moments
  const n = history.length
  const scale = std * Math.sqrt(1 + 1 / n)
  return mirroredQuantile(center, boundaries, (p) => center + scale * cachedStudentTQuantile(p, n - 1))
}

// Normal in log space; a non-positive value has no logarithm, so its mean is not finite and there are no limits.
const logNormalLimits = (history: ReadonlyArray<number>, boundaries: Boundaries): Limits => {
  const moments = meanAndStdDeviation(history.map(Math.log))
  if (moments === undefined) return NO_LIMITS
  const { mean: mu, std: sigma } = moments
  return mirroredQuantile(Math.exp(mu), boundaries, (p) => Math.exp(mu + sigma * normalQuantile(p, 0, 1)))
}

const iqrLimits = (history: ReadonlyArray<number>, boundaries: Boundaries): Limits => {
  const q = quartiles(history)
  return q === undefined ? NO_LIMITS : spreadAround(q.q2, q.q3 - q.q1, boundaries)
}

const deltaIqrLimits = (history: ReadonlyArray<number>, boundaries: Boundaries): Limits => {
  const q = quartiles(history)
  const dq = deltaQuartiles(history)
  return q === undefined || dq === undefined ? NO_LIMITS : spreadAround(q.q2, q.q2 * (dq.q3 - dq.q1), boundaries)
}

/**
 * Limits for the next metric of a threshold. `history` holds the prior metrics newest first, already cut to
 * `max_sample_size` and `window` by the caller's query; the new metric is never part of it.
 */
export const computeLimits = (model: Model, history: ReadonlyArray<number>): Limits => {
  const boundaries: Boundaries = { lower: model.lower_boundary ?? null, upper: model.upper_boundary ?? null }
  if (boundaries.lower === null && boundaries.upper === null) return NO_LIMITS
  if (model.min_sample_size !== undefined && history.length < model.min_sample_size) return NO_LIMITS
  // Even static waits for one prior metric.
  if (history.length === 0) return NO_LIMITS
  switch (model.test) {
    case "static":
      return { baseline: null, lower_limit: boundaries.lower, upper_limit: boundaries.upper }
    case "percentage":
      return percentageLimits(history, boundaries)
    case "z_score":
      return zScoreLimits(history, boundaries)
    case "t_test":
      return tTestLimits(history, boundaries)
    case "log_normal":
      return logNormalLimits(history, boundaries)
    case "iqr":
      return iqrLimits(history, boundaries)
    case "delta_iqr":
      return deltaIqrLimits(history, boundaries)
  }
}

/** Which limit a value breaks: strictly below the lower one first, else strictly above the upper one. */
export const outlier = (value: number, limits: Pick<Limits, "lower_limit" | "upper_limit">): OutlierSide | null => {
  if (limits.lower_limit !== null && value < limits.lower_limit) return "lower"
  if (limits.upper_limit !== null && value > limits.upper_limit) return "upper"
  return null
}

// Change points of a series as Apache Otava finds them (docs/changepoints.md): E-Divisive means in overlapping
// windows with a relaxed p-value (the split step), then the merge step over the whole series. `ChangePointSeries`
// keeps the state that lets one appended point re-analyse only the tail and still give the full analysis's answer.
import { eDivisive } from "./edivisive.js"
import { forwardChange, magnitude, RunningMoments } from "./regime_stats.js"
import { type MergeTrace, mergeWeak, type PointStats, survivesBetween } from "./weak_merge.js"

export interface ChangePointOptions {
  /** Points per split window; windows advance by half of it. At least 2. */
  readonly window: number
  /** A change point is kept while its t-test p-value is below this. */
  readonly maxPValue: number
  /** A change point is kept while its magnitude is above this (0.05 = 5 %). */
  readonly minMagnitude: number
}

/** Otava's command-line defaults. */
export const CHANGE_POINT_DEFAULTS: ChangePointOptions = { window: 50, maxPValue: 0.001, minMagnitude: 0 }

export interface ChangePoint {
  /** The first point of the new regime, so never 0. */
  readonly index: number
  readonly meanBefore: number
  readonly stdBefore: number
  readonly meanAfter: number
  readonly stdAfter: number
  readonly pValue: number
  /** meanAfter / meanBefore − 1. */
  readonly forwardChange: number
  /** max(|m₂/m₁ − 1|, |m₁/m₂ − 1|). */
  readonly magnitude: number
}

/** The split step's per-window p-value: 10·p below 0.05, 2·p below 0.5, else p (Otava; Hunter always took 10·p). */
export const relaxedPValue = (p: number): number => (p < 0.05 ? 10 * p : p < 0.5 ? 2 * p : p)

// Statistics are cached per (left, index, right). Below 2^17 points a number packs the three (under 2^51); a longer
// series uses text keys.
const KEY_SPAN = 2 ** 17
const keyOf = (left: number, index: number, right: number): number | string =>
  Math.max(left, index, right) < KEY_SPAN ? (left * KEY_SPAN + index) * KEY_SPAN + right : `${left},${index},${right}`
const CACHE_LIMIT = 1 << 16

/** One series whose change points follow it as points are appended. */
export class ChangePointSeries {
  private data = new Float64Array(64)
  private n = 0
  private readonly moments = new RunningMoments()
  private readonly step: number
  private readonly splitPValue: number
  // Split step: windows wholly inside the series never change, so their change points are kept; the windows that
  // reach the end are redone on every append, starting at `nextStart`.
  private nextStart = 0
  private readonly settledWeak: Array<number> = []
  private tailWeak: Array<number> = []
  // Merge step: the change points that stayed, and the merge traces between two of them (see mergeIncrementally).
  private survivors: ReadonlyArray<number> = []
  private between = new Map<number | string, MergeTrace>()
  private interior = new Map<number | string, PointStats>()
  private atEnd = new Map<number | string, PointStats>()
  private current: ReadonlyArray<ChangePoint> = []

  constructor(readonly options: ChangePointOptions = CHANGE_POINT_DEFAULTS) {
    if (!Number.isInteger(options.window) || options.window < 2) throw new RangeError("window must be an integer ≥ 2")
    this.step = Math.floor(options.window / 2)
    this.splitPValue = relaxedPValue(options.maxPValue)
  }

  get length(): number {
    return this.n
  }

  /** The change points of the series so far, ascending. */
  get changePoints(): ReadonlyArray<ChangePoint> {
    return this.current
  }

  /** Appends one point and updates the change points, re-analysing only what the point can change. */
  push(value: number): ReadonlyArray<ChangePoint> {
    const settledBefore = this.nextStart
    this.append(value)
    this.split()
    this.mergeIncrementally(settledBefore)
    return this.current
  }

  /** Appends many points and analyses the whole series once, as a full analysis does. */
  pushAll(values: Iterable<number>): ReadonlyArray<ChangePoint> {
    for (const v of values) this.append(v)
    this.split()
    this.mergeAll()
    return this.current
  }

  private append(value: number): void {
    if (!Number.isFinite(value)) throw new RangeError("change-point analysis needs finite values")
    if (this.n === this.data.length) {
      const grown = new Float64Array(this.data.length * 2)
      grown.set(this.data)
      this.data = grown
    }
    this.data[this.n++] = value
    this.moments.push(value)
    this.atEnd = new Map()
  }

  // Otava's loop: a window [start, start + window) is analysed, then the next starts at the later of its last change
  // point and start + step.
  private split(): void {
    const { window } = this.options
    while (this.nextStart + window <= this.n) {
      const found = eDivisive(this.data, this.nextStart, this.nextStart + window, this.splitPValue)
      for (const index of found) insertSorted(this.settledWeak, index)
      this.nextStart = Math.max(found[found.length - 1] ?? 0, this.nextStart + this.step)
    }
    const tail: Array<number> = []
    for (let start = this.nextStart; start < this.n; ) {
      const found = eDivisive(this.data, start, this.n, this.splitPValue)
      for (const index of found) insertSorted(tail, index)
      start = Math.max(found[found.length - 1] ?? 0, start + this.step)
    }
    this.tailWeak = tail
  }

  /** The weak change points in (`from`, `to`), ascending and without repeats. */
  private weakBetween(from: number, to: number): Array<number> {
    const out: Array<number> = []
    const settled = this.settledWeak
    const tail = this.tailWeak
    let i = firstAbove(settled, from)
    let j = firstAbove(tail, from)
    for (;;) {
      const a = settled[i] ?? Infinity
      const b = tail[j] ?? Infinity
      const next = Math.min(a, b)
      if (next >= to) return out
      if (a === next) i++
      if (b === next) j++
      out.push(next)
    }
  }

  private statsOf = (left: number, index: number, right: number): PointStats => {
    if (right === this.n) {
      const key = keyOf(left, index, 0)
      const known = this.atEnd.get(key)
      if (known !== undefined) return known
      const s = this.compute(left, index, right)
      this.atEnd.set(key, s)
      return s
    }
    const key = keyOf(left, index, right)
    const known = this.interior.get(key)
    if (known !== undefined) return known
    const s = this.compute(left, index, right)
    if (this.interior.size >= CACHE_LIMIT) this.interior = new Map()
    this.interior.set(key, s)
    return s
  }

  private compute(left: number, index: number, right: number): PointStats {
    const s = this.moments.compare(this.data, left, index, right)
    return { ...s, magnitude: magnitude(s) }
  }

  /**
   * A change point b that stayed in the last merge and lies before every weak point this append could change splits
   * the merge in two if it stays again: before it nothing changes, after it the region (b, n) is merged on its own.
   * Whether it stays is decided exactly by replaying the two sides' traces (`survivesBetween`); the trace of the
   * side (a, b), a being the change point before b, never changes, so it is kept. When b would go, the one before
   * it is tried, then the whole series is merged (docs/changepoints.md §5).
   */
  private mergeIncrementally(settledBefore: number): void {
    let tries = 2
    for (let k = this.survivors.length - 1; k >= 0 && tries > 0; k--) {
      const b = this.survivors[k] ?? 0
      if (b >= settledBefore) continue
      tries--
      const a = this.survivors[k - 1] ?? 0
      const region = mergeWeak(this.weakBetween(b, this.n), b, this.n, this.options, this.statsOf)
      if (survivesBetween(b, this.traceBetween(a, b), a, region.trace, this.n, this.options, this.statsOf)) {
        this.publish([...this.survivors.slice(0, k + 1), ...region.survivors])
        return
      }
    }
    this.mergeAll()
  }

  private traceBetween(a: number, b: number): MergeTrace {
    const key = keyOf(a, b, 0)
    const known = this.between.get(key)
    if (known !== undefined) return known
    const { trace } = mergeWeak(this.weakBetween(a, b), a, b, this.options, this.statsOf)
    if (this.between.size >= 1024) this.between = new Map()
    this.between.set(key, trace)
    return trace
  }

  private mergeAll(): void {
    this.publish(mergeWeak(this.weakBetween(0, this.n), 0, this.n, this.options, this.statsOf, false).survivors)
  }

  private publish(survivors: ReadonlyArray<number>): void {
    this.survivors = survivors
    this.current = survivors.map((index, k) => {
      const stats = this.statsOf(survivors[k - 1] ?? 0, index, survivors[k + 1] ?? this.n)
      return {
        index,
        meanBefore: stats.meanBefore,
        stdBefore: stats.stdBefore,
        meanAfter: stats.meanAfter,
        stdAfter: stats.stdAfter,
        pValue: stats.pValue,
        forwardChange: forwardChange(stats),
        magnitude: stats.magnitude
      }
    })
  }
}

const firstAbove = (sorted: ReadonlyArray<number>, value: number): number => {
  let lo = 0
  let hi = sorted.length
  while (lo < hi) {
    const mid = (lo + hi) >> 1
    if ((sorted[mid] ?? Infinity) > value) hi = mid
    else lo = mid + 1
  }
  return lo
}

const insertSorted = (sorted: Array<number>, value: number): void => {
  const at = firstAbove(sorted, value)
  if (sorted[at - 1] !== value) sorted.splice(at, 0, value)
}

/** The change points of a whole series (full analysis). */
export const changePoints = (
  series: ReadonlyArray<number>,
  options: ChangePointOptions = CHANGE_POINT_DEFAULTS
): ReadonlyArray<ChangePoint> => new ChangePointSeries(options).pushAll(series)

// Otava's merge step (docs/changepoints.md §3): drop weak change points, the largest p-value first while it is at
// least `maxPValue`, then the smallest magnitude while it is at most `minMagnitude`, recomputing the neighbours of
// each dropped point.
import { MinHeap } from "./min_heap.js"
import type { RegimeStats } from "./regime_stats.js"

/** The statistics of a point between two neighbours; `magnitude` as `regime_stats.magnitude` defines it. */
export interface PointStats extends RegimeStats {
  readonly magnitude: number
}

export type StatsOf = (left: number, index: number, right: number) => PointStats

export interface MergeThresholds {
  readonly maxPValue: number
  readonly minMagnitude: number
}

/**
 * What a merge looked like before each removal and at its end (state k is before the k-th removal, so there are
 * removals + 1 states): the point a removal would take first by p-value and by magnitude, and the points next to the
 * region's two ends. Index −1 means the region was empty.
 */
export interface MergeTrace {
  readonly topP: Array<number>
  readonly topPIndex: Array<number>
  readonly topMagnitude: Array<number>
  readonly topMagnitudeIndex: Array<number>
  /** First point still standing (the left end's right neighbour), or −1. */
  readonly first: Array<number>
  /** Last point still standing (the right end's left neighbour), or −1. */
  readonly last: Array<number>
}

export interface MergeResult {
  /** Indexes of the change points that stay, ascending. */
  readonly survivors: Array<number>
  readonly trace: MergeTrace
}

interface Entry {
  readonly node: number
  readonly version: number
  readonly index: number
  readonly key: number
}

/**
 * Merges the weak change points `weak` (ascending, all inside (`left`, `right`)) of a region whose ends `left` and
 * `right` stay fixed. Ties go to the lowest index, as Python's `max`/`min` over the ordered list pick the first.
 * Without `traced`, the trace comes back empty.
 */
export const mergeWeak = (
  weak: ReadonlyArray<number>,
  left: number,
  right: number,
  thresholds: MergeThresholds,
  statsOf: StatsOf,
  traced = true
): MergeResult => {
  const count = weak.length
  const prev = new Int32Array(count)
  const next = new Int32Array(count)
  const version = new Int32Array(count)
  const alive = new Uint8Array(count).fill(1)
  let head = count > 0 ? 0 : -1
  let tail = count - 1
  const trace: MergeTrace = { topP: [], topPIndex: [], topMagnitude: [], topMagnitudeIndex: [], first: [], last: [] }
  const indexOf = (node: number, boundary: number): number =>
    node < 0 || node >= count ? boundary : (weak[node] ?? boundary)
  // Largest p first; smallest magnitude first; each then the lowest index.
  const byP = new MinHeap<Entry>((a, b) => a.key > b.key || (a.key === b.key && a.index < b.index))
  const byMagnitude = new MinHeap<Entry>((a, b) => a.key < b.key || (a.key === b.key && a.index < b.index))
  const refresh = (node: number): void => {
    const index = weak[node] ?? 0
    const s = statsOf(indexOf(prev[node] ?? -1, left), index, indexOf(next[node] ?? count, right))
    const v = (version[node] ?? 0) + 1
    version[node] = v
    byP.push({ node, version: v, index, key: s.pValue })
    byMagnitude.push({ node, version: v, index, key: s.magnitude })
  }
  for (let node = 0; node < count; node++) {
    prev[node] = node - 1
    next[node] = node + 1
  }
  for (let node = 0; node < count; node++) refresh(node)

  const current = (heap: MinHeap<Entry>): Entry | undefined => {
    for (;;) {
      const top = heap.peek()
      if (top === undefined || (alive[top.node] === 1 && version[top.node] === top.version)) return top
      heap.pop()
    }
  }
  const record = (p: Entry | undefined, m: Entry | undefined): void => {
    if (!traced) return
    trace.topP.push(p?.key ?? 0)
    trace.topPIndex.push(p?.index ?? -1)
    trace.topMagnitude.push(m?.key ?? 0)
    trace.topMagnitudeIndex.push(m?.index ?? -1)
    trace.first.push(head < 0 ? -1 : (weak[head] ?? -1))
    trace.last.push(tail < 0 ? -1 : (weak[tail] ?? -1))
  }
  const remove = (node: number): void => {
    alive[node] = 0
    const p = prev[node] ?? -1
    const n = next[node] ?? count
    if (p >= 0) next[p] = n
    else head = n < count ? n : -1
    if (n < count) prev[n] = p
    else tail = p
    if (p >= 0) refresh(p)
    if (n < count) refresh(n)
  }

  for (;;) {
    const weakest = current(byP)
    const smallest = current(byMagnitude)
    record(weakest, smallest)
    if (weakest === undefined) break
    if (weakest.key >= thresholds.maxPValue) remove(weakest.node)
    else if (smallest !== undefined && smallest.key <= thresholds.minMagnitude) remove(smallest.node)
    else break
  }

  const survivors: Array<number> = []
  for (let node = 0; node < count; node++) if (alive[node] === 1) survivors.push(weak[node] ?? 0)
  return { survivors, trace }
}

/**
 * Whether `point` survives a merge in which it stands between two regions that are merged on their own (`before`
 * ends at `point`, `after` starts at it). Removals on one side change nothing on the other, so the merge of the
 * whole is the two traces interleaved, each step taken by whichever side's (or the point's own) candidate the global
 * rule picks first; replaying that interleaving says exactly whether the point is ever picked
 * (docs/changepoints.md §5). `leftEnd`/`rightEnd` are the outer ends of the two regions: the point's neighbours
 * when a region is empty.
 */
export const survivesBetween = (
  point: number,
  before: MergeTrace,
  leftEnd: number,
  after: MergeTrace,
  rightEnd: number,
  thresholds: MergeThresholds,
  statsOf: StatsOf
): boolean => {
  let i = 0
  let j = 0
  for (;;) {
    const lIndex = before.topPIndex[i]
    const rIndex = after.topPIndex[j]
    if (lIndex === undefined || rIndex === undefined) return false
    const leftNeighbour = before.last[i] ?? -1
    const rightNeighbour = after.first[j] ?? -1
    const own = statsOf(
      leftNeighbour < 0 ? leftEnd : leftNeighbour,
      point,
      rightNeighbour < 0 ? rightEnd : rightNeighbour
    )
    // Candidates in index order: the left region's, the point, the right region's; the first best wins.
    const lp = lIndex < 0 ? -Infinity : (before.topP[i] ?? -Infinity)
    const rp = rIndex < 0 ? -Infinity : (after.topP[j] ?? -Infinity)
    const maxP = Math.max(lp, own.pValue, rp)
    if (maxP >= thresholds.maxPValue) {
      if (lp === maxP) i++
      else if (own.pValue === maxP) return false
      else j++
      continue
    }
    const lm = lIndex < 0 ? Infinity : (before.topMagnitude[i] ?? Infinity)
    const rm = rIndex < 0 ? Infinity : (after.topMagnitude[j] ?? Infinity)
    const minM = Math.min(lm, own.magnitude, rm)
    if (minM <= thresholds.minMagnitude) {
      if (lm === minM) i++
      else if (own.magnitude === minM) return false
      else j++
      continue
    }
    return true
  }
}

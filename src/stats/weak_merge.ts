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

/** A change point kept by a merge, with every left neighbour it had while the merge ran (oldest first). */
export interface Survivor {
  readonly index: number
  readonly leftNeighbours: ReadonlyArray<number>
}

export interface MergeResult {
  readonly survivors: ReadonlyArray<Survivor>
  /** Every right neighbour the fixed left boundary had while the merge ran (oldest first). */
  readonly boundaryRightNeighbours: ReadonlyArray<number>
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
 */
export const mergeWeak = (
  weak: ReadonlyArray<number>,
  left: number,
  right: number,
  thresholds: MergeThresholds,
  statsOf: StatsOf
): MergeResult => {
  const count = weak.length
  const prev = new Int32Array(count)
  const next = new Int32Array(count)
  const version = new Int32Array(count)
  const alive = new Uint8Array(count).fill(1)
  const histories: Array<Array<number>> = []
  const boundaryRight: Array<number> = [count > 0 ? (weak[0] ?? right) : right]
  const indexOf = (node: number, boundary: number): number => (node < 0 || node >= count ? boundary : weak[node] ?? boundary)
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
    histories.push([node === 0 ? left : weak[node - 1] ?? left])
  }
  for (let node = 0; node < count; node++) refresh(node)

  const current = (heap: MinHeap<Entry>): Entry | undefined => {
    for (;;) {
      const top = heap.peek()
      if (top === undefined || (alive[top.node] === 1 && version[top.node] === top.version)) return top
      heap.pop()
    }
  }
  const remove = (node: number): void => {
    alive[node] = 0
    const p = prev[node] ?? -1
    const n = next[node] ?? count
    if (p >= 0) next[p] = n
    else boundaryRight.push(indexOf(n, right))
    if (n < count) {
      prev[n] = p
      histories[n]?.push(indexOf(p, left))
    }
    if (p >= 0) refresh(p)
    if (n < count) refresh(n)
  }

  for (;;) {
    const weakest = current(byP)
    if (weakest === undefined) break
    if (weakest.key >= thresholds.maxPValue) {
      remove(weakest.node)
      continue
    }
    const smallest = current(byMagnitude)
    if (smallest !== undefined && smallest.key <= thresholds.minMagnitude) {
      remove(smallest.node)
      continue
    }
    break
  }

  const survivors: Array<Survivor> = []
  for (let node = 0; node < count; node++) {
    if (alive[node] === 1) survivors.push({ index: weak[node] ?? 0, leftNeighbours: histories[node] ?? [] })
  }
  return { survivors, boundaryRightNeighbours: boundaryRight }
}

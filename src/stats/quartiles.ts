// Quartiles with linear interpolation, as Bencher's `bencher_boundary::quartiles` defines them (docs/reference.md §3.3).

export interface Quartiles {
  readonly q1: number
  readonly q2: number
  readonly q3: number
}

// `sorted` is ascending and non-empty; rank = p·(n − 1), interpolating towards the next value.
const percentile = (sorted: ReadonlyArray<number>, p: number): number => {
  const rank = p * (sorted.length - 1)
  const index = Math.floor(rank)
  const below = sorted[index] ?? Number.NaN
  const above = sorted[index + 1]
  return above === undefined ? below : below + (above - below) * (rank - index)
}

/** Quartiles of the data, or undefined when empty or not all finite. One value is its own q1, q2 and q3. */
export const quartiles = (data: ReadonlyArray<number>): Quartiles | undefined => {
  if (data.length === 0 || !data.every(Number.isFinite)) return undefined
  const sorted = [...data].sort((a, b) => a - b)
  return { q1: percentile(sorted, 0.25), q2: percentile(sorted, 0.5), q3: percentile(sorted, 0.75) }
}

/**
 * Quartiles of the absolute relative changes between neighbours, `|(next − prev) / prev|` over consecutive pairs in
 * the given order (newest first, as Bencher's `data.windows(2)` sees them). Needs two points; a change from zero is
 * not finite, so it yields undefined.
 */
export const deltaQuartiles = (data: ReadonlyArray<number>): Quartiles | undefined => {
  if (data.length < 2) return undefined
  const changes: Array<number> = []
  for (let i = 0; i + 1 < data.length; i++) {
    const prev = data[i] ?? Number.NaN
    const next = data[i + 1] ?? Number.NaN
    changes.push(Math.abs((next - prev) / prev))
  }
  return quartiles(changes)
}

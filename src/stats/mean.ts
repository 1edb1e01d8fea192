// Sample moments as Bencher's `bencher_boundary::mean` defines them (docs/reference.md §3.3).

/** The arithmetic mean, or undefined for no data or a non-finite result. */
export const mean = (data: ReadonlyArray<number>): number | undefined => {
  if (data.length === 0) return undefined
  let sum = 0
  for (const x of data) sum += x
  const result = sum / data.length
  return Number.isFinite(result) ? result : undefined
}

/**
 * The sample standard deviation (n − 1 denominator) around `center`. Undefined below two points and for
 * zero or non-finite variance: a constant history has no spread to build a normal-family limit from.
 */
const sampleStdDeviation = (data: ReadonlyArray<number>, center: number): number | undefined => {
  if (data.length < 2) return undefined
  let squares = 0
  for (const x of data) squares += (x - center) ** 2
  const variance = squares / (data.length - 1)
  return Number.isFinite(variance) && variance > 0 ? Math.sqrt(variance) : undefined
}

/** Mean and sample standard deviation together, or undefined when either is. */
export const meanAndStdDeviation = (
  data: ReadonlyArray<number>
): { readonly mean: number; readonly std: number } | undefined => {
  const center = mean(data)
  const std = center === undefined ? undefined : sampleStdDeviation(data, center)
  return center === undefined || std === undefined ? undefined : { mean: center, std }
}

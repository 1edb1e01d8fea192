// Units display scaling (docs/reference.md §1.4, Bencher's `lib/bencher_valid/src/units.rs`): the scale is chosen
// from the smallest value shown, so every number in one table or plot axis shares one unit. Pure, no IO.

export const NANOSECONDS = "nanoseconds (ns)"
export const SECONDS = "seconds (s)"
export const BYTES = "bytes (B)"

/** How to display a set of values: divide each by `factor`, label them with `units` (or its short `symbol`). */
export interface UnitsScale {
  readonly factor: number
  /** The short form, e.g. `µs`, `KB`, `1e3 x ops/s`. */
  readonly symbol: string
  /** The long form, e.g. `microseconds (µs)`, `1e3 x operations / second (ops/s)`. */
  readonly units: string
}

interface Step {
  readonly factor: number
  readonly symbol: string
  readonly units: string
}

const nanosSteps: ReadonlyArray<Step> = [
  { factor: 1, symbol: "ns", units: NANOSECONDS },
  { factor: 1e3, symbol: "µs", units: "microseconds (µs)" },
  { factor: 1e6, symbol: "ms", units: "milliseconds (ms)" },
  { factor: 1e9, symbol: "s", units: SECONDS },
  { factor: 60e9, symbol: "min", units: "minutes (min)" },
  { factor: 3600e9, symbol: "h", units: "hours (h)" }
]

const secondsSteps: ReadonlyArray<Step> = [
  { factor: 1, symbol: "s", units: SECONDS },
  { factor: 60, symbol: "min", units: "minutes (min)" },
  { factor: 3600, symbol: "h", units: "hours (h)" }
]

const bytesSteps: ReadonlyArray<Step> = [
  { factor: 1, symbol: "B", units: BYTES },
  { factor: 1e3, symbol: "KB", units: "kilobytes (KB)" },
  { factor: 1e6, symbol: "MB", units: "megabytes (MB)" },
  { factor: 1e9, symbol: "GB", units: "gigabytes (GB)" },
  { factor: 1e12, symbol: "TB", units: "terabytes (TB)" },
  { factor: 1e15, symbol: "PB", units: "petabytes (PB)" }
]

const oneEFactors = [1, 1e3, 1e6, 1e9, 1e12, 1e15] as const

/** `operations / second (ops/s)` -> `ops/s`; units without a parenthesised symbol are their own symbol. */
export const unitsSymbol = (units: string): string => {
  const match = /\(([^()]+)\)\s*$/.exec(units)
  return match?.[1] ?? units
}

/** The largest step whose factor is at most `min` (the first step for anything smaller, zero or not finite). */
const pick = (min: number, steps: ReadonlyArray<Step>): Step => {
  let chosen = steps[0] as Step
  if (!Number.isFinite(min)) return chosen
  for (const step of steps) if (Math.abs(min) >= step.factor) chosen = step
  return chosen
}

/** Chooses the display scale for values whose minimum is `minValue` and whose measure has `units`. */
export const scaleUnits = (minValue: number, units: string): UnitsScale => {
  switch (units) {
    case NANOSECONDS:
      return pick(minValue, nanosSteps)
    case SECONDS:
      return pick(minValue, secondsSteps)
    case BYTES:
      return pick(minValue, bytesSteps)
    default: {
      const symbol = unitsSymbol(units)
      const factor = pick(
        minValue,
        oneEFactors.map((f) => ({ factor: f, symbol: "", units: "" }))
      ).factor
      if (factor === 1) return { factor, symbol, units }
      const prefix = `1e${Math.round(Math.log10(factor))} x `
      return { factor, symbol: prefix + symbol, units: prefix + units }
    }
  }
}

/** The scale for a whole set of values: the minimum of the finite ones decides. */
export const scaleUnitsFor = (values: Iterable<number>, units: string): UnitsScale => {
  let min = Number.POSITIVE_INFINITY
  for (const v of values) if (Number.isFinite(v) && Math.abs(v) < min) min = Math.abs(v)
  return scaleUnits(min === Number.POSITIVE_INFINITY ? 0 : min, units)
}

/** A number with thousands separators and `decimals` fraction digits: 1234.5678 -> `1,234.57`, so columns line up. */
export const formatNumber = (value: number, decimals = 2): string => {
  if (!Number.isFinite(value)) return String(value)
  const fixed = Math.abs(value).toFixed(decimals)
  const [whole = "0", fraction = ""] = fixed.split(".")
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ",")
  const sign = value < 0 && Number(fixed) !== 0 ? "-" : ""
  return sign + (fraction.length > 0 ? `${grouped}.${fraction}` : grouped)
}

/** A value divided by the scale's factor, formatted (without the symbol). */
export const formatScaled = (value: number, scale: UnitsScale, decimals = 2): string =>
  formatNumber(value / scale.factor, decimals)

/** A value divided by the scale's factor, formatted, followed by the symbol: `1.23 µs`. */
export const formatWithUnits = (value: number, scale: UnitsScale, decimals = 2): string =>
  `${formatScaled(value, scale, decimals)} ${scale.symbol}`

/** A relative change in percent with its sign: `+40.00%`, `-3.10%`, `0.00%`. */
export const formatPercent = (percent: number, decimals = 2): string => {
  if (!Number.isFinite(percent)) return String(percent)
  const fixed = percent.toFixed(decimals)
  return percent > 0 && Number(fixed) !== 0 ? `+${fixed}%` : `${Number(fixed) === 0 ? (0).toFixed(decimals) : fixed}%`
}

/** `(value - baseline) / baseline` in percent; undefined when the baseline is missing or zero. */
export const percentChange = (value: number, baseline: number | null | undefined): number | undefined =>
  baseline === null || baseline === undefined || baseline === 0
    ? undefined
    : ((value - baseline) / Math.abs(baseline)) * 100

// `rust_criterion`: `<name> time: [<low> <u> <estimate> <u> <high> <u>]`. A long name is printed on
// its own line and the time line then starts with spaces, so the name is the line before; criterion's
// progress lines (`Benchmarking <name>: ...`), its warnings (`Warning: Unable to complete 100 samples
// ...`, `Gnuplot not found, ...`) and blank lines between the two are passed over. Custom measurements
// (criterion-cycles-per-byte, criterion-perf-events) print another unit in place of a time: the three
// values become a measure named by that unit. A `time:` line that does not parse is skipped and reported.
import { metric } from "../domain/bmf.js"
import { Measure, type Parse, requireAverage, ResultsBuilder } from "./adapter.js"
import { splitLines, words } from "./lines.js"
import { latencyAsNanos, parseNumber } from "./units.js"

const ADAPTER = "rust_criterion"
const MAX_MEASURE = 64
/** How far above a `time:` line its name may be, past progress lines, warnings and blank lines. */
const MAX_LOOK_BACK = 8

/** Lines criterion (or cargo) prints between a long name and its `time:` line. */
const isNoise = (line: string): boolean =>
  line.length === 0 ||
  line.startsWith("Benchmarking ") ||
  line.startsWith("Warning: ") ||
  line.startsWith("Gnuplot not found")

/** The name of a `time:` line whose own name part is empty: the nearest line above that is not noise. */
const nameAbove = (lines: ReadonlyArray<string>, i: number): string => {
  for (let k = i - 1; k >= 0 && k >= i - MAX_LOOK_BACK; k--) {
    const above = (lines[k] ?? "").trim()
    if (!isNoise(above)) return above.includes("time:") ? "" : above
  }
  return ""
}

/** [measure, low, estimate, high] from `<low> <u> <estimate> <u> <high> <u>`. */
const estimates = (w: ReadonlyArray<string>): readonly [string, number, number, number] | undefined => {
  if (w.length !== 6) return undefined
  const lo = parseNumber(w[0] ?? "")
  const mid = parseNumber(w[2] ?? "")
  const hi = parseNumber(w[4] ?? "")
  if (lo === undefined || mid === undefined || hi === undefined) return undefined
  const loNs = latencyAsNanos(lo, w[1] ?? "")
  const midNs = latencyAsNanos(mid, w[3] ?? "")
  const hiNs = latencyAsNanos(hi, w[5] ?? "")
  if (loNs !== undefined && midNs !== undefined && hiNs !== undefined) return [Measure.latency, loNs, midNs, hiNs]
  // one unit that is no time, the same for all three
  const unit = w[1] ?? ""
  if (unit !== w[3] || unit !== w[5] || unit.length > MAX_MEASURE || latencyAsNanos(1, unit) !== undefined)
    return undefined
  return [unit, lo, mid, hi]
}

export const parse: Parse = (input, settings) => {
  const unsupported = requireAverage(ADAPTER, settings, ["mean"])
  const results = new ResultsBuilder()
  const lines = splitLines(input)
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? ""
    const at = line.indexOf("time:")
    if (at < 0) continue
    const rest = line.slice(at + 5).trim()
    if (!rest.startsWith("[")) continue
    const found = rest.endsWith("]") ? estimates(words(rest.slice(1, -1))) : undefined
    const own = line.slice(0, at).trim()
    const name = own.length > 0 ? own : nameAbove(lines, i)
    if (found === undefined || name.length === 0) {
      results.skip(i + 1, line)
      continue
    }
    const [measure, lo, mid, hi] = found
    results.add(name, measure, metric(mid, lo, hi))
  }
  return results.result(ADAPTER, unsupported)
}

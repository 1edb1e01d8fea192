// `rust_criterion`: `<name> time: [<low> <u> <estimate> <u> <high> <u>]`. A long name is printed on
// its own line and the time line then starts with spaces, so the previous line is the name.
import { metric } from "../domain/bmf.js"
import { Measure, type Parse, requireAverage, ResultsBuilder } from "./adapter.js"
import { splitLines, words } from "./lines.js"
import { latencyAsNanos, parseNumber } from "./units.js"

const ADAPTER = "rust_criterion"

export const parse: Parse = (input, settings) => {
  const unsupported = requireAverage(ADAPTER, settings, ["mean"])
  const results = new ResultsBuilder()
  const lines = splitLines(input)
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? ""
    const at = line.indexOf("time:")
    if (at < 0) continue
    const rest = line.slice(at + 5).trim()
    if (!rest.startsWith("[") || !rest.endsWith("]")) continue
    const w = words(rest.slice(1, -1))
    if (w.length !== 6) continue
    const lo = latencyAsNanos(parseNumber(w[0] ?? "") ?? NaN, w[1] ?? "")
    const mid = latencyAsNanos(parseNumber(w[2] ?? "") ?? NaN, w[3] ?? "")
    const hi = latencyAsNanos(parseNumber(w[4] ?? "") ?? NaN, w[5] ?? "")
    if (lo === undefined || mid === undefined || hi === undefined || Number.isNaN(lo + mid + hi)) continue
    const own = line.slice(0, at).trim()
    const name = own.length > 0 ? own : (lines[i - 1] ?? "").trim()
    if (name.length === 0) continue
    results.add(name, Measure.latency, metric(mid, lo, hi))
  }
  return results.result(ADAPTER, unsupported)
}

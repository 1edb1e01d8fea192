// `rust_bench`: libtest `cargo bench` lines `test <name> ... bench: <n> <unit>/iter (+/- <d>)`.
// Value = the median libtest prints, bounds = value ∓ deviation with the lower one clamped at 0.
import { metric } from "../domain/bmf.js"
import { Measure, type Parse, requireAverage, ResultsBuilder } from "./adapter.js"
import { splitLines, words } from "./lines.js"
import { latencyAsNanos, parseNumber } from "./units.js"

const ADAPTER = "rust_bench"

export const parse: Parse = (input, settings) => {
  const unsupported = requireAverage(ADAPTER, settings, ["median"])
  const results = new ResultsBuilder()
  for (const line of splitLines(input)) {
    if (!line.startsWith("test ") || !line.includes(" bench:")) continue
    // test NAME ... bench: N UNIT/iter (+/- D)
    const w = words(line)
    const dots = w.indexOf("...")
    if (dots !== 2 || w[3] !== "bench:" || w.length !== 8 || w[6] !== "(+/-") continue
    const name = w[1]
    const n = parseNumber(w[4] ?? "")
    const unitIter = w[5] ?? ""
    const last = w[7] ?? ""
    if (name === undefined || n === undefined || !unitIter.endsWith("/iter") || !last.endsWith(")")) continue
    const d = parseNumber(last.slice(0, -1))
    const unit = unitIter.slice(0, -5)
    const value = latencyAsNanos(n, unit)
    const dev = d === undefined ? undefined : latencyAsNanos(d, unit)
    if (value === undefined || dev === undefined) continue
    results.add(name, Measure.latency, metric(value, Math.max(0, value - dev), value + dev))
  }
  return results.result(ADAPTER, unsupported)
}

// `rust_bench`: libtest `cargo bench` lines `test <name> ... bench: <n> <unit>/iter (+/- <d>)`.
// Value = the median libtest prints, bounds = value ∓ deviation with the lower one clamped at 0.
import { metric } from "../domain/bmf.js"
import { Measure, type Parse, requireAverage, ResultsBuilder } from "./adapter.js"
import { eachLine } from "./lines.js"
import { latencyAsNanos, parseNumber } from "./units.js"

const ADAPTER = "rust_bench"

// whole line; `(\S+?)` and the literal after it cannot overlap, so matching is linear
const LINE = /^test (\S+)\s+\.\.\. bench:\s+([0-9][0-9,.]*) (\S+?)\/iter \(\+\/- ([0-9][0-9,.]*)\)\s*$/

export const parse: Parse = (input, settings) => {
  const unsupported = requireAverage(ADAPTER, settings, ["median"])
  const results = new ResultsBuilder()
  eachLine(input, (line) => {
    if (!line.startsWith("test ")) return
    const m = LINE.exec(line)
    if (m === null || m[1] === undefined || m[2] === undefined || m[3] === undefined || m[4] === undefined) return
    const n = parseNumber(m[2])
    const d = parseNumber(m[4])
    const value = n === undefined ? undefined : latencyAsNanos(n, m[3])
    const dev = d === undefined ? undefined : latencyAsNanos(d, m[3])
    if (value === undefined || dev === undefined) return
    results.add(m[1], Measure.latency, metric(value, Math.max(0, value - dev), value + dev))
  })
  return results.result(ADAPTER, unsupported)
}

// `go_bench`: `Benchmark<Name>[-N] <iterations> <n> ns/op [<n> <unit>]...`. Names keep the -GOMAXPROCS
// suffix. Besides latency, every other column Go prints becomes its own measure, so users can alert on
// allocations (github-action-benchmark#206): B/op, allocs/op, MB/s by their Bencher names, and the units
// of `b.ReportMetric(x, "<unit>")` that are per op or per second (`<x>/op`, `<x>/s`, as Go's docs ask) by
// their unit. Other units are dropped, as Bencher drops every extra column (its fixture go/bench/three.txt
// has `4.000 auxMetricUnits`). A line without ns/op (`b.ReportMetric(0, "ns/op")` removes it) still gives
// its other columns. A result line where no column parses is skipped and reported.
import { Measure, type Parse, requireAverage, ResultsBuilder } from "./adapter.js"
import { eachLine, words } from "./lines.js"
import { latencyAsNanos, parseNumber } from "./units.js"

const ADAPTER = "go_bench"
const PREFIX = "Benchmark"
const MAX_MEASURE = 64

const INTEGER = /^\d+$/

const extraMeasure = (unit: string): string | undefined => {
  switch (unit) {
    case "B/op":
      return Measure.allocated
    case "allocs/op":
      return Measure.allocations
    case "MB/s":
      return Measure.mbPerSecond
    default:
      // a custom `b.ReportMetric(x, "<unit>")`: the measure is named after its unit, whatever the unit says
      return /^[^\s\d]/.test(unit) && unit.length <= MAX_MEASURE ? unit : undefined
  }
}

/** `Benchmark` alone or followed by what a Go benchmark name allows (not a lowercase letter: not `Benchmarking`). */
const isBenchmarkName = (line: string): boolean => {
  const c = line.charCodeAt(PREFIX.length)
  return !(c >= 97 && c <= 122)
}

export const parse: Parse = (input, settings) => {
  const unsupported = requireAverage(ADAPTER, settings, ["mean"])
  const results = new ResultsBuilder()
  eachLine(input, (line, number) => {
    if (!line.startsWith(PREFIX) || !isBenchmarkName(line)) return
    const w = words(line)
    // a name alone (`go test -v` prints it before the benchmark's logs), or a failure
    if (w.length < 2 || !INTEGER.test(w[1] ?? "")) return
    const name = w[0] ?? ""
    let found = false
    for (let k = 2; k + 1 < w.length; k += 2) {
      const v = parseNumber(w[k] ?? "")
      const unit = w[k + 1] ?? ""
      if (v === undefined) continue
      // the first column is the time per op (Go prints ns/op)
      const ns = k === 2 && unit.endsWith("/op") ? latencyAsNanos(v, unit.slice(0, -3)) : undefined
      const measure = ns === undefined ? extraMeasure(unit) : Measure.latency
      if (measure === undefined) continue
      results.addValue(name, measure, ns ?? v)
      found = true
    }
    if (!found) results.skip(number, line)
  })
  return results.result(ADAPTER, unsupported)
}

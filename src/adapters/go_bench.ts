// `go_bench`: `Benchmark<Name>[-N] <iterations> <n> ns/op [<n> <unit>]...`. Names keep the -GOMAXPROCS
// suffix. Besides latency, the per-op columns Go prints become their own measures, so users can alert
// on allocations (github-action-benchmark#206).
import { Measure, type Parse, requireAverage, ResultsBuilder } from "./adapter.js"
import { eachLine, words } from "./lines.js"
import { latencyAsNanos, parseNumber } from "./units.js"

const ADAPTER = "go_bench"

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
      // a custom `b.ReportMetric(x, "<unit>/op")`: the measure is named after its unit
      return unit.endsWith("/op") && unit.length > 3 && unit.length <= 64 ? unit : undefined
  }
}

export const parse: Parse = (input, settings) => {
  const unsupported = requireAverage(ADAPTER, settings, ["mean"])
  const results = new ResultsBuilder()
  eachLine(input, (line) => {
    if (!line.startsWith("Benchmark")) return
    const w = words(line)
    if (w.length < 4) return
    const name = w[0] ?? ""
    const unitOp = w[3] ?? ""
    if (!INTEGER.test(w[1] ?? "") || !unitOp.endsWith("/op")) return
    const n = parseNumber(w[2] ?? "")
    const ns = n === undefined ? undefined : latencyAsNanos(n, unitOp.slice(0, -3))
    if (ns === undefined) return
    results.addValue(name, Measure.latency, ns)
    for (let k = 4; k + 1 < w.length; k += 2) {
      const v = parseNumber(w[k] ?? "")
      const measure = extraMeasure(w[k + 1] ?? "")
      if (v !== undefined && measure !== undefined) results.addValue(name, measure, v)
    }
  })
  return results.result(ADAPTER, unsupported)
}

// `dart_benchmark_harness`: `<Name>(RunTime): <n> us.` -> latency in ns.
import { metric } from "../domain/bmf.js"
import { Measure, type Parse, requireAverage, ResultsBuilder } from "./adapter.js"
import { splitLines } from "./lines.js"
import { latencyAsNanos, parseNumber } from "./units.js"

const ADAPTER = "dart_benchmark_harness"
const MARK = "(RunTime): "

export const parse: Parse = (input, settings) => {
  const unsupported = requireAverage(ADAPTER, settings, ["mean"])
  const results = new ResultsBuilder()
  for (const raw of splitLines(input)) {
    const line = raw.trim()
    const at = line.indexOf(MARK)
    if (at <= 0 || !line.endsWith(".")) continue
    const [num, unit, ...rest] = line.slice(at + MARK.length, -1).split(" ")
    if (rest.length > 0 || num === undefined || unit === undefined) continue
    const n = parseNumber(num)
    const ns = n === undefined ? undefined : latencyAsNanos(n, unit)
    if (ns === undefined) continue
    results.add(line.slice(0, at), Measure.latency, metric(ns))
  }
  return results.result(ADAPTER, unsupported)
}

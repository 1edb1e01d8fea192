// `python_asv`: `asv run` console lines `[ xx.xx%] ··· <name>   <v>±<r><unit>`. Memory results (`2.42k`)
// and failed benchmarks are skipped.
import { metric } from "../domain/bmf.js"
import { Measure, type Parse, requireAverage, ResultsBuilder } from "./adapter.js"
import { eachLine, words } from "./lines.js"
import { latencyAsNanos, parseNumber } from "./units.js"

const ADAPTER = "python_asv"
const SPREAD = /^([0-9.,]+)±([0-9.,]+)([a-zµμ]+)$/

export const parse: Parse = (input, settings) => {
  const unsupported = requireAverage(ADAPTER, settings, ["median"])
  const results = new ResultsBuilder()
  eachLine(input, (raw) => {
    const line = raw.trim()
    if (!line.startsWith("[") || !line.includes("±")) return
    const close = line.indexOf("]")
    if (close < 0) return
    const w = words(line.slice(close + 1))
    // dots, name, value
    if (w.length !== 3 || !(w[0] ?? "").startsWith("·")) return
    const m = SPREAD.exec(w[2] ?? "")
    if (m === null || m[1] === undefined || m[2] === undefined || m[3] === undefined) return
    const v = parseNumber(m[1])
    const r = parseNumber(m[2])
    const value = v === undefined ? undefined : latencyAsNanos(v, m[3])
    const range = r === undefined ? undefined : latencyAsNanos(r, m[3])
    if (value === undefined || range === undefined) return
    results.add(w[1] ?? "", Measure.latency, metric(value, value - range, value + range))
  })
  return results.result(ADAPTER, unsupported)
}

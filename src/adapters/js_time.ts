// `js_time`: `console.time` lines `<name>: <n><unit> - timer ended`; names may contain ": ".
import { Measure, type Parse, requireAverage, ResultsBuilder } from "./adapter.js"
import { eachLine } from "./lines.js"
import { latencyAsNanos, parseNumber } from "./units.js"

const ADAPTER = "js_time"
const END = " - timer ended"
const VALUE = /^([0-9][0-9,]*(?:\.[0-9]+)?)([a-zµμ]+)$/

export const parse: Parse = (input, settings) => {
  const unsupported = requireAverage(ADAPTER, settings, [])
  const results = new ResultsBuilder()
  eachLine(input, (raw) => {
    const line = raw.trim()
    if (!line.endsWith(END)) return
    const body = line.slice(0, -END.length)
    const colon = body.lastIndexOf(": ")
    if (colon <= 0) return
    const m = VALUE.exec(body.slice(colon + 2))
    const n = m?.[1] === undefined ? undefined : parseNumber(m[1])
    const ns = n === undefined || m?.[2] === undefined ? undefined : latencyAsNanos(n, m[2])
    if (ns === undefined) return
    results.addValue(body.slice(0, colon), Measure.latency, ns)
  })
  return results.result(ADAPTER, unsupported)
}

// `luau_benchmark`: Luau's bench runner lines `SUCCESS: <name> : <value>ms +/- <p>% on <vm>` ->
// latency in ns with bounds value·(1 ∓ p/100).
import { metric } from "../domain/bmf.js"
import { Measure, type Parse, requireAverage, ResultsBuilder } from "./adapter.js"
import { eachLine } from "./lines.js"
import { latencyAsNanos, parseNumber } from "./units.js"

const ADAPTER = "luau_benchmark"
const PREFIX = "SUCCESS: "
const RESULT = /^([0-9.,]+)([a-zµμ]+) \+\/- ([0-9.]+)% on \S/

export const parse: Parse = (input, settings) => {
  const unsupported = requireAverage(ADAPTER, settings, ["mean"])
  const results = new ResultsBuilder()
  eachLine(input, (raw) => {
    const line = raw.trim()
    if (!line.startsWith(PREFIX)) return
    const sep = line.lastIndexOf(" : ", line.lastIndexOf(" +/- "))
    if (sep < PREFIX.length) return
    const m = RESULT.exec(line.slice(sep + 3))
    if (m === null || m[1] === undefined || m[2] === undefined || m[3] === undefined) return
    const v = parseNumber(m[1])
    const p = parseNumber(m[3])
    const ns = v === undefined ? undefined : latencyAsNanos(v, m[2])
    if (ns === undefined || p === undefined) return
    const name = line.slice(PREFIX.length, sep).trim()
    if (name.length === 0) return
    const spread = ns * p / 100
    results.add(name, Measure.latency, metric(ns, ns - spread, ns + spread))
  })
  return results.result(ADAPTER, unsupported)
}

// `js_benchmark`: Benchmark.js `<name> x <n> ops/sec ±<p>% (<k> runs sampled)`; names may contain " x ".
import { metric } from "../domain/bmf.js"
import { Measure, type Parse, requireAverage, ResultsBuilder } from "./adapter.js"
import { splitLines, words } from "./lines.js"
import { parseNumber } from "./units.js"

const ADAPTER = "js_benchmark"
const OPS = " ops/sec ±"

export const parse: Parse = (input, settings) => {
  const unsupported = requireAverage(ADAPTER, settings, ["median"])
  const results = new ResultsBuilder()
  for (const raw of splitLines(input)) {
    const line = raw.trim()
    const ops = line.lastIndexOf(OPS)
    if (ops < 0) continue
    const x = line.lastIndexOf(" x ", ops)
    if (x <= 0) continue
    const hz = parseNumber(line.slice(x + 3, ops))
    // "<p>% (<k> runs sampled)" or "(1 run sampled)"
    const tail = words(line.slice(ops + OPS.length))
    const pct = tail[0] ?? ""
    if (hz === undefined || !pct.endsWith("%") || tail.length !== 4 || !(tail[1] ?? "").startsWith("(") || tail[3] !== "sampled)") continue
    const p = parseNumber(pct.slice(0, -1))
    if (p === undefined) continue
    const spread = hz * p / 100
    results.add(line.slice(0, x), Measure.throughput, metric(hz, hz - spread, hz + spread))
  }
  return results.result(ADAPTER, unsupported)
}

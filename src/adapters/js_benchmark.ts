// `js_benchmark`: Benchmark.js `<name> x <n> ops/sec ±<p>% (<k> runs sampled)`; names may contain " x ".
import { metric } from "../domain/bmf.js"
import { Measure, type Parse, requireAverage, ResultsBuilder } from "./adapter.js"
import { cleanText } from "./lines.js"
import { parseNumber } from "./units.js"

const ADAPTER = "js_benchmark"

// `<name> x <n> ops/sec ±<p>% (<k> runs sampled)`: the name is everything before the last " x " that
// is followed by the numbers, so names may contain " x ". No class crosses a line terminator (with /m,
// `^` also matches after \r and U+2028/9), so each start scans one line.
const LINE = /^([^\r\n\u2028\u2029]+) x ([0-9][0-9,.]*) ops\/sec ±([0-9.]+)% \([0-9]+ runs? sampled\)[ \t]*$/gm

export const parse: Parse = (input, settings) => {
  const unsupported = requireAverage(ADAPTER, settings, ["median"])
  const results = new ResultsBuilder()
  for (const m of cleanText(input).matchAll(LINE)) {
    const hz = parseNumber(m[2] ?? "")
    const p = parseNumber(m[3] ?? "")
    const name = m[1]?.trim()
    if (hz === undefined || p === undefined || name === undefined) continue
    const spread = (hz * p) / 100
    results.add(name, Measure.throughput, metric(hz, hz - spread, hz + spread))
  }
  return results.result(ADAPTER, unsupported)
}

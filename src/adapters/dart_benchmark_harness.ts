// `dart_benchmark_harness`: `<Name>(RunTime): <n> us.` -> latency in ns.
import { Measure, type Parse, requireAverage, ResultsBuilder } from "./adapter.js"
import { cleanText } from "./lines.js"
import { latencyAsNanos, parseNumber } from "./units.js"

const ADAPTER = "dart_benchmark_harness"

// `<Name>(RunTime): <n> <unit>.` on its own line; one regex over the whole input. No class crosses a
// line terminator (with /m, `^` also matches after \r and U+2028/9), so each start scans one line.
const LINE = /^([^\r\n\u2028\u2029]*?)\(RunTime\): ([^ \r\n\u2028\u2029]+) ([^ .\r\n\u2028\u2029]+)\.[ \t]*$/gm

export const parse: Parse = (input, settings) => {
  const unsupported = requireAverage(ADAPTER, settings, ["mean"])
  const results = new ResultsBuilder()
  for (const m of cleanText(input).matchAll(LINE)) {
    const name = m[1]?.trim()
    const n = parseNumber(m[2] ?? "")
    const ns = n === undefined ? undefined : latencyAsNanos(n, m[3] ?? "")
    if (ns === undefined || name === undefined || name.length === 0) continue
    results.addValue(name, Measure.latency, ns)
  }
  return results.result(ADAPTER, unsupported)
}

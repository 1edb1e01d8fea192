// `cpp_catch2`: Catch2 console output. The test case name sits between two 79-dash lines (up to three
// lines, joined by spaces); each benchmark is a prelude line (`<name> <samples> <iterations>
// <estimated>`), a mean line and a std-dev line. Name = "<test case>: <benchmark>", value = mean,
// bounds = mean ∓ std dev. A benchmark name that wraps continues at the start of the mean line.
import { metric } from "../domain/bmf.js"
import { Measure, type Parse, requireAverage, ResultsBuilder } from "./adapter.js"
import { splitLines, words } from "./lines.js"
import { latencyAsNanos, parseNumber } from "./units.js"

const ADAPTER = "cpp_catch2"
const PAGE_BREAK = "-".repeat(79)
const MAX_NAME_LINES = 3
const INTEGER = /^\d+$/

/** `<n> <unit>` pairs at the end of a line: returns the leading text and the first value in ns. */
const trailingTimes = (
  line: string,
  pairs: number
): { readonly prefix: Array<string>; readonly first: number } | undefined => {
  const w = words(line)
  if (w.length < pairs * 2) return undefined
  const tail = w.slice(w.length - pairs * 2)
  let first: number | undefined
  for (let k = 0; k < tail.length; k += 2) {
    const n = parseNumber(tail[k] ?? "")
    const ns = n === undefined ? undefined : latencyAsNanos(n, tail[k + 1] ?? "")
    if (ns === undefined) return undefined
    if (k === 0) first = ns
  }
  return first === undefined ? undefined : { prefix: w.slice(0, w.length - pairs * 2), first }
}

export const parse: Parse = (input, settings) => {
  const unsupported = requireAverage(ADAPTER, settings, ["mean"])
  const results = new ResultsBuilder()
  const lines = splitLines(input)
  let testCase: string | undefined
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? ""
    if (line.trimEnd() === PAGE_BREAK) {
      // a test case header: dashes, 1..3 name lines, dashes
      for (let k = 1; k <= MAX_NAME_LINES + 1 && i + k < lines.length; k++) {
        if ((lines[i + k] ?? "").trimEnd() === PAGE_BREAK) {
          if (k > 1) {
            testCase = lines
              .slice(i + 1, i + k)
              .map((l) => l.trim())
              .filter((l) => l.length > 0)
              .join(" ")
            i += k
          }
          break
        }
      }
      continue
    }
    if (testCase === undefined) continue
    // prelude: <name> <samples> <iterations> <estimated> <unit>
    const w = words(line)
    if (w.length < 5 || !INTEGER.test(w[w.length - 4] ?? "") || !INTEGER.test(w[w.length - 3] ?? "")) continue
    const estimated = parseNumber(w[w.length - 2] ?? "")
    if (estimated === undefined || latencyAsNanos(estimated, w[w.length - 1] ?? "") === undefined) continue
    const mean = trailingTimes(lines[i + 1] ?? "", 3)
    const stdDev = trailingTimes(lines[i + 2] ?? "", 3)
    if (mean === undefined || stdDev === undefined || stdDev.prefix.length > 0) continue
    const name = [...w.slice(0, w.length - 4), ...mean.prefix].join(" ")
    results.add(
      `${testCase}: ${name}`,
      Measure.latency,
      metric(mean.first, mean.first - stdDev.first, mean.first + stdDev.first)
    )
    i += 2
  }
  return results.result(ADAPTER, unsupported)
}

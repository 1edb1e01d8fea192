// `ruby_benchmark`: Ruby's `Benchmark` table. After a `user system total real` header each line is
// `<label> <user> <system> <total> ( <real>)`; the real time (s) becomes latency in ns. Labels keep
// their trailing ":" as printed. Rehearsal rows before the header are skipped.
import { Measure, type Parse, requireAverage, ResultsBuilder } from "./adapter.js"
import { eachLine, words } from "./lines.js"
import { parseNumber } from "./units.js"

const ADAPTER = "ruby_benchmark"

const isHeader = (line: string): boolean => {
  if (!line.includes("real")) return false
  const w = words(line)
  return w.length === 4 && w[0] === "user" && w[1] === "system" && w[2] === "total" && w[3] === "real"
}

// `<user> <system> <total> ( <real>)` at the end of the line; each run of blanks is entered only
// from one blank before a digit, so a search stays linear in the line
const ROW = /\s[0-9.]+[ \t]+[0-9.]+[ \t]+[0-9.]+[ \t]+\([ \t]*([0-9.]+)\)[ \t]*$/

export const parse: Parse = (input, settings) => {
  const unsupported = requireAverage(ADAPTER, settings, [])
  const results = new ResultsBuilder()
  let inTable = false
  eachLine(input, (raw) => {
    if (isHeader(raw)) {
      inTable = true
      return
    }
    if (!inTable) return
    if (!raw.includes(")")) return
    const m = ROW.exec(raw)
    const real = m?.[1] === undefined ? undefined : parseNumber(m[1])
    if (m === null || real === undefined) return
    const label = raw.slice(0, m.index).trim()
    if (label.length === 0) return
    results.addValue(label, Measure.latency, real * 1e9)
  })
  return results.result(ADAPTER, unsupported)
}

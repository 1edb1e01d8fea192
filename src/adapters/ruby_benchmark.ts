// `ruby_benchmark`: Ruby's `Benchmark` table. After a `user system total real` header each line is
// `<label> <user> <system> <total> ( <real>)`; the real time (s) becomes latency in ns. Labels keep
// their trailing ":" as printed. Rehearsal rows before the header are skipped.
import { metric } from "../domain/bmf.js"
import { Measure, type Parse, requireAverage, ResultsBuilder } from "./adapter.js"
import { splitLines, words } from "./lines.js"
import { parseNumber } from "./units.js"

const ADAPTER = "ruby_benchmark"

const isHeader = (line: string): boolean => {
  const w = words(line)
  return w.length === 4 && w[0] === "user" && w[1] === "system" && w[2] === "total" && w[3] === "real"
}

/** Strips one trailing number column, returning the rest. */
const dropNumber = (s: string): string | undefined => {
  const t = s.trimEnd()
  const cut = Math.max(t.lastIndexOf(" "), t.lastIndexOf("\t"))
  return parseNumber(t.slice(cut + 1)) === undefined ? undefined : t.slice(0, cut + 1)
}

export const parse: Parse = (input, settings) => {
  const unsupported = requireAverage(ADAPTER, settings, [])
  const results = new ResultsBuilder()
  let inTable = false
  for (const raw of splitLines(input)) {
    if (isHeader(raw)) {
      inTable = true
      continue
    }
    if (!inTable) continue
    const line = raw.trimEnd()
    const open = line.lastIndexOf("(")
    if (!line.endsWith(")") || open < 0) continue
    const real = parseNumber(line.slice(open + 1, -1).trim())
    let rest: string | undefined = line.slice(0, open)
    for (let k = 0; k < 3 && rest !== undefined; k++) rest = dropNumber(rest)
    if (real === undefined || rest === undefined) continue
    const label = rest.trim()
    if (label.length === 0) continue
    results.add(label, Measure.latency, metric(real * 1e9))
  }
  return results.result(ADAPTER, unsupported)
}

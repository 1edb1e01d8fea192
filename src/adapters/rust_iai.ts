// `rust_iai`: iai's 6-line blocks: a name line, then Instructions, L1/L2/RAM Accesses and Estimated
// Cycles. Change notes such as `(+1.1%)` are ignored.
import { Measure, type Parse, requireAverage, ResultsBuilder } from "./adapter.js"
import { splitLines, words } from "./lines.js"
import { parseNumber } from "./units.js"

const ADAPTER = "rust_iai"

const ROWS: ReadonlyArray<readonly [string, string]> = [
  ["Instructions:", Measure.instructions],
  ["L1 Accesses:", Measure.l1Accesses],
  ["L2 Accesses:", Measure.l2Accesses],
  ["RAM Accesses:", Measure.ramAccesses],
  ["Estimated Cycles:", Measure.estimatedCycles]
]

const rowValue = (line: string, label: string): number | undefined => {
  const t = line.trim()
  if (!line.startsWith(" ") || !t.startsWith(label)) return undefined
  const w = words(t.slice(label.length))
  return w.length === 0 ? undefined : parseNumber(w[0] ?? "")
}

export const parse: Parse = (input, settings) => {
  const unsupported = requireAverage(ADAPTER, settings, [])
  const results = new ResultsBuilder()
  const lines = splitLines(input)
  for (let i = 0; i + 5 < lines.length; i++) {
    const next = lines[i + 1] ?? ""
    if (!next.includes("Instructions:")) continue
    const name = (lines[i] ?? "").trim()
    if (name.length === 0) continue
    const values: Array<number> = []
    for (let r = 0; r < ROWS.length; r++) {
      const row = ROWS[r]
      const v = row === undefined ? undefined : rowValue(lines[i + 1 + r] ?? "", row[0])
      if (v === undefined) break
      values.push(v)
    }
    if (values.length !== ROWS.length) continue
    ROWS.forEach(([, measure], r) => results.addValue(name, measure, values[r] ?? 0))
    i += 5
  }
  return results.result(ADAPTER, unsupported)
}

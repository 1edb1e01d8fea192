// `luau_benchmark`: what Luau's `bench/bench.py` prints, in its two forms:
// - result lines `SUCCESS: <name> : <value>ms +/- <p>% on <vm>` (the name and the numbers padded with
//   blanks, SUCCESS coloured on a terminal);
// - the RESULTS table at the end, `Test | Min | Average | StdDev% | Driver` (more columns when VMs are
//   compared), read by its header, so column order and extra columns do not matter.
// Both give latency in ns with bounds value·(1 ∓ p/100), from the average and StdDev%. A SUCCESS line or
// table row that does not parse is skipped and reported; FAILED lines are not results.
import { metric } from "../domain/bmf.js"
import { Measure, type Parse, requireAverage, ResultsBuilder } from "./adapter.js"
import { eachLine } from "./lines.js"
import { latencyAsNanos, parseNumber } from "./units.js"

const ADAPTER = "luau_benchmark"
const PREFIX = "SUCCESS:"
const RESULT = /^([0-9][0-9.,]*)\s*([a-zµμ]+)\s+\+\/-\s+([0-9][0-9.]*)%\s+on\s+\S/
const VALUE = /^([0-9][0-9.,]*)\s*([a-zµμ]+)$/
const PERCENT = /^([0-9][0-9.]*)\s*%$/

/** A table's cells: split on `|` (outer bars dropped), trimmed. */
const cells = (line: string): Array<string> => {
  const t = line.trim()
  const inner = t.startsWith("|") ? t.slice(1, t.endsWith("|") ? -1 : undefined) : t
  return inner.split("|").map((c) => c.trim())
}

/** Column indices of the table header `Test | ... | Average | StdDev% | ...`. */
interface Columns {
  readonly test: number
  readonly average: number
  readonly stdDev: number
}

const headerOf = (line: string): Columns | undefined => {
  if (!line.includes("StdDev%") || !line.includes("|")) return undefined
  const c = cells(line)
  const test = c.indexOf("Test")
  const average = c.indexOf("Average")
  const stdDev = c.indexOf("StdDev%")
  return test < 0 || average < 0 || stdDev < 0 ? undefined : { test, average, stdDev }
}

/** A rule under or around the header (`-----+-----`): dashes, `+`, `|`, `=` and blanks only, not empty. */
const isRule = (line: string): boolean => /^[-+|=\s]+$/.test(line)

const latency = (ns: number, percent: number) => {
  const spread = (ns * percent) / 100
  return metric(ns, ns - spread, ns + spread)
}

export const parse: Parse = (input, settings) => {
  const unsupported = requireAverage(ADAPTER, settings, ["mean"])
  const results = new ResultsBuilder()
  let table: Columns | undefined
  eachLine(input, (raw, number) => {
    const line = raw.trim()
    if (table !== undefined) {
      if (isRule(line)) return
      if (line.length === 0 || !line.includes("|")) {
        table = undefined
        return
      }
      const c = cells(line)
      const name = c[table.test] ?? ""
      const avg = VALUE.exec(c[table.average] ?? "")
      const sd = PERCENT.exec(c[table.stdDev] ?? "")
      const v = avg?.[1] === undefined ? undefined : parseNumber(avg[1])
      const ns = v === undefined || avg?.[2] === undefined ? undefined : latencyAsNanos(v, avg[2])
      const p = sd?.[1] === undefined ? undefined : parseNumber(sd[1])
      if (name.length === 0 || ns === undefined || p === undefined) return results.skip(number, raw)
      results.add(name, Measure.latency, latency(ns, p))
      return
    }
    if (line.startsWith(PREFIX)) {
      const plus = line.lastIndexOf("+/-")
      // the last ": " before the numbers: names may hold ": ", and a long name leaves no blank before it
      const sep = plus < 0 ? -1 : line.lastIndexOf(": ", plus)
      const m = sep < PREFIX.length ? null : RESULT.exec(line.slice(sep + 2).trimStart())
      const v = m?.[1] === undefined ? undefined : parseNumber(m[1])
      const ns = v === undefined || m?.[2] === undefined ? undefined : latencyAsNanos(v, m[2])
      const p = m?.[3] === undefined ? undefined : parseNumber(m[3])
      const name = sep < PREFIX.length ? "" : line.slice(PREFIX.length, sep).trim()
      if (ns === undefined || p === undefined || name.length === 0) return results.skip(number, raw)
      results.add(name, Measure.latency, latency(ns, p))
      return
    }
    table = headerOf(line)
  })
  return results.result(ADAPTER, unsupported)
}

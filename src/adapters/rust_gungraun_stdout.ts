// `rust_gungraun_stdout`: gungraun's terminal summary. A benchmark header is a line at column 0 with
// at least two `::` (its name may continue on following lines); then optional tool headers
// `  ======= DHAT ====` and metric lines `  <Name>: <new>|<old or N/A> (...)`. Only the new value is
// kept; unknown metric names are dropped.
import { metric } from "../domain/bmf.js"
import { type Parse, requireAverage, ResultsBuilder } from "./adapter.js"
import { printedNameToSlug, type Tool, toolFromName } from "./gungraun_measures.js"
import { splitLines } from "./lines.js"
import { parseNumber } from "./units.js"

const ADAPTER = "rust_gungraun_stdout"

const isHeader = (line: string): boolean => {
  if (line.length === 0 || line[0] === " " || line[0] === "\t") return false
  const first = line.indexOf("::")
  return first >= 0 && line.indexOf("::", first + 2) >= 0
}

const toolHeader = (line: string): Tool | undefined => {
  if (!line.startsWith("  =")) return undefined
  const t = line.trim()
  if (!t.startsWith("=======")) return undefined
  const rest = t.replace(/^=+ */, "")
  const space = rest.indexOf(" ")
  return toolFromName(space < 0 ? rest : rest.slice(0, space))
}

/** `  <Name>: <new>|<old>` -> [Name, new]; the new side may be a number or `N/A`-like text. */
const metricLine = (line: string): readonly [string, number | undefined] | undefined => {
  if (!line.startsWith("  ")) return undefined
  const colon = line.indexOf(":")
  const bar = line.indexOf("|", colon + 1)
  if (colon < 0 || bar < 0) return undefined
  const name = line.slice(0, colon).trim()
  return name.length === 0 ? undefined : [name, parseNumber(line.slice(colon + 1, bar).trim())]
}

export const parse: Parse = (input, settings) => {
  const unsupported = requireAverage(ADAPTER, settings, [])
  const results = new ResultsBuilder()
  const lines = splitLines(input)
  let name: string | undefined
  let tool: Tool = "callgrind"
  let nameOpen = false
  for (const line of lines) {
    if (isHeader(line)) {
      name = line.trim()
      tool = "callgrind"
      nameOpen = true
      continue
    }
    if (name === undefined) continue
    const t = toolHeader(line)
    if (t !== undefined) {
      tool = t
      nameOpen = false
      continue
    }
    const m = metricLine(line)
    if (m !== undefined) {
      nameOpen = false
      const slug = printedNameToSlug[tool].get(m[0])
      if (slug !== undefined && m[1] !== undefined) results.add(name, slug, metric(m[1]))
      continue
    }
    if (nameOpen && line.length > 0 && line[0] !== " ") {
      // the benchmark's description spans lines; keep the name as printed
      name = `${name}\n${line.trim()}`
      continue
    }
    name = undefined
  }
  return results.result(ADAPTER, unsupported)
}

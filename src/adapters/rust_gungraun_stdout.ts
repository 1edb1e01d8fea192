// `rust_gungraun_stdout`: gungraun's terminal summary. A benchmark header is a line at column 0 with
// at least two `::` (its name may continue on following lines); then optional tool headers
// `  ======= DHAT ====` and metric lines `  <Name>: <new>|<old or N/A> (...)`. Only the new value is
// kept; unknown metric names are dropped.
import { type Parse, requireAverage, ResultsBuilder } from "./adapter.js"
import { printedNameToSlug, type Tool, toolFromName } from "./gungraun_measures.js"
import { cleanText } from "./lines.js"
import { parseNumberIn } from "./units.js"

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

export const parse: Parse = (input, settings) => {
  const unsupported = requireAverage(ADAPTER, settings, [])
  const results = new ResultsBuilder()
  // the lines of splitLines(input), walked in place
  const text = cleanText(input)
  let name: string | undefined
  let tool: Tool = "callgrind"
  let nameOpen = false
  for (let a = 0; a <= text.length; ) {
    let b = text.indexOf("\n", a)
    if (b < 0) b = text.length
    const line = text.slice(a, b)
    a = b + 1
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
    // `  <Name>: <new>|<old>`: the new side may be a number or `N/A`-like text
    if (line.startsWith("  ")) {
      const colon = line.indexOf(":")
      const bar = line.indexOf("|", colon + 1)
      const metricName = colon < 0 || bar < 0 ? "" : line.slice(0, colon).trim()
      if (metricName.length > 0) {
        nameOpen = false
        const slug = printedNameToSlug[tool].get(metricName)
        if (slug !== undefined) {
          const value = parseNumberIn(line, colon + 1, bar)
          if (value !== undefined) results.addValue(name, slug, value)
        }
        continue
      }
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

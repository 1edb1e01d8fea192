// `rust_divan`: divan's tree table
//   <root>   fastest │ slowest │ median │ mean │ samples │ iters
//   ├─ <name>   <t> <u> │ <t> <u> │ <t> <u> │ <t> <u> │ <n> │ <n>
//   │  ╰─ <child> ...
// Rows are named by their tree path joined with `::` (root included, it is the bench target).
// Value = median (mean with `--average mean`), lower = fastest, upper = slowest. Rows without a name
// (divan's counter/throughput sub-rows) are skipped.
import { metric } from "../domain/bmf.js"
import { Measure, type Parse, requireAverage, ResultsBuilder } from "./adapter.js"
import { splitLines, words } from "./lines.js"
import { latencyAsNanos, parseNumber } from "./units.js"

const ADAPTER = "rust_divan"
const BAR = "│"
const SEGMENTS = ["│  ", "   ", "├─ ", "╰─ "]

const isHeader = (line: string): boolean => {
  // the first cell ends with "fastest": most lines are rows, without it
  if (!line.includes("fastest")) return false
  const cells = line.split(BAR).map((c) => c.trim())
  return (
    cells.length === 6 &&
    cells[0]?.endsWith("fastest") === true &&
    cells[1] === "slowest" &&
    cells[2] === "median" &&
    cells[3] === "mean" &&
    cells[4] === "samples" &&
    cells[5] === "iters"
  )
}

const time = (cell: string | undefined): number | undefined => {
  const w = words(cell ?? "")
  if (w.length !== 2) return undefined
  const n = parseNumber(w[0] ?? "")
  return n === undefined ? undefined : latencyAsNanos(n, w[1] ?? "")
}

export const parse: Parse = (input, settings) => {
  const unsupported = requireAverage(ADAPTER, settings, ["mean", "median"])
  const results = new ResultsBuilder()
  let path: Array<string> | undefined
  for (const line of splitLines(input)) {
    if (isHeader(line)) {
      const root = words(line.split(BAR)[0] ?? "")
      path = [root.slice(0, -1).join(" ")]
      continue
    }
    if (path === undefined) continue
    // tree prefix: 3-character segments
    let at = 0
    let depth = 0
    let branch = false
    for (;;) {
      const seg = SEGMENTS.find((s) => line.startsWith(s, at))
      if (seg === undefined) break
      at += seg.length
      depth++
      if (seg === "├─ " || seg === "╰─ ") {
        branch = true
        break
      }
    }
    if (!branch) {
      // neither a row nor a counter sub-row: the table ended
      if (!line.startsWith(BAR) && !line.startsWith(" ")) path = undefined
      continue
    }
    const cells = line.slice(at).split(BAR)
    if (cells.length !== 6) continue
    const first = words(cells[0] ?? "")
    const hasTimes = first.length >= 3 && time(first.slice(-2).join(" ")) !== undefined
    const name = (hasTimes ? first.slice(0, -2) : first).join(" ")
    if (name.length === 0) continue
    path = [...path.slice(0, depth), name]
    if (!hasTimes) continue
    const fastest = time(first.slice(-2).join(" "))
    const slowest = time(cells[1])
    const center = time(settings.average === "mean" ? cells[3] : cells[2])
    if (fastest === undefined || slowest === undefined || center === undefined) continue
    results.add(path.join("::"), Measure.latency, metric(center, fastest, slowest))
  }
  return results.result(ADAPTER, unsupported)
}

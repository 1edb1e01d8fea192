// `rust_bench`: libtest `cargo bench` lines `test <name> ... bench: <n> <unit>/iter (+/- <d>)`, and the
// same shape as other harnesses print it (criterion's `--output-format bencher`, custom `cargo bench`
// harnesses): names with spaces and parentheses, units that are no time per iteration, and libtest's
// throughput after the deviation (`= <n> MB/s`).
// A time per iteration is latency in ns; any other unit (`cycles/iter`, `MS/s`) is a measure named by
// its unit, in that unit. Value = the median libtest prints, bounds = value ∓ deviation with the lower
// one clamped at 0. A `... bench:` line that does not parse is skipped and reported, never fatal.
import { metric } from "../domain/bmf.js"
import { Measure, type Parse, requireAverage, ResultsBuilder } from "./adapter.js"
import { eachLine } from "./lines.js"
import { nanosPerUnit, parseNumber } from "./units.js"

const ADAPTER = "rust_bench"
const MARK = "... bench:"
const MAX_MEASURE = 64

// read from just after the mark (sticky); a `<unit>/iter` is tried first, so a time per iteration needs no
// second look. `(\S+?)` / `(\S+)` and the blank after them cannot overlap, so matching is linear.
const RESULT =
  /\s+([0-9][0-9,.]*) (?:(\S+?)\/iter|(\S+)) \(\+\/- ([0-9][0-9,.]*)\)(?:\s+=\s+([0-9][0-9,.]*) (\S+))?\s*$/y

/** The measure of a unit that is no time per iteration, with its unit as name (MB/s by its Bencher name). */
const unitMeasure = (unit: string): string | undefined =>
  unit === "MB/s" ? Measure.mbPerSecond : unit.length <= MAX_MEASURE ? unit : undefined

export const parse: Parse = (input, settings) => {
  const unsupported = requireAverage(ADAPTER, settings, ["median"])
  const results = new ResultsBuilder()
  eachLine(input, (line, number) => {
    if (!line.startsWith("test ")) return
    const at = line.indexOf(MARK, 5)
    if (at < 0) return
    // libtest pads names with blanks before the mark
    const name =
      at > 5 && (line.charCodeAt(at - 1) === 32 || line.charCodeAt(at - 1) === 9) ? line.slice(5, at).trim() : ""
    RESULT.lastIndex = at + MARK.length
    const m = RESULT.exec(line)
    const n = m?.[1] === undefined ? undefined : parseNumber(m[1])
    const d = m?.[4] === undefined ? undefined : parseNumber(m[4])
    const perIter = m?.[2]
    const ns = perIter === undefined ? undefined : nanosPerUnit(perIter)
    const measure =
      ns !== undefined
        ? Measure.latency
        : perIter !== undefined
          ? unitMeasure(`${perIter}/iter`)
          : m?.[3] === undefined
            ? undefined
            : unitMeasure(m[3])
    if (name.length === 0 || n === undefined || d === undefined || measure === undefined)
      return results.skip(number, line)
    const value = n * (ns ?? 1)
    const dev = d * (ns ?? 1)
    results.add(name, measure, metric(value, Math.max(0, value - dev), value + dev))
    const extra = m?.[5] === undefined ? undefined : parseNumber(m[5])
    const extraMeasure = extra === undefined || m?.[6] === undefined ? undefined : unitMeasure(m[6])
    if (extra !== undefined && extraMeasure !== undefined) results.addValue(name, extraMeasure, extra)
  })
  return results.result(ADAPTER, unsupported)
}

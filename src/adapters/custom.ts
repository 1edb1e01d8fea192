// `custom`: github-action-benchmark's custom JSON `[{name, unit, value, range?, extra?}]`. A time unit
// (`ns`, `ms/iter`, ...) is latency in ns, `ops/<time>` is throughput in ops/s, and any other unit is a
// measure named after the unit. `range` (`± 12`, `+/- 12`, `±3%`) gives bounds.
import { Either } from "effect"
import { metric } from "../domain/bmf.js"
import {
  finite,
  isRecord,
  Measure,
  mismatch,
  parseJson,
  type Parse,
  type Parsed,
  ResultsBuilder,
  type Settings
} from "./adapter.js"
import type { ParseError } from "./errors.js"
import { nanosPerUnit, parseNumber, secondsPerUnit } from "./units.js"

const ADAPTER = "custom"
const MAX_MEASURE = 64

const SECONDS: Record<string, number> = { sec: 1, second: 1, seconds: 1, msec: 1e-3, usec: 1e-6, nsec: 1e-9 }

/** [measure, factor applied to value and range] */
const measureOf = (unit: string): readonly [string, (x: number) => number] | undefined => {
  const time = unit.replace(/\/(?:iter|op|call|run)$/, "")
  const ns = nanosPerUnit(time) ?? (SECONDS[time] === undefined ? undefined : SECONDS[time] * 1e9)
  if (ns !== undefined) return [Measure.latency, (x) => x * ns]
  if (unit.startsWith("ops/")) {
    const per = unit.slice(4)
    const s = secondsPerUnit(per) ?? SECONDS[per]
    if (s !== undefined) return [Measure.throughput, (x) => x / s]
  }
  const name = unit.trim()
  return name.length === 0 || name.length > MAX_MEASURE ? undefined : [name, (x) => x]
}

/** `± 12`, `+/- 12`, `±3%`: the spread in the value's unit. */
const spreadOf = (range: unknown, value: number): number | undefined => {
  if (typeof range !== "string") return undefined
  const t = range.trim().replace(/^(?:±|\+\/-|\+-)\s*/, "")
  if (t.endsWith("%")) {
    const p = parseNumber(t.slice(0, -1).trim())
    return p === undefined ? undefined : (Math.abs(value) * p) / 100
  }
  return parseNumber(t)
}

export const fromJsonValue = (doc: unknown, _settings: Settings): Either.Either<Parsed, ParseError> => {
  if (!Array.isArray(doc)) return mismatch(ADAPTER, "not a JSON array of {name, unit, value}")
  const results = new ResultsBuilder()
  for (const entry of doc) {
    if (!isRecord(entry) || typeof entry["name"] !== "string" || typeof entry["unit"] !== "string") {
      return mismatch(ADAPTER, "an entry lacks name or unit")
    }
    const value = finite(entry["value"])
    const measure = measureOf(entry["unit"])
    if (value === undefined || measure === undefined || entry["name"].length === 0) {
      return mismatch(ADAPTER, `entry ${entry["name"]} has a bad value or unit`)
    }
    const [slug, scale] = measure
    const spread = spreadOf(entry["range"], value)
    results.add(
      entry["name"],
      slug,
      spread === undefined ? metric(scale(value)) : metric(scale(value), scale(value - spread), scale(value + spread))
    )
  }
  return results.result(ADAPTER)
}

export const parse: Parse = (input, settings) => fromJsonValue(parseJson(input), settings)

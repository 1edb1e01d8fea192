// `shell_hyperfine`: `hyperfine --export-json`. Seconds -> ns (divided by 1e-9, which reproduces Bencher's
// digits exactly); mean ± stddev, or median within [min, max].
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
  requireAverage,
  ResultsBuilder,
  type Settings
} from "./adapter.js"
import type { ParseError } from "./errors.js"

const ADAPTER = "shell_hyperfine"

export const fromJsonValue = (doc: unknown, settings: Settings): Either.Either<Parsed, ParseError> => {
  if (!isRecord(doc) || !Array.isArray(doc["results"])) return mismatch(ADAPTER, "not hyperfine JSON (results)")
  const unsupported = requireAverage(ADAPTER, settings, ["mean", "median"])
  if (unsupported !== undefined) return unsupported
  const results = new ResultsBuilder()
  for (const r of doc["results"]) {
    if (!isRecord(r) || typeof r["command"] !== "string") return mismatch(ADAPTER, "a result lacks command")
    const name = r["command"]
    if (settings.average === "median") {
      const median = finite(r["median"])
      const min = finite(r["min"])
      const max = finite(r["max"])
      if (median === undefined || min === undefined || max === undefined)
        return mismatch(ADAPTER, `${name} lacks median, min or max`)
      results.add(name, Measure.latency, metric(median / 1e-9, min / 1e-9, max / 1e-9))
    } else {
      const mean = finite(r["mean"])
      if (mean === undefined) return mismatch(ADAPTER, `${name} lacks mean`)
      const stddev = r["stddev"] === null || r["stddev"] === undefined ? undefined : finite(r["stddev"])
      if (r["stddev"] !== null && r["stddev"] !== undefined && stddev === undefined)
        return mismatch(ADAPTER, `${name} has a bad stddev`)
      results.add(
        name,
        Measure.latency,
        stddev === undefined ? metric(mean / 1e-9) : metric(mean / 1e-9, (mean - stddev) / 1e-9, (mean + stddev) / 1e-9)
      )
    }
  }
  return results.result(ADAPTER)
}

export const parse: Parse = (input, settings) => fromJsonValue(parseJson(input), settings)

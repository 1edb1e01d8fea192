// `cpp_google`: Google Benchmark `--benchmark_format=json`. Value = real_time in ns.
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
import { latencyAsNanos } from "./units.js"

const ADAPTER = "cpp_google"

export const fromJsonValue = (doc: unknown, settings: Settings): Either.Either<Parsed, ParseError> => {
  if (
    !isRecord(doc) ||
    !isRecord(doc["context"]) ||
    !Array.isArray(doc["context"]["caches"]) ||
    !Array.isArray(doc["benchmarks"])
  ) {
    return mismatch(ADAPTER, "not Google Benchmark JSON (context.caches, benchmarks)")
  }
  const unsupported = requireAverage(ADAPTER, settings, ["mean"])
  if (unsupported !== undefined) return unsupported
  const results = new ResultsBuilder()
  for (const b of doc["benchmarks"]) {
    if (!isRecord(b)) return mismatch(ADAPTER, "a benchmark is not an object")
    const name = b["name"]
    const time = finite(b["real_time"])
    const unit = b["time_unit"]
    const ns = time === undefined || typeof unit !== "string" ? undefined : latencyAsNanos(time, unit)
    if (typeof name !== "string" || ns === undefined)
      return mismatch(ADAPTER, "a benchmark lacks name, real_time or time_unit")
    results.add(name, Measure.latency, metric(ns))
  }
  return results.result(ADAPTER)
}

export const parse: Parse = (input, settings) => fromJsonValue(parseJson(input), settings)

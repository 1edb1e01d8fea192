// `python_pytest`: pytest-benchmark `--benchmark-json`. Seconds -> ns; mean ± stddev or median ± iqr.
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

const ADAPTER = "python_pytest"

export const fromJsonValue = (doc: unknown, settings: Settings): Either.Either<Parsed, ParseError> => {
  if (
    !isRecord(doc) ||
    !isRecord(doc["machine_info"]) ||
    !isRecord(doc["commit_info"]) ||
    !Array.isArray(doc["benchmarks"])
  ) {
    return mismatch(ADAPTER, "not pytest-benchmark JSON (machine_info, commit_info, benchmarks)")
  }
  const unsupported = requireAverage(ADAPTER, settings, ["mean", "median"])
  if (unsupported !== undefined) return unsupported
  const results = new ResultsBuilder()
  for (const b of doc["benchmarks"]) {
    if (!isRecord(b) || typeof b["fullname"] !== "string" || !isRecord(b["stats"])) {
      return mismatch(ADAPTER, "a benchmark lacks fullname or stats")
    }
    const stats = b["stats"]
    const [center, spread] =
      settings.average === "median"
        ? [finite(stats["median"]), finite(stats["iqr"])]
        : [finite(stats["mean"]), finite(stats["stddev"])]
    if (center === undefined || spread === undefined)
      return mismatch(ADAPTER, `benchmark ${b["fullname"]} lacks statistics`)
    results.add(b["fullname"], Measure.latency, metric(center * 1e9, (center - spread) * 1e9, (center + spread) * 1e9))
  }
  return results.result(ADAPTER)
}

export const parse: Parse = (input, settings) => fromJsonValue(parseJson(input), settings)

// `c_sharp_dot_net`: BenchmarkDotNet's JSON export. Times are in nanoseconds already.
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

const ADAPTER = "c_sharp_dot_net"

export const fromJsonValue = (doc: unknown, settings: Settings): Either.Either<Parsed, ParseError> => {
  if (!isRecord(doc) || !isRecord(doc["HostEnvironmentInfo"]) || !Array.isArray(doc["Benchmarks"])) {
    return mismatch(ADAPTER, "not a BenchmarkDotNet JSON export (HostEnvironmentInfo, Benchmarks)")
  }
  const unsupported = requireAverage(ADAPTER, settings, ["mean", "median"])
  if (unsupported !== undefined) return unsupported
  const results = new ResultsBuilder()
  for (const b of doc["Benchmarks"]) {
    if (!isRecord(b) || typeof b["Method"] !== "string" || !isRecord(b["Statistics"])) {
      return mismatch(ADAPTER, "a benchmark lacks Method or Statistics")
    }
    const ns = b["Namespace"]
    const name = typeof ns === "string" ? `${ns}.${b["Method"]}` : b["Method"]
    const stats = b["Statistics"]
    const [center, spread] =
      settings.average === "median"
        ? [finite(stats["Median"]), finite(stats["InterquartileRange"])]
        : [finite(stats["Mean"]), finite(stats["StandardDeviation"])]
    if (center === undefined || spread === undefined) return mismatch(ADAPTER, `benchmark ${name} lacks statistics`)
    results.add(name, Measure.latency, metric(center, center - spread, center + spread))
    const memory = b["Memory"]
    if (isRecord(memory)) {
      const pairs: ReadonlyArray<readonly [string, string]> = [
        [Measure.allocated, "BytesAllocatedPerOperation"],
        [Measure.gen0Collects, "Gen0Collections"],
        [Measure.gen1Collects, "Gen1Collections"],
        [Measure.gen2Collects, "Gen2Collections"],
        [Measure.totalOperations, "TotalOperations"]
      ]
      for (const [measure, key] of pairs) {
        const v = finite(memory[key])
        if (v !== undefined) results.add(name, measure, metric(v))
      }
    }
  }
  return results.result(ADAPTER)
}

export const parse: Parse = (input, settings) => fromJsonValue(parseJson(input), settings)

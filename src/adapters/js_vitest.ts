// `js_vitest`: `vitest bench --outputJson`. Each benchmark gives latency (ms -> ns) and throughput (hz).
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

const ADAPTER = "js_vitest"
const MAX_NAME = 1024

export const fromJsonValue = (doc: unknown, settings: Settings): Either.Either<Parsed, ParseError> => {
  if (!isRecord(doc) || !Array.isArray(doc["files"])) return mismatch(ADAPTER, "not vitest bench JSON (files)")
  const unsupported = requireAverage(ADAPTER, settings, ["mean", "median"])
  if (unsupported !== undefined) return unsupported
  const results = new ResultsBuilder()
  for (const file of doc["files"]) {
    if (!isRecord(file) || !Array.isArray(file["groups"])) return mismatch(ADAPTER, "a file lacks groups")
    for (const group of file["groups"]) {
      if (!isRecord(group) || typeof group["fullName"] !== "string" || !Array.isArray(group["benchmarks"])) {
        return mismatch(ADAPTER, "a group lacks fullName or benchmarks")
      }
      for (const b of group["benchmarks"]) {
        if (!isRecord(b) || typeof b["name"] !== "string") return mismatch(ADAPTER, "a benchmark lacks name")
        const full = `${group["fullName"]} > ${b["name"]}`
        const name = full.length > MAX_NAME ? b["name"] : full
        const hz = finite(b["hz"])
        const rme = finite(b["rme"])
        const mean = finite(b["mean"])
        const sd = finite(b["sd"])
        const median = finite(b["median"])
        if (hz === undefined || rme === undefined) return mismatch(ADAPTER, `benchmark ${name} lacks hz or rme`)
        if (settings.average === "median") {
          if (median === undefined) return mismatch(ADAPTER, `benchmark ${name} lacks median`)
          results.add(name, Measure.latency, metric(median * 1e6))
        } else {
          if (mean === undefined || sd === undefined) return mismatch(ADAPTER, `benchmark ${name} lacks mean or sd`)
          results.add(name, Measure.latency, metric(mean * 1e6, (mean - sd) * 1e6, (mean + sd) * 1e6))
        }
        const spread = (hz * rme) / 100
        results.add(name, Measure.throughput, metric(hz, hz - spread, hz + spread))
      }
    }
  }
  return results.result(ADAPTER)
}

export const parse: Parse = (input, settings) => fromJsonValue(parseJson(input), settings)

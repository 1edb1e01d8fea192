// `julia_benchmarktools`: the JSON written by `BenchmarkTools.save(file, results)`:
// `[{"Julia": ..., "BenchmarkTools": ...}, [["BenchmarkGroup", {"data": {...}, "tags": [...]}]]]`.
// Nested groups flatten to `group/key`; a `Trial` leaf gives its median time (mean with
// `--average mean`) in ns, a `TrialEstimate` leaf its time; `memory` and `allocs` become the
// `allocated` and `allocations` measures.
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

const ADAPTER = "julia_benchmarktools"

const median = (xs: ReadonlyArray<number>): number => {
  const s = [...xs].sort((a, b) => a - b)
  const mid = Math.floor(s.length / 2)
  const hi = s[mid] ?? NaN
  if (s.length % 2 === 1) return hi
  const lo = s[mid - 1] ?? NaN
  return lo === hi ? lo : (lo + hi) / 2
}

const mean = (xs: ReadonlyArray<number>): number => {
  let m = 0
  xs.forEach((x, k) => {
    if (x !== m) m += (x - m) / (k + 1)
  })
  return m
}

const numbers = (u: unknown): Array<number> | undefined => {
  if (!Array.isArray(u)) return undefined
  const out: Array<number> = []
  for (const x of u) {
    const n = finite(x)
    if (n === undefined) return undefined
    out.push(n)
  }
  return out
}

/** Walks `["Tag", {...}]` nodes. Returns false when a node is not BenchmarkTools data. */
const walk = (node: unknown, path: ReadonlyArray<string>, settings: Settings, results: ResultsBuilder): boolean => {
  if (!Array.isArray(node) || node.length !== 2 || typeof node[0] !== "string" || !isRecord(node[1])) return false
  const [tag, body] = node as [string, Record<string, unknown>]
  const name = path.join("/")
  switch (tag) {
    case "BenchmarkGroup": {
      const data = body["data"]
      if (!isRecord(data)) return false
      for (const [key, child] of Object.entries(data)) {
        if (!walk(child, [...path, key], settings, results)) return false
      }
      return true
    }
    case "Trial": {
      const times = numbers(body["times"])
      if (times === undefined || path.length === 0) return false
      if (times.length === 0) return true
      results.add(name, Measure.latency, metric(settings.average === "mean" ? mean(times) : median(times)))
      break
    }
    case "TrialEstimate": {
      const time = finite(body["time"])
      if (time === undefined || path.length === 0) return false
      results.add(name, Measure.latency, metric(time))
      break
    }
    default:
      return false
  }
  const memory = finite(body["memory"])
  const allocs = finite(body["allocs"])
  if (memory !== undefined) results.add(name, Measure.allocated, metric(memory))
  if (allocs !== undefined) results.add(name, Measure.allocations, metric(allocs))
  return true
}

export const fromJsonValue = (doc: unknown, settings: Settings): Either.Either<Parsed, ParseError> => {
  if (
    !Array.isArray(doc) ||
    doc.length !== 2 ||
    !isRecord(doc[0]) ||
    !("BenchmarkTools" in doc[0]) ||
    !Array.isArray(doc[1])
  ) {
    return mismatch(ADAPTER, "not a BenchmarkTools.save JSON file ([{Julia, BenchmarkTools}, [values]])")
  }
  const unsupported = requireAverage(ADAPTER, settings, ["mean", "median"])
  if (unsupported !== undefined) return unsupported
  const results = new ResultsBuilder()
  for (const value of doc[1]) {
    if (!walk(value, [], settings, results)) return mismatch(ADAPTER, "unexpected BenchmarkTools value")
  }
  return results.result(ADAPTER)
}

export const parse: Parse = (input, settings) => fromJsonValue(parseJson(input), settings)

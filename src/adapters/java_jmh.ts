// `java_jmh`: JMH `-rf json`. `<t>/op` is latency (ns), `ops/<t>` is throughput (ops/s); bounds are
// JMH's score confidence interval, not clamped (a negative lower bound is kept, as Bencher does).
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
import { latencyAsNanos, throughputAsPerSecond } from "./units.js"

const ADAPTER = "java_jmh"

export const fromJsonValue = (doc: unknown, settings: Settings): Either.Either<Parsed, ParseError> => {
  if (!Array.isArray(doc)) return mismatch(ADAPTER, "not a JMH JSON array")
  const unsupported = requireAverage(ADAPTER, settings, ["mean"])
  if (unsupported !== undefined) return unsupported
  const results = new ResultsBuilder()
  for (const b of doc) {
    if (!isRecord(b) || typeof b["benchmark"] !== "string" || !isRecord(b["primaryMetric"])) {
      return mismatch(ADAPTER, "an entry lacks benchmark or primaryMetric")
    }
    const name = b["benchmark"]
    const pm = b["primaryMetric"]
    const score = finite(pm["score"])
    const unit = pm["scoreUnit"]
    const conf = pm["scoreConfidence"]
    const lo = Array.isArray(conf) ? finite(conf[0]) : undefined
    const hi = Array.isArray(conf) ? finite(conf[1]) : undefined
    if (score === undefined || typeof unit !== "string" || lo === undefined || hi === undefined) {
      return mismatch(ADAPTER, `benchmark ${name} lacks score, scoreConfidence or scoreUnit`)
    }
    if (unit.endsWith("/op")) {
      const u = unit.slice(0, -3)
      const v = latencyAsNanos(score, u)
      const l = latencyAsNanos(lo, u)
      const h = latencyAsNanos(hi, u)
      if (v === undefined || l === undefined || h === undefined) return mismatch(ADAPTER, `unknown unit ${unit}`)
      results.add(name, Measure.latency, metric(v, l, h))
    } else if (unit.startsWith("ops/")) {
      const u = unit.slice(4)
      const v = throughputAsPerSecond(score, u)
      const l = throughputAsPerSecond(lo, u)
      const h = throughputAsPerSecond(hi, u)
      if (v === undefined || l === undefined || h === undefined) return mismatch(ADAPTER, `unknown unit ${unit}`)
      results.add(name, Measure.throughput, metric(v, l, h))
    } else {
      return mismatch(ADAPTER, `unknown unit ${unit}`)
    }
  }
  return results.result(ADAPTER)
}

export const parse: Parse = (input, settings) => fromJsonValue(parseJson(input), settings)

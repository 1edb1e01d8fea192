// Bencher Metric Format: benchmark -> measure -> metric. The shape every adapter produces and every
// report upload carries (docs/reference.md §1).
import { Either, ParseResult, Schema } from "effect"

/** Why a metric cannot be stored, or undefined: every value finite (`1e309` reads as Infinity), lower <= upper. */
export const metricProblem = (
  value: number,
  lower: number | undefined,
  upper: number | undefined
): string | undefined =>
  !Number.isFinite(value) ||
  (lower !== undefined && !Number.isFinite(lower)) ||
  (upper !== undefined && !Number.isFinite(upper))
    ? "value, lower_value and upper_value must be finite numbers"
    : lower !== undefined && upper !== undefined && lower > upper
      ? `lower_value ${lower} is greater than upper_value ${upper}`
      : undefined

export const BmfMetric = Schema.Struct({
  value: Schema.Number,
  lower_value: Schema.optional(Schema.Number),
  upper_value: Schema.optional(Schema.Number)
}).pipe(Schema.filter((m) => metricProblem(m.value, m.lower_value, m.upper_value) ?? true))
export type BmfMetric = typeof BmfMetric.Type

/** measure key (slug, UUID or name) -> metric */
export const BmfMeasures = Schema.Record({ key: Schema.String, value: BmfMetric })
export type BmfMeasures = typeof BmfMeasures.Type

/** benchmark key (UUID, slug or name) -> measures */
export const Bmf = Schema.Record({ key: Schema.String, value: BmfMeasures })
export type Bmf = typeof Bmf.Type

/** BMF straight from a JSON string, as the `json` adapter and `POST /v0/run` results read it. */
export const BmfFromJson = Schema.parseJson(Bmf)

export const decodeBmf: (u: unknown) => Either.Either<Bmf, ParseResult.ParseError> = Schema.decodeUnknownEither(Bmf)
export const decodeBmfJson: (s: string) => Either.Either<Bmf, ParseResult.ParseError> = Schema.decodeEither(BmfFromJson)
export const encodeBmfJson = (bmf: Bmf, space?: number): string => JSON.stringify(bmf, null, space)

/** A metric without bounds. */
export const metric = (value: number, lower?: number, upper?: number): BmfMetric =>
  lower === undefined
    ? upper === undefined
      ? { value }
      : { value, upper_value: upper }
    : upper === undefined
      ? { value, lower_value: lower }
      : { value, lower_value: lower, upper_value: upper }

const isObject = (u: unknown): u is Record<string, unknown> => typeof u === "object" && u !== null && !Array.isArray(u)

/** Defines `key` as an own data property, as Object.fromEntries does: `__proto__` stays an ordinary key. */
const define = <V>(target: Record<string, V>, key: string, value: V): void => {
  if (key === "__proto__")
    Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true })
  else target[key] = value
}

/**
 * Same check as `decodeBmf`, hand-written for large uploads: one pass, no intermediate errors or pairs, and
 * keys such as `__proto__` stay ordinary keys. Extra metric keys are dropped, like serde does.
 */
export const bmfFromUnknown = (u: unknown): Either.Either<Bmf, string> => {
  if (!isObject(u)) return Either.left("expected an object of benchmarks")
  const benchmarks: Record<string, BmfMeasures> = {}
  for (const name of Object.keys(u)) {
    const measuresIn = u[name]
    if (!isObject(measuresIn)) return Either.left(`benchmark ${JSON.stringify(name)}: expected an object of measures`)
    const measures: Record<string, BmfMetric> = {}
    for (const measure of Object.keys(measuresIn)) {
      const m = measuresIn[measure]
      if (!isObject(m))
        return Either.left(
          `${JSON.stringify(name)}.${JSON.stringify(measure)}: expected {value, lower_value?, upper_value?}`
        )
      const { value, lower_value: lower, upper_value: upper } = m
      if (
        typeof value !== "number" ||
        (lower !== undefined && typeof lower !== "number") ||
        (upper !== undefined && typeof upper !== "number")
      ) {
        return Either.left(
          `${JSON.stringify(name)}.${JSON.stringify(measure)}: value, lower_value and upper_value must be numbers`
        )
      }
      const problem = metricProblem(value, lower, upper)
      if (problem !== undefined) return Either.left(`${JSON.stringify(name)}.${JSON.stringify(measure)}: ${problem}`)
      define(measures, measure, metric(value, lower, upper))
    }
    define(benchmarks, name, measures)
  }
  return Either.right(benchmarks)
}

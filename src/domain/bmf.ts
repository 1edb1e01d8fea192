// Bencher Metric Format: benchmark -> measure -> metric. The shape every adapter produces and every
// report upload carries (reference/bencher.md §1).
import { Either, ParseResult, Schema } from "effect"

export const BmfMetric = Schema.Struct({
  value: Schema.Number,
  lower_value: Schema.optional(Schema.Number),
  upper_value: Schema.optional(Schema.Number)
})
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
    ? upper === undefined ? { value } : { value, upper_value: upper }
    : upper === undefined ? { value, lower_value: lower } : { value, lower_value: lower, upper_value: upper }

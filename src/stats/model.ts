// Threshold models and their validation, after Bencher's `bencher_valid::model` (docs/reference.md §3.1).
import { Either, Option, ParseResult, Schema } from "effect"

export const MODEL_TESTS = ["static", "percentage", "z_score", "t_test", "log_normal", "iqr", "delta_iqr"] as const

export const ModelTest = Schema.Literal(...MODEL_TESTS)
export type ModelTest = typeof ModelTest.Type

// Bencher's `model.test` column values; stored data depends on them, so they never change.
const MODEL_TEST_INTS = {
  t_test: 0,
  z_score: 1,
  log_normal: 10,
  static: 20,
  percentage: 30,
  iqr: 40,
  delta_iqr: 41
} as const satisfies Record<ModelTest, number>

export const modelTestToInt = (test: ModelTest): number => MODEL_TEST_INTS[test]

export const modelTestFromInt = (value: number): Option.Option<ModelTest> =>
  Option.fromNullable(MODEL_TESTS.find((test) => MODEL_TEST_INTS[test] === value))

/** The JSON spelling of a test. Bencher's serde aliases `z` and `t` decode to the full name, which is what encodes. */
export const ModelTestFromJson = Schema.transform(Schema.Literal(...MODEL_TESTS, "z", "t"), ModelTest, {
  strict: true,
  decode: (name) => (name === "z" ? "z_score" : name === "t" ? "t_test" : name),
  encode: (test) => test
})

/** Accepts a full name or an alias (`z`, `t`). */
export const parseModelTest: (name: string) => Option.Option<ModelTest> = Schema.decodeUnknownOption(ModelTestFromJson)

export interface Model {
  readonly test: ModelTest
  readonly min_sample_size?: number
  readonly max_sample_size?: number
  /** Seconds of history to consider, counted back from now. */
  readonly window?: number
  readonly lower_boundary?: number | null
  readonly upper_boundary?: number | null
}

/** The JSON model body (Bencher's `JsonModel`, also flattened into `JsonNewThreshold`). Structure only: rules live in `validateModel`. */
export const ModelJson = Schema.Struct({
  test: ModelTestFromJson,
  // serde reads `null` as an absent Option; absent is how we keep it.
  min_sample_size: Schema.optionalWith(Schema.Number, { exact: true, nullable: true }),
  max_sample_size: Schema.optionalWith(Schema.Number, { exact: true, nullable: true }),
  window: Schema.optionalWith(Schema.Number, { exact: true, nullable: true }),
  lower_boundary: Schema.optionalWith(Schema.NullOr(Schema.Number), { exact: true }),
  upper_boundary: Schema.optionalWith(Schema.NullOr(Schema.Number), { exact: true })
})

export class ModelInvalid extends Schema.TaggedError<ModelInvalid>()("ModelInvalid", {
  field: Schema.String,
  reason: Schema.String
}) {
  override get message(): string {
    return `${this.field}: ${this.reason}`
  }
}

const U32_MAX = 4_294_967_295

const isU32 = (value: number): boolean => Number.isInteger(value) && value >= 0 && value <= U32_MAX

const present = (value: number | null | undefined): value is number => value !== undefined && value !== null

type Rule = (model: Model) => ModelInvalid | undefined

const invalid = (field: string, reason: string): ModelInvalid => new ModelInvalid({ field, reason })

const boundaryFields = ["lower_boundary", "upper_boundary"] as const
const sampleSizeFields = ["min_sample_size", "max_sample_size"] as const

const eachBoundary = (model: Model, check: (value: number) => string | undefined): ModelInvalid | undefined => {
  for (const field of boundaryFields) {
    const value = model[field]
    if (!present(value)) continue
    const reason = Number.isFinite(value) ? check(value) : "must be a finite number"
    if (reason !== undefined) return invalid(field, reason)
  }
  return undefined
}

const eachSampleSize = (model: Model, minimum: number): ModelInvalid | undefined => {
  for (const field of sampleSizeFields) {
    const value = model[field]
    if (value !== undefined && value < minimum) return invalid(field, `must be at least ${minimum} for ${model.test}`)
  }
  return undefined
}

const rules: ReadonlyArray<Rule> = [
  (model) =>
    present(model.lower_boundary) || present(model.upper_boundary)
      ? undefined
      : invalid("lower_boundary, upper_boundary", "at least one boundary is required"),
  (model) => {
    for (const field of sampleSizeFields) {
      const value = model[field]
      if (value !== undefined && !(isU32(value) && value >= 1)) {
        return invalid(field, `must be an integer in [1, ${U32_MAX}]`)
      }
    }
    return undefined
  },
  (model) =>
    model.window !== undefined && !(isU32(model.window) && model.window > 0)
      ? invalid("window", `must be an integer number of seconds in [1, ${U32_MAX}]`)
      : undefined,
  (model) => {
    switch (model.test) {
      case "static": {
        for (const field of ["window", ...sampleSizeFields] as const) {
          if (model[field] !== undefined) return invalid(field, "must not be set for static")
        }
        const { lower_boundary: lower, upper_boundary: upper } = model
        return (
          eachBoundary(model, () => undefined) ??
          (present(lower) && present(upper) && lower > upper
            ? invalid("lower_boundary", "must be <= upper_boundary for static")
            : undefined)
        )
      }
      // Percentage sample sizes need only be >= 1, which every sample size already is.
      case "percentage":
        return eachBoundary(model, (b) => (b >= 0 ? undefined : "must be >= 0 for percentage"))
      case "z_score":
      case "t_test":
      case "log_normal":
        return (
          eachBoundary(model, (b) => (b >= 0.5 && b < 1 ? undefined : `must be in [0.5, 1.0) for ${model.test}`)) ??
          eachSampleSize(model, 2)
        )
      case "iqr":
      case "delta_iqr":
        return (
          eachBoundary(model, (b) => (b >= 0 ? undefined : `must be >= 0 for ${model.test}`)) ??
          eachSampleSize(model, 2)
        )
    }
  },
  (model) =>
    model.min_sample_size !== undefined &&
    model.max_sample_size !== undefined &&
    model.min_sample_size > model.max_sample_size
      ? invalid("min_sample_size", "must be <= max_sample_size")
      : undefined
]

/** Applies every rule of Bencher's `validate_model`; the first broken rule names its field. */
export const validateModel = (model: Model): Either.Either<Model, ModelInvalid> => {
  for (const rule of rules) {
    const error = rule(model)
    if (error !== undefined) return Either.left(error)
  }
  return Either.right(model)
}

/** Decodes a JSON model body and validates it; a malformed body names the first field the decoder rejected. */
export const decodeModel = (input: unknown): Either.Either<Model, ModelInvalid> =>
  Schema.decodeUnknownEither(ModelJson)(input).pipe(
    Either.mapLeft((error) => {
      const first = ParseResult.ArrayFormatter.formatErrorSync(error)[0]
      const field = first?.path[0]
      return new ModelInvalid({
        field: typeof field === "string" ? field : "body",
        reason: first?.message ?? error.message
      })
    }),
    Either.flatMap(validateModel)
  )

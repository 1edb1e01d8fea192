import { Either, Option } from "effect"
import { type JsonNewModel, type JsonReportThresholds as Thresholds } from "../../domain/run.js"
import { parseModelTest } from "../../stats/model.js"

type JsonReportThresholds = typeof Thresholds.Type

// `--threshold-*` flags are parallel repeatable lists (Bencher's CliReportThresholds): the i-th value of each list
// belongs to the i-th `--threshold-measure`. A list may be left out entirely; otherwise it has one value per measure,
// and `_` elides the value for one threshold.

export interface ThresholdFlags {
  readonly measures: ReadonlyArray<string>
  readonly tests: ReadonlyArray<string>
  readonly minSampleSizes: ReadonlyArray<string>
  readonly maxSampleSizes: ReadonlyArray<string>
  readonly windows: ReadonlyArray<string>
  readonly lowerBoundaries: ReadonlyArray<string>
  readonly upperBoundaries: ReadonlyArray<string>
  readonly reset: boolean
}

export const ELIDED = "_"

type Parsed<A> = Either.Either<A, string>

const parallel = <A>(
  flag: string,
  values: ReadonlyArray<string>,
  count: number,
  parse: (raw: string) => A | undefined,
  expected: string
): Parsed<ReadonlyArray<A | null>> => {
  if (values.length === 0) return Either.right(Array.from({ length: count }, () => null))
  if (values.length !== count) {
    return Either.left(
      `--${flag} was given ${values.length} time(s) but --threshold-measure ${count} time(s); give one value per measure (use ${ELIDED} to skip one)`
    )
  }
  const out: Array<A | null> = []
  for (const raw of values) {
    if (raw.trim() === ELIDED) {
      out.push(null)
      continue
    }
    const parsed = parse(raw.trim())
    if (parsed === undefined) return Either.left(`--${flag} ${JSON.stringify(raw)} is not ${expected}`)
    out.push(parsed)
  }
  return Either.right(out)
}

const parseInt32 = (raw: string): number | undefined => (/^\d+$/.test(raw) ? Number(raw) : undefined)
const parseFloat64 = (raw: string): number | undefined => {
  const n = Number(raw)
  return raw !== "" && Number.isFinite(n) ? n : undefined
}

/**
 * The `thresholds` of a JsonNewRun from the flags: undefined when no threshold flag was given, `{reset: true}` alone
 * for `--thresholds-reset` without measures. Validation of each model's numbers is the server's (src/stats).
 */
export const parseThresholdFlags = (flags: ThresholdFlags): Parsed<JsonReportThresholds | undefined> => {
  const count = flags.measures.length
  if (count === 0) {
    const stray = [
      ["threshold-test", flags.tests],
      ["threshold-min-sample-size", flags.minSampleSizes],
      ["threshold-max-sample-size", flags.maxSampleSizes],
      ["threshold-window", flags.windows],
      ["threshold-lower-boundary", flags.lowerBoundaries],
      ["threshold-upper-boundary", flags.upperBoundaries]
    ].find(([, values]) => values !== undefined && values.length > 0)
    if (stray !== undefined) return Either.left(`--${String(stray[0])} requires --threshold-measure`)
    return Either.right(flags.reset ? { reset: true } : undefined)
  }
  if (flags.tests.length !== count) {
    return Either.left(
      `--threshold-test was given ${flags.tests.length} time(s) but --threshold-measure ${count} time(s); every threshold needs a test`
    )
  }
  return Either.gen(function* () {
    const tests = yield* parallel(
      "threshold-test",
      flags.tests,
      count,
      (raw) => Option.getOrUndefined(parseModelTest(raw)),
      "a test (static, percentage, z_score, t_test, log_normal, iqr, delta_iqr)"
    )
    const minSampleSizes = yield* parallel(
      "threshold-min-sample-size",
      flags.minSampleSizes,
      count,
      parseInt32,
      "a whole number"
    )
    const maxSampleSizes = yield* parallel(
      "threshold-max-sample-size",
      flags.maxSampleSizes,
      count,
      parseInt32,
      "a whole number"
    )
    const windows = yield* parallel("threshold-window", flags.windows, count, parseInt32, "a whole number of seconds")
    const lowers = yield* parallel("threshold-lower-boundary", flags.lowerBoundaries, count, parseFloat64, "a number")
    const uppers = yield* parallel("threshold-upper-boundary", flags.upperBoundaries, count, parseFloat64, "a number")
    const models: Record<string, JsonNewModel> = {}
    for (let i = 0; i < count; i++) {
      const measure = flags.measures[i] as string
      const test = tests[i]
      if (test === null || test === undefined)
        return yield* Either.left(`--threshold-test cannot be ${ELIDED}: every threshold needs a test`)
      if (measure in models) return yield* Either.left(`--threshold-measure ${JSON.stringify(measure)} was given twice`)
      const model: { -readonly [K in keyof JsonNewModel]: JsonNewModel[K] } = { test }
      const min = minSampleSizes[i]
      const max = maxSampleSizes[i]
      const window = windows[i]
      const lower = lowers[i]
      const upper = uppers[i]
      if (min !== null && min !== undefined) model.min_sample_size = min
      if (max !== null && max !== undefined) model.max_sample_size = max
      if (window !== null && window !== undefined) model.window = window
      if (lower !== null && lower !== undefined) model.lower_boundary = lower
      if (upper !== null && upper !== undefined) model.upper_boundary = upper
      models[measure] = model
    }
    return flags.reset ? { models, reset: true } : { models }
  })
}

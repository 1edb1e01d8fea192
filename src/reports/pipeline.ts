import { SqlClient } from "@effect/sql"
import { Clock, Context, Effect, Either, Layer } from "effect"
import { type AdapterName, adapterToInt, decodeAdapterName, normalizeAdapter, parseResults } from "../adapters/index.js"
import type { Bmf } from "../domain/bmf.js"
import { BadRequest } from "../domain/errors.js"
import type { JsonNewModel } from "../domain/run.js"
import { Benchmarks, Measures, Testbeds } from "../projects/dimension-services.js"
import { Branches, type StartPoint } from "../projects/branches.js"
import type { MeasureRow } from "../projects/rows.js"
import { computeLimits, type Model, outlier, validateModel } from "../stats/index.js"
import { newUuid } from "../store/ids.js"
import { retryBusy } from "../store/database.js"
import { single } from "../store/rows.js"
import { modelFromRow, Thresholds } from "../thresholds/thresholds.js"

/** Everything a report needs, whichever way its results arrived (local run, completed job). */
export interface ReportInput {
  readonly projectId: number
  readonly branch?: string | null | undefined
  readonly hash?: string | null | undefined
  readonly startPoint?: {
    readonly branch?: string | null | undefined
    readonly hash?: string | null | undefined
    readonly max_versions?: number | null | undefined
    readonly clone_thresholds?: boolean | null | undefined
    readonly reset?: boolean | null | undefined
  } | null | undefined
  readonly testbed?: string | null | undefined
  readonly thresholds?: {
    readonly models?: Readonly<Record<string, JsonNewModel>> | null | undefined
    readonly reset?: boolean | null | undefined
  } | null | undefined
  readonly startTime: number
  readonly endTime: number
  readonly results: ReadonlyArray<string>
  readonly adapter?: string | null | undefined
  readonly average?: "mean" | "median" | null | undefined
  readonly fold?: "min" | "max" | "mean" | "median" | null | undefined
  readonly idempotencyKey?: string | null | undefined
  readonly userId?: number | null | undefined
  readonly specId?: number | null | undefined
}

export const DEFAULT_BRANCH = "main"
export const DEFAULT_TESTBED = "localhost"
const IGNORE_SUFFIXES = ["_bencher_ignore", "BencherIgnore", "-bencher-ignore"] as const

/** `-bencher-ignore` benchmarks are stored and bounded under their stripped name but never alert. */
export const stripIgnoreSuffix = (name: string): { readonly name: string; readonly ignored: boolean } => {
  for (const suffix of IGNORE_SUFFIXES) {
    if (name.endsWith(suffix) && name.length > suffix.length) return { name: name.slice(0, -suffix.length), ignored: true }
  }
  return { name, ignored: false }
}

const adapterFailure = (adapter: string, average: string | null | undefined, fold: string | null | undefined, reason: string) =>
  new BadRequest({
    message: `Failed to convert results with adapter (${adapter} | average: ${average ?? "none"}, fold: ${fold ?? "none"}): ${reason}. ` +
      `Are you sure ${adapter} is the right adapter?`
  })

/** Decodes the adapter settings and every iteration before anything is written; a failure stores nothing. */
export const parseReportResults = (input: Pick<ReportInput, "adapter" | "average" | "fold" | "results">) =>
  Effect.gen(function*() {
    const requested = input.adapter ?? "magic"
    const adapter = yield* Either.match(decodeAdapterName(requested), {
      onLeft: (e) => Effect.fail(new BadRequest({ message: `settings.adapter: ${e.message}` })),
      onRight: (a) => Effect.succeed<AdapterName>(a)
    })
    if (input.results.length === 0) return { adapter, iterations: [] as ReadonlyArray<Bmf> }
    const parsed = parseResults(
      { adapter, average: input.average ?? undefined, fold: input.fold ?? undefined },
      input.results
    )
    if (Either.isLeft(parsed)) return yield* adapterFailure(normalizeAdapter(adapter), input.average, input.fold, parsed.left.message)
    return { adapter, iterations: parsed.right }
  })

/** A model that passed src/stats validation, or a 400 naming the field under `path`. */
export const validModel = (model: JsonNewModel, path: string) =>
  Either.match(validateModel(model), {
    onLeft: (e) => Effect.fail(new BadRequest({ message: `${path}${e.message}` })),
    onRight: (m) => Effect.succeed(m)
  })

export const validateModels = (models: Readonly<Record<string, JsonNewModel>> | null | undefined) =>
  Effect.forEach(Object.entries(models ?? {}), ([measure, model]) =>
    Effect.map(validModel(model, `thresholds.models.${measure}.`), (m) => [measure, m] as const))

const make = Effect.gen(function*() {
  const sql = yield* SqlClient.SqlClient
  const branches = yield* Branches
  const testbeds = yield* Testbeds
  const measures = yield* Measures
  const benchmarks = yield* Benchmarks
  const thresholds = yield* Thresholds

  /**
   * The history a threshold judges a new metric against (reference/bencher.md §3.2): metrics of the same
   * benchmark, measure and testbed on any version linked to the branch's current head (so start-point history
   * counts), newest first, limited by max_sample_size and by the model's window of wall-clock seconds.
   */
  const history = (q: {
    readonly headId: number
    readonly testbedId: number
    readonly benchmarkId: number
    readonly measureId: number
    readonly specId: number | null
    readonly model: Model
    readonly now: number
  }) => {
    const windowStart = q.model.window === undefined ? null : q.now - q.model.window * 1000
    return sql<{ value: number }>`SELECT metric.value FROM report_benchmark
      JOIN report ON report.id = report_benchmark.report_id
      JOIN head_version ON head_version.version_id = report.version_id AND head_version.head_id = ${q.headId}
      JOIN version ON version.id = report.version_id
      JOIN metric ON metric.report_benchmark_id = report_benchmark.id AND metric.measure_id = ${q.measureId}
      WHERE report_benchmark.benchmark_id = ${q.benchmarkId} AND report.testbed_id = ${q.testbedId}
        AND (${q.specId} IS NULL OR report.spec_id = ${q.specId})
        AND (${windowStart} IS NULL OR report.start_time >= ${windowStart})
      ORDER BY version.number DESC, report.start_time DESC, report_benchmark.iteration DESC
      LIMIT ${q.model.max_sample_size ?? -1}`.pipe(Effect.map((rows) => rows.map((r) => r.value)))
  }

  /**
   * Stores one report: branch (with its start point), testbed, version, inline thresholds, then per iteration the
   * benchmarks, metrics, boundaries and alerts, all in one write transaction. Returns the report id; a repeated
   * idempotency key returns the first report unchanged.
   */
  const ingest = (input: ReportInput) =>
    Effect.gen(function*() {
      const { adapter, iterations } = yield* parseReportResults(input)
      const models = yield* validateModels(input.thresholds?.models)

      const write = Effect.gen(function*() {
        if (input.idempotencyKey !== undefined && input.idempotencyKey !== null) {
          const [existing] = yield* sql<{ id: number }>`SELECT id FROM report
            WHERE project_id = ${input.projectId} AND idempotency_key = ${input.idempotencyKey}`
          if (existing !== undefined) return existing.id
        }
        const now = yield* Clock.currentTimeMillis
        const startPoint = yield* resolveStartPoint(input)
        const branch = yield* branches.forRun(
          input.projectId,
          input.branch ?? DEFAULT_BRANCH,
          startPoint,
          input.startPoint?.reset === true
        )
        const headId = branch.head_id
        if (headId === null) return yield* Effect.dieMessage("branch without a head")
        const testbed = yield* testbeds.getOrCreate(input.projectId, input.testbed ?? DEFAULT_TESTBED)
        const version = yield* branches.versionFor(input.projectId, headId, input.hash)

        const measureCache = new Map<string, MeasureRow>()
        const measureFor = (key: string) =>
          Effect.gen(function*() {
            const cached = measureCache.get(key)
            if (cached !== undefined) return cached
            const row = yield* measures.getOrCreate(input.projectId, key)
            measureCache.set(key, row)
            return row
          })

        const kept: Array<number> = []
        for (const [key, model] of models) {
          const measure = yield* measureFor(key)
          kept.push(measure.id)
          yield* thresholds.upsert(input.projectId, branch.id, testbed.id, measure.id, model)
        }
        if (input.thresholds?.reset === true) yield* thresholds.resetExcept(branch.id, testbed.id, kept)

        const report = yield* sql<{ id: number }>`INSERT INTO report ${sql.insert({
          uuid: yield* newUuid,
          idempotency_key: input.idempotencyKey ?? null,
          user_id: input.userId ?? null,
          project_id: input.projectId,
          head_id: headId,
          version_id: version.id,
          testbed_id: testbed.id,
          spec_id: input.specId ?? null,
          adapter: adapterToInt(normalizeAdapter(adapter)),
          start_time: input.startTime,
          end_time: input.endTime,
          created: now
        })} RETURNING id`.pipe(Effect.flatMap(single("report")))

        const detectors = new Map<number, { thresholdId: number; modelId: number; model: Model } | null>()
        const detectorFor = (measureId: number) =>
          Effect.gen(function*() {
            if (detectors.has(measureId)) return detectors.get(measureId) ?? null
            const found = yield* thresholds.detectorFor(branch.id, testbed.id, measureId)
            const detector = found === undefined
              ? null
              : { thresholdId: found.threshold.id, modelId: found.model.id, model: modelFromRow(found.model) }
            detectors.set(measureId, detector)
            return detector
          })

        yield* Effect.forEach(iterations, (bmf, iteration) =>
          Effect.forEach(Object.entries(bmf), ([benchmarkKey, metrics]) =>
            Effect.gen(function*() {
              const { name, ignored } = stripIgnoreSuffix(benchmarkKey)
              const benchmark = yield* benchmarks.getOrCreate(input.projectId, name)
              const reportBenchmark = yield* sql<{ id: number }>`INSERT INTO report_benchmark ${sql.insert({
                uuid: yield* newUuid,
                report_id: report.id,
                iteration,
                benchmark_id: benchmark.id
              })} RETURNING id`.pipe(Effect.flatMap(single("report_benchmark")))
              for (const [measureKey, value] of Object.entries(metrics)) {
                const measure = yield* measureFor(measureKey)
                const detector = yield* detectorFor(measure.id)
                // Read the history before writing the metric, so the new metric is never in its own sample.
                const sample = detector === null ? [] : yield* history({
                  headId,
                  testbedId: testbed.id,
                  benchmarkId: benchmark.id,
                  measureId: measure.id,
                  specId: input.specId ?? null,
                  model: detector.model,
                  now
                })
                const metric = yield* sql<{ id: number }>`INSERT INTO metric ${sql.insert({
                  uuid: yield* newUuid,
                  report_benchmark_id: reportBenchmark.id,
                  measure_id: measure.id,
                  value: value.value,
                  lower_value: value.lower_value ?? null,
                  upper_value: value.upper_value ?? null
                })} RETURNING id`.pipe(Effect.flatMap(single("metric")))
                if (detector === null) continue
                const limits = computeLimits(detector.model, sample)
                const boundary = yield* sql<{ id: number }>`INSERT INTO boundary ${sql.insert({
                  uuid: yield* newUuid,
                  metric_id: metric.id,
                  threshold_id: detector.thresholdId,
                  model_id: detector.modelId,
                  baseline: limits.baseline,
                  lower_limit: limits.lower_limit,
                  upper_limit: limits.upper_limit
                })} RETURNING id`.pipe(Effect.flatMap(single("boundary")))
                const side = outlier(value.value, limits)
                if (side !== null && !ignored) {
                  yield* sql`INSERT INTO alert ${sql.insert({
                    uuid: yield* newUuid,
                    boundary_id: boundary.id,
                    boundary_limit: side === "upper" ? 1 : 0,
                    status: 0,
                    created: now,
                    modified: now
                  })}`
                }
              }
            })), { discard: true })
        return report.id
      })
      return yield* retryBusy(sql.withTransaction(write))
    })

  /** An empty or unknown start-point branch is ignored, as Bencher's "continue on empty". */
  const resolveStartPoint = (input: ReportInput) =>
    Effect.gen(function*() {
      const sp = input.startPoint
      if (sp === undefined || sp === null || sp.branch === undefined || sp.branch === null || sp.branch === "") {
        return undefined as StartPoint | undefined
      }
      const branch = yield* branches.find(input.projectId, sp.branch)
      if (branch === undefined) return undefined
      return { branch, hash: sp.hash, maxVersions: sp.max_versions, cloneThresholds: sp.clone_thresholds } as StartPoint
    })

  return { ingest, history } as const
})

export class ReportPipeline extends Context.Tag("bencher/reports/ReportPipeline")<ReportPipeline, Effect.Effect.Success<typeof make>>() {
  static readonly Live = Layer.effect(this, make)
}


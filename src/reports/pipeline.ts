import { SqlClient } from "@effect/sql"
import { Clock, Context, Effect, Either, Layer } from "effect"
import {
  type AdapterName,
  adapterFromInt,
  adapterToInt,
  decodeAdapterName,
  normalizeAdapter,
  parseResultsWithWarnings,
  warningMessage
} from "../adapters/index.js"
import type { SqlError } from "@effect/sql/SqlError"
import type { Bmf, BmfMeasures, BmfMetric } from "../domain/bmf.js"
import { BadRequest, type Conflict, type NotFound, PersistenceError } from "../domain/errors.js"
import { MAX_REPORT_BENCHMARKS_X_MEASURES } from "../domain/limits.js"
import type { JsonNewModel, JsonNewRun } from "../domain/run.js"
import { Benchmarks, Measures, Testbeds } from "../projects/dimension-services.js"
import { Branches, type StartPoint } from "../projects/branches.js"
import type { MeasureRow } from "../projects/rows.js"
import { computeLimits, type Limits, type Model, outlier, type OutlierSide, validateModel } from "../stats/index.js"
import { newOrderedUuids, newUuid } from "../store/ids.js"
import { retryBusy } from "../store/database.js"
import { insertRows, maxId } from "../store/bulk-insert.js"
import { DirectSqlite } from "../store/sqlite-client.js"
import { single } from "../store/rows.js"
import { modelFromRow, Thresholds } from "../thresholds/thresholds.js"
import { Usage } from "../usage/usage.js"
import { type Addition, SeriesHistory, type SeriesScope } from "./history.js"

/** Everything a report needs, whichever way its results arrived (local run, completed job). */
export interface ReportInput {
  readonly projectId: number
  readonly branch?: string | null | undefined
  readonly hash?: string | null | undefined
  readonly startPoint?:
    | {
        readonly branch?: string | null | undefined
        readonly hash?: string | null | undefined
        readonly max_versions?: number | null | undefined
        readonly clone_thresholds?: boolean | null | undefined
        readonly reset?: boolean | null | undefined
      }
    | null
    | undefined
  readonly testbed?: string | null | undefined
  readonly thresholds?:
    | {
        readonly models?: Readonly<Record<string, JsonNewModel>> | null | undefined
        readonly reset?: boolean | null | undefined
      }
    | null
    | undefined
  readonly startTime: number
  readonly endTime: number
  readonly results: ReadonlyArray<string>
  readonly adapter?: string | null | undefined
  readonly average?: "mean" | "median" | null | undefined
  readonly fold?: "min" | "max" | "mean" | "median" | null | undefined
  readonly idempotencyKey?: string | null | undefined
  readonly userId?: number | null | undefined
  readonly specId?: number | null | undefined
  /** An unauthenticated run's source address, counted by the anonymous run rate limit (src/runs/submit.ts). */
  readonly sourceIp?: string | null | undefined
}

/** What a report's transaction leaves for after its commit: history points, and cache updates to publish. */
interface Staged {
  readonly additions: Array<Addition>
  readonly onCommit: Array<() => void>
}

/** A metric of an iteration waiting for its rows. */
interface Pending {
  readonly benchmarkId: number
  readonly benchmarkUuid: string
  readonly reportBenchmarkId: number
  readonly ignored: boolean
  readonly value: BmfMetric
}

/**
 * A JsonNewRun (or JsonNewReport) body as pipeline input; `times` overrides the body's start and end (a remote
 * run's report gets its times when the job completes).
 */
export const reportInputOf = (
  projectId: number,
  body: Omit<JsonNewRun, "project" | "job">,
  times: { readonly start: number; readonly end: number } = {
    start: Date.parse(body.start_time),
    end: Date.parse(body.end_time)
  }
): ReportInput => ({
  projectId,
  branch: body.branch,
  hash: body.hash,
  startPoint: body.start_point,
  testbed: body.testbed,
  thresholds: body.thresholds,
  startTime: times.start,
  endTime: times.end,
  results: body.results,
  adapter: body.settings?.adapter,
  average: body.settings?.average,
  fold: body.settings?.fold,
  idempotencyKey: body.idempotency_key
})

export const DEFAULT_BRANCH = "main"
export const DEFAULT_TESTBED = "localhost"
const IGNORE_SUFFIXES = ["_bencher_ignore", "BencherIgnore", "-bencher-ignore"] as const

/** `-bencher-ignore` benchmarks are stored and bounded under their stripped name but never alert. */
export const stripIgnoreSuffix = (name: string): { readonly name: string; readonly ignored: boolean } => {
  for (const suffix of IGNORE_SUFFIXES) {
    if (name.endsWith(suffix) && name.length > suffix.length)
      return { name: name.slice(0, -suffix.length), ignored: true }
  }
  return { name, ignored: false }
}

const adapterFailure = (
  adapter: string,
  average: string | null | undefined,
  fold: string | null | undefined,
  reason: string
) =>
  new BadRequest({
    message:
      `Failed to convert results with adapter (${adapter} | average: ${average ?? "none"}, fold: ${fold ?? "none"}): ${reason}. ` +
      `Are you sure ${adapter} is the right adapter?`
  })

/** Decodes the adapter settings and every iteration before anything is written; a failure stores nothing. */
export const parseReportResults = (input: Pick<ReportInput, "adapter" | "average" | "fold" | "results">) =>
  Effect.gen(function* () {
    const requested = input.adapter ?? "magic"
    const adapter = yield* Either.match(decodeAdapterName(requested), {
      onLeft: (e) => Effect.fail(new BadRequest({ message: `settings.adapter: ${e.message}` })),
      onRight: (a) => Effect.succeed<AdapterName>(a)
    })
    if (input.results.length === 0) return { adapter, iterations: [] as ReadonlyArray<Bmf> }
    const parsed = parseResultsWithWarnings(
      { adapter, average: input.average ?? undefined, fold: input.fold ?? undefined },
      input.results
    )
    if (Either.isLeft(parsed))
      return yield* adapterFailure(normalizeAdapter(adapter), input.average, input.fold, parsed.left.message)
    // lines that looked like results but did not parse: the report keeps the rest, the server log names them
    for (const warning of parsed.right.warnings) yield* Effect.logWarning(`report results: ${warningMessage(warning)}`)
    yield* checkReportSize(parsed.right.iterations)
    return { adapter, iterations: parsed.right.iterations }
  })

/**
 * A report's size, benchmarks x measures of each iteration summed over its iterations, within
 * MAX_REPORT_BENCHMARKS_X_MEASURES (README "Limits"); past it a 400 naming the limit, before anything is written.
 */
export const checkReportSize = (iterations: ReadonlyArray<Bmf>) =>
  Effect.suspend(() => {
    let cells = 0
    let benchmarks = 0
    const measures = new Set<string>()
    for (const bmf of iterations) {
      const names = Object.keys(bmf)
      const perIteration = new Set<string>()
      for (const name of names) for (const measure of Object.keys(bmf[name] ?? {})) perIteration.add(measure)
      for (const measure of perIteration) measures.add(measure)
      cells += names.length * perIteration.size
      benchmarks = Math.max(benchmarks, names.length)
    }
    if (cells <= MAX_REPORT_BENCHMARKS_X_MEASURES) return Effect.void
    return Effect.fail(
      new BadRequest({
        message:
          `results: ${cells} benchmarks x measures (${iterations.length} iteration(s), up to ${benchmarks} benchmarks and ` +
          `${measures.size} measures) exceeds the per-report limit of ${MAX_REPORT_BENCHMARKS_X_MEASURES} benchmarks x measures; ` +
          "split the results into several reports"
      })
    )
  })

/** Rows written per statement batch; the work between two batches is where a long report lets other requests in. */
const ROWS_PER_CHUNK = 500

const chunksOf = <A>(items: ReadonlyArray<A>, size: number): Array<ReadonlyArray<A>> => {
  const out: Array<ReadonlyArray<A>> = []
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size))
  return out
}

/** A model that passed src/stats validation, or a 400 naming the field under `path`. */
export const validModel = (model: JsonNewModel, path: string) =>
  Either.match(validateModel(model), {
    onLeft: (e) => Effect.fail(new BadRequest({ message: `${path}${e.message}` })),
    onRight: (m) => Effect.succeed(m)
  })

export const validateModels = (models: Readonly<Record<string, JsonNewModel>> | null | undefined) =>
  Effect.forEach(Object.entries(models ?? {}), ([measure, model]) =>
    Effect.map(validModel(model, `thresholds.models.${measure}.`), (m) => [measure, m] as const)
  )

/** A report's results parsed and its inline threshold models validated: the work that needs no database. */
export interface PreparedReport {
  readonly adapter: AdapterName
  readonly iterations: ReadonlyArray<Bmf>
  readonly models: ReadonlyArray<readonly [string, Model]>
}

/**
 * Parses a report's results (with the size limit) and validates its models before any write transaction, so that
 * a caller holding one (`POST /v0/run`) spends it on writes only. A failure stores nothing.
 */
export const prepare = (input: Pick<ReportInput, "adapter" | "average" | "fold" | "results" | "thresholds">) =>
  Effect.gen(function* () {
    const { adapter, iterations } = yield* parseReportResults(input)
    const models = yield* validateModels(input.thresholds?.models)
    return { adapter, iterations, models } satisfies PreparedReport as PreparedReport
  })

const make = Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient
  const branches = yield* Branches
  const testbeds = yield* Testbeds
  const measures = yield* Measures
  const benchmarks = yield* Benchmarks
  const thresholds = yield* Thresholds
  const seriesHistory = yield* SeriesHistory
  const usage = yield* Usage
  const direct = yield* DirectSqlite

  type Detector = { readonly thresholdId: number; readonly modelId: number; readonly model: Model }

  /**
   * One iteration in a few multi-row statements: benchmarks get-or-created together, report_benchmark and metric
   * rows inserted together, and per measure with a threshold one history read for all benchmarks (before the
   * iteration's own metrics are written, so a metric is never in its own sample), then boundaries and alerts.
   * Rows are built with plain loops and their uuids drawn in one batch: a report of thousands of metrics pays a
   * handful of effects, not a few per metric.
   */
  const ingestIteration = (it: {
    readonly bmf: Bmf
    readonly iteration: number
    readonly reportId: number
    readonly projectId: number
    readonly headId: number
    readonly headUuid: string
    readonly testbed: { readonly id: number; readonly uuid: string }
    readonly version: number
    readonly startTime: number
    readonly specId: number | null
    readonly now: number
    readonly staged: Staged
    readonly measureFor: (
      key: string
    ) => Effect.Effect<MeasureRow, BadRequest | NotFound | Conflict | SqlError | PersistenceError>
    readonly detectorFor: (measureId: number) => Effect.Effect<Detector | null, SqlError | PersistenceError>
  }) =>
    Effect.gen(function* () {
      const entries: Array<{
        readonly name: string
        readonly ignored: boolean
        readonly metrics: BmfMeasures
        readonly measureKeys: ReadonlyArray<string>
      }> = []
      const names = new Set<string>()
      const measureKeys = new Set<string>()
      for (const [key, metrics] of Object.entries(it.bmf)) {
        const { name, ignored } = stripIgnoreSuffix(key)
        if (names.has(name)) {
          // `x` and `x-bencher-ignore` are one benchmark: two sets of metrics for it in one iteration is ambiguous.
          return yield* new BadRequest({
            message: `results: benchmark ${JSON.stringify(name)} appears twice in iteration ${it.iteration} (with and without an ignore suffix)`
          })
        }
        const keys = Object.keys(metrics)
        entries.push({ name, ignored, metrics, measureKeys: keys })
        names.add(name)
        for (const measureKey of keys) measureKeys.add(measureKey)
      }
      if (entries.length === 0) return
      const resolved = yield* benchmarks.cachedBulkGetOrCreate(it.projectId, [...names])
      it.staged.onCommit.push(resolved.publish)
      const benchmarkRows = resolved.rows
      const measureRows = new Map<string, MeasureRow>()
      for (const key of measureKeys) measureRows.set(key, yield* it.measureFor(key))

      // report_benchmark rows, one per distinct benchmark of the iteration, in benchmark order: they append to the
      // (report_id, benchmark_id, iteration) index.
      const distinctBenchmarkIds = [...new Set(Array.from(benchmarkRows.values(), (row) => row.id))].sort(
        (a, b) => a - b
      )
      const reportBenchmarkIds = new Map<number, number>()
      for (const chunk of chunksOf(distinctBenchmarkIds, ROWS_PER_CHUNK)) {
        yield* direct.inTransaction("report_benchmark rows", (prepare) => {
          const first = maxId(prepare, "report_benchmark") + 1
          const values: Array<number> = []
          for (const [j, benchmarkId] of chunk.entries()) {
            reportBenchmarkIds.set(benchmarkId, first + j)
            values.push(first + j, it.reportId, it.iteration, benchmarkId)
          }
          insertRows(prepare, "report_benchmark", ["id", "report_id", "iteration", "benchmark_id"], values)
        })
      }

      // metrics grouped by measure, each group judged against one bulk history read
      const byMeasure = new Map<number, { readonly measure: MeasureRow; readonly pending: Array<Pending> }>()
      for (const entry of entries) {
        const benchmark = benchmarkRows.get(entry.name)
        const reportBenchmarkId = benchmark === undefined ? undefined : reportBenchmarkIds.get(benchmark.id)
        if (benchmark === undefined || reportBenchmarkId === undefined)
          return yield* Effect.dieMessage(`benchmark ${entry.name} missing`)
        for (const measureKey of entry.measureKeys) {
          const measure = measureRows.get(measureKey)
          const value = entry.metrics[measureKey]
          if (measure === undefined || value === undefined)
            return yield* Effect.dieMessage(`measure ${measureKey} missing`)
          let group = byMeasure.get(measure.id)
          if (group === undefined) {
            group = { measure, pending: [] }
            byMeasure.set(measure.id, group)
          }
          group.pending.push({
            benchmarkId: benchmark.id,
            benchmarkUuid: benchmark.uuid,
            reportBenchmarkId,
            ignored: entry.ignored,
            value
          })
        }
      }
      for (const [measureId, { measure, pending }] of byMeasure) {
        // Metric rows in report_benchmark order append to the (report_benchmark_id, measure_id) index.
        pending.sort((a, b) => a.reportBenchmarkId - b.reportBenchmarkId)
        const scope: SeriesScope = {
          headId: it.headId,
          headUuid: it.headUuid,
          testbedId: it.testbed.id,
          testbedUuid: it.testbed.uuid,
          measureId,
          measureUuid: measure.uuid,
          specId: it.specId
        }
        const detector = yield* it.detectorFor(measureId)
        const histories =
          detector === null
            ? new Map<number, Array<number>>()
            : yield* seriesHistory.histories(scope, pending, detector.model, it.now, it.staged.additions)
        for (const p of pending) {
          it.staged.additions.push({
            scope,
            benchmarkUuid: p.benchmarkUuid,
            point: { version: it.version, start: it.startTime, iteration: it.iteration, value: p.value.value }
          })
        }
        for (const chunk of chunksOf(pending, ROWS_PER_CHUNK))
          yield* writeMetrics(measureId, detector, chunk, histories, it.now)
      }
    })

  /**
   * A group's metric rows and, under a detector, a boundary row per metric and an alert per metric outside its
   * limits (an ignored benchmark never alerts). Limits are computed first, so that every uuid is drawn in one batch.
   * Ids are assigned here, following each table's highest (the transaction holds the write lock), so that a child
   * row can name its parent before either is written and each table takes its rows in a few multi-row statements.
   */
  const writeMetrics = (
    measureId: number,
    detector: Detector | null,
    pending: ReadonlyArray<Pending>,
    histories: ReadonlyMap<number, ReadonlyArray<number>>,
    now: number
  ) =>
    Effect.gen(function* () {
      const limits: Array<Limits> = []
      const sides: Array<OutlierSide | null> = []
      let alerts = 0
      if (detector !== null) {
        for (const p of pending) {
          const l = computeLimits(detector.model, histories.get(p.benchmarkId) ?? [])
          const side = p.ignored ? null : outlier(p.value.value, l)
          limits.push(l)
          sides.push(side)
          if (side !== null) alerts++
        }
      }
      const uuids = yield* newOrderedUuids(now, pending.length + alerts)
      yield* direct.inTransaction("metric, boundary and alert rows", (prepare) => {
        const firstMetric = maxId(prepare, "metric") + 1
        const firstBoundary = detector === null ? 0 : maxId(prepare, "boundary") + 1
        const metrics: Array<string | number | null> = []
        const boundaries: Array<number | null> = []
        const alertRows: Array<string | number> = []
        let next = 0
        for (const [j, p] of pending.entries()) {
          const metricId = firstMetric + j
          metrics.push(
            metricId,
            uuids[next++] as string,
            p.reportBenchmarkId,
            measureId,
            p.value.value,
            p.value.lower_value ?? null,
            p.value.upper_value ?? null
          )
          const l = limits[j]
          if (detector === null || l === undefined) continue
          const boundaryId = firstBoundary + j
          boundaries.push(
            boundaryId,
            metricId,
            detector.thresholdId,
            detector.modelId,
            l.baseline,
            l.lower_limit,
            l.upper_limit
          )
          const side = sides[j]
          if (side !== null && side !== undefined)
            alertRows.push(uuids[next++] as string, boundaryId, side === "upper" ? 1 : 0, 0, now, now)
        }
        insertRows(
          prepare,
          "metric",
          ["id", "uuid", "report_benchmark_id", "measure_id", "value", "lower_value", "upper_value"],
          metrics
        )
        insertRows(
          prepare,
          "boundary",
          ["id", "metric_id", "threshold_id", "model_id", "baseline", "lower_limit", "upper_limit"],
          boundaries
        )
        insertRows(
          prepare,
          "alert",
          ["uuid", "boundary_id", "boundary_limit", "status", "created", "modified"],
          alertRows
        )
      })
    })

  /** Get-or-create of a report's measures, each looked up once per report. */
  const measuresOf = (projectId: number) => {
    const cache = new Map<string, MeasureRow>()
    return (key: string) =>
      Effect.gen(function* () {
        const cached = cache.get(key)
        if (cached !== undefined) return cached
        const row = yield* measures.getOrCreate(projectId, key)
        cache.set(key, row)
        return row
      })
  }

  /**
   * A report's parsed iterations: usage metering, then per iteration the benchmarks, metrics, boundaries and
   * alerts, each measure judged by the threshold of the report's branch and testbed. Runs inside the caller's
   * transaction.
   */
  const storeResults = (r: {
    readonly reportId: number
    readonly projectId: number
    readonly branchId: number
    readonly headId: number
    readonly testbed: { readonly id: number; readonly uuid: string }
    readonly version: number
    readonly startTime: number
    readonly specId: number | null
    readonly now: number
    readonly iterations: ReadonlyArray<Bmf>
    readonly staged: Staged
    readonly measureFor: (
      key: string
    ) => Effect.Effect<MeasureRow, BadRequest | NotFound | Conflict | SqlError | PersistenceError>
  }) =>
    Effect.gen(function* () {
      const detectors = new Map<number, Detector | null>()
      const detectorFor = (measureId: number) =>
        Effect.gen(function* () {
          if (detectors.has(measureId)) return detectors.get(measureId) ?? null
          const found = yield* thresholds.detectorFor(r.branchId, r.testbed.id, measureId)
          const detector =
            found === undefined
              ? null
              : { thresholdId: found.threshold.id, modelId: found.model.id, model: modelFromRow(found.model) }
          detectors.set(measureId, detector)
          return detector
        })
      // Metered per report (the usage ledger), in the same transaction as the metrics themselves.
      const metricCount = r.iterations.reduce(
        (n, bmf) => n + Object.values(bmf).reduce((m, ms) => m + Object.keys(ms).length, 0),
        0
      )
      const [owner] = yield* sql<{
        organization_id: number
      }>`SELECT organization_id FROM project WHERE id = ${r.projectId}`
      if (owner !== undefined && metricCount > 0) {
        yield* usage.recordMetrics({
          organizationId: owner.organization_id,
          projectId: r.projectId,
          reportId: r.reportId,
          metrics: metricCount,
          recordedAt: r.now
        })
      }
      const headUuid = (yield* branches.headById(r.headId)).uuid
      for (const [iteration, bmf] of r.iterations.entries()) {
        yield* ingestIteration({
          bmf,
          iteration,
          reportId: r.reportId,
          projectId: r.projectId,
          headId: r.headId,
          headUuid,
          testbed: r.testbed,
          version: r.version,
          startTime: r.startTime,
          specId: r.specId,
          now: r.now,
          staged: r.staged,
          measureFor: r.measureFor,
          detectorFor
        })
      }
    })

  /**
   * Runs a write unit in one transaction, retried whole on SQLITE_BUSY. What it staged joins the caches only after
   * the commit: history points, and the benchmark keys it resolved.
   */
  const commit = <A, E, R>(write: (staged: Staged) => Effect.Effect<A, E, R>) =>
    Effect.gen(function* () {
      const staged: Staged = { additions: [], onCommit: [] }
      const result = yield* retryBusy(
        Effect.suspend(() => {
          staged.additions.length = 0
          staged.onCommit.length = 0
          return sql.withTransaction(write(staged))
        })
      )
      yield* seriesHistory.record(staged.additions)
      for (const publish of staged.onCommit) publish()
      return result
    })

  /**
   * Results that arrive later for a report that already exists (a remote job's output): parsed with the report's
   * adapter and the given average and fold, stored under the report's branch, testbed and version, and the
   * report's times set, in one transaction together with `alsoWrite` (the job's completed -> processed).
   */
  const ingestInto = <E, R>(
    reportId: number,
    input: {
      readonly results: ReadonlyArray<string>
      readonly average?: "mean" | "median" | null | undefined
      readonly fold?: "min" | "max" | "mean" | "median" | null | undefined
      readonly startTime: number
      readonly endTime: number
      readonly partial: boolean
    },
    alsoWrite: Effect.Effect<unknown, E, R>
  ) =>
    Effect.gen(function* () {
      const [report] = yield* sql<{
        project_id: number
        head_id: number
        version_id: number
        testbed_id: number
        spec_id: number | null
        adapter: number
        branch_id: number
      }>`
        SELECT report.project_id, report.head_id, report.version_id, report.testbed_id, report.spec_id, report.adapter, head.branch_id
        FROM report JOIN head ON head.id = report.head_id WHERE report.id = ${reportId}`
      if (report === undefined) return yield* Effect.dieMessage(`report ${reportId} not found`)
      const adapter = Either.getOrElse(adapterFromInt(report.adapter), (): AdapterName => "magic")
      const { iterations } = yield* parseReportResults({
        adapter,
        average: input.average,
        fold: input.fold,
        results: input.results
      })
      const testbed = yield* testbeds.byId(report.testbed_id)
      const [version] = yield* sql<{ number: number }>`SELECT number FROM version WHERE id = ${report.version_id}`
      return yield* commit((staged) =>
        Effect.gen(function* () {
          const now = yield* Clock.currentTimeMillis
          yield* sql`UPDATE report SET start_time = ${input.startTime}, end_time = ${input.endTime},
            partial = ${input.partial ? 1 : 0} WHERE id = ${reportId}`
          yield* storeResults({
            reportId,
            projectId: report.project_id,
            branchId: report.branch_id,
            headId: report.head_id,
            testbed,
            version: version?.number ?? 0,
            startTime: input.startTime,
            specId: report.spec_id,
            now,
            iterations,
            staged,
            measureFor: measuresOf(report.project_id)
          })
          yield* alsoWrite
        })
      )
    })

  /**
   * Stores one report: branch (with its start point), testbed, version, inline thresholds, then per iteration the
   * benchmarks, metrics, boundaries and alerts, all in one write transaction. Returns the report id; a repeated
   * idempotency key returns the first report unchanged.
   */
  const ingest = (input: ReportInput, parsed?: PreparedReport) =>
    Effect.gen(function* () {
      const { adapter, iterations, models } = parsed ?? (yield* prepare(input))

      const write = (staged: Staged) =>
        Effect.gen(function* () {
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

          const measureFor = measuresOf(input.projectId)

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
            source_ip: input.sourceIp ?? null,
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

          yield* storeResults({
            reportId: report.id,
            projectId: input.projectId,
            branchId: branch.id,
            headId,
            testbed,
            version: version.number,
            startTime: input.startTime,
            specId: input.specId ?? null,
            now,
            iterations,
            staged,
            measureFor
          })
          return report.id
        })
      return yield* commit(write)
    })

  /** An empty or unknown start-point branch is ignored, as Bencher's "continue on empty". */
  const resolveStartPoint = (input: ReportInput) =>
    Effect.gen(function* () {
      const sp = input.startPoint
      if (sp === undefined || sp === null || sp.branch === undefined || sp.branch === null || sp.branch === "") {
        return undefined as StartPoint | undefined
      }
      const branch = yield* branches.find(input.projectId, sp.branch)
      if (branch === undefined) return undefined
      return { branch, hash: sp.hash, maxVersions: sp.max_versions, cloneThresholds: sp.clone_thresholds } as StartPoint
    })

  /** Deletes a report with everything under it; the cached series histories no longer hold its points. */
  const remove = (reportId: number) =>
    Effect.zipRight(sql`DELETE FROM report WHERE id = ${reportId}`, seriesHistory.invalidate)

  return {
    prepare,
    ingest: (input: ReportInput, parsed?: PreparedReport) => PersistenceError.refail(ingest(input, parsed)),
    remove: (reportId: number) => PersistenceError.refail(remove(reportId)),
    // Generic in what it writes alongside, so refailed by hand rather than by refailService.
    ingestInto: <E, R>(...args: Parameters<typeof ingestInto<E, R>>) => PersistenceError.refail(ingestInto(...args))
  } as const
})

export class ReportPipeline extends Context.Tag("bencher/reports/ReportPipeline")<
  ReportPipeline,
  Effect.Effect.Success<typeof make>
>() {
  static readonly Live = Layer.effect(this, make)
}

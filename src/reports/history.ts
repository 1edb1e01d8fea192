import { SqlClient } from "@effect/sql"
import { Context, Effect, Layer } from "effect"
import type { Model } from "../stats/index.js"
import { PersistenceError } from "../domain/errors.js"

/** One historical metric of a series, with the keys the history is ordered by. */
export interface Point {
  readonly version: number
  readonly start: number
  readonly iteration: number
  readonly value: number
}

/** Newest first: version number, then report start time, then iteration (docs/reference.md §3.2). */
const newerFirst = (a: Point, b: Point): number =>
  b.version - a.version || b.start - a.start || b.iteration - a.iteration

/** A series: one benchmark's metrics of one measure on one testbed (and spec), seen from one branch head. */
export interface SeriesScope {
  readonly headId: number
  readonly headUuid: string
  readonly testbedUuid: string
  readonly testbedId: number
  readonly measureUuid: string
  readonly measureId: number
  readonly specId: number | null
}

export interface Addition {
  readonly scope: SeriesScope
  readonly benchmarkUuid: string
  readonly point: Point
}

export interface SeriesMember {
  readonly benchmarkId: number
  readonly benchmarkUuid: string
}

/**
 * One cached series: its values newest first, which most models read whole and as they are, and its points oldest
 * first, which only a window or a report's own earlier iterations need. Points oldest first take a new report's
 * point (nearly always the newest) with a push; kept newest first, every report moved every cached point of each of
 * its series once more, on top of the values.
 */
interface Series {
  readonly values: Array<number>
  readonly points: Array<Point>
}

/** Bound on cached points overall; past it the cache starts over (a point is four numbers). */
const MAX_CACHED_POINTS = 2_000_000
const CHUNK = 500

/**
 * Threshold history of series, read from SQLite once and then kept in memory: a report of 1,000 benchmarks reads
 * no history rows after the first. Keys are uuids, never reused, so a deleted and re-created head, testbed or
 * benchmark cannot inherit stale points. Points are added only after the report's transaction commits, and any
 * deletion of reports clears the cache.
 */
const make = Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient
  // scope -> benchmark uuid -> points, newest first: a report's lookups build one short key per scope, not per series.
  let series = new Map<string, Map<string, Series>>()
  let cachedPoints = 0

  const scopeKey = (scope: SeriesScope) =>
    `${scope.headUuid}|${scope.testbedUuid}|${scope.measureUuid}|${scope.specId ?? ""}`
  /** Keys of the scopes of many additions, which share a handful of scope objects: one key built per object. */
  const scopeKeys = () => {
    const known = new Map<SeriesScope, string>()
    return (scope: SeriesScope) => {
      let key = known.get(scope)
      if (key === undefined) {
        key = scopeKey(scope)
        known.set(scope, key)
      }
      return key
    }
  }

  const load = (scope: SeriesScope, members: ReadonlyArray<SeriesMember>) =>
    Effect.gen(function* () {
      const loaded = new Map<number, Array<Point>>(members.map((m) => [m.benchmarkId, []]))
      for (let i = 0; i < members.length; i += CHUNK) {
        const chunk = members.slice(i, i + CHUNK)
        // `+measure_id` keeps SQLite from driving the join through the measure index (every metric of the
        // measure) instead of through the benchmarks' report rows.
        const rows = yield* sql.unsafe<{
          benchmark_id: number
          version: number
          start: number
          iteration: number
          value: number
        }>(
          `SELECT report_benchmark.benchmark_id, version.number AS version, report.start_time AS start,
              report_benchmark.iteration, metric.value
            FROM report_benchmark
            JOIN report ON report.id = report_benchmark.report_id
            JOIN head_version ON head_version.version_id = report.version_id AND head_version.head_id = ?
            JOIN version ON version.id = report.version_id
            JOIN metric ON metric.report_benchmark_id = report_benchmark.id AND +metric.measure_id = ?
            WHERE report_benchmark.benchmark_id IN (${chunk.map(() => "?").join(", ")}) AND report.testbed_id = ?
              AND (? IS NULL OR report.spec_id = ?)`,
          [
            scope.headId,
            scope.measureId,
            ...chunk.map((m) => m.benchmarkId),
            scope.testbedId,
            scope.specId,
            scope.specId
          ]
        )
        // Points of one shape, whether loaded or recorded, keep the loops over them monomorphic.
        for (const row of rows) {
          loaded
            .get(row.benchmark_id)
            ?.push({ version: row.version, start: row.start, iteration: row.iteration, value: row.value })
        }
      }
      for (const points of loaded.values()) points.sort(newerFirst)
      return loaded // newest first
    })

  /**
   * The history of each member series as the model sees it: newest first, only within the window of wall-clock
   * seconds before `now`, at most max_sample_size values. `uncommitted` are points of the report being written
   * (its earlier iterations), which count although they are not in the cache yet.
   */
  const histories = (
    scope: SeriesScope,
    members: ReadonlyArray<SeriesMember>,
    model: Model,
    now: number,
    uncommitted: ReadonlyArray<Addition> = []
  ) =>
    Effect.gen(function* () {
      // Starting over before the lookup, so that no member counts as cached once its points are dropped.
      if (cachedPoints > MAX_CACHED_POINTS) clear()
      const key = scopeKey(scope)
      let cached = series.get(key)
      const missing = cached === undefined ? members : members.filter((m) => !cached?.has(m.benchmarkUuid))
      if (missing.length > 0) {
        const loaded = yield* load(scope, missing)
        cached ??= new Map<string, Series>()
        series.set(key, cached)
        for (const m of missing) {
          const points = loaded.get(m.benchmarkId) ?? []
          cached.set(m.benchmarkUuid, { values: points.map((p) => p.value), points: points.reverse() })
          cachedPoints += points.length
        }
      }
      const windowStart = model.window === undefined ? Number.NEGATIVE_INFINITY : now - model.window * 1000
      const limit = model.max_sample_size ?? Number.POSITIVE_INFINITY
      const own = new Map<string, Array<Point>>()
      const keyOf = scopeKeys()
      for (const a of uncommitted) {
        if (keyOf(a.scope) !== key) continue
        const points = own.get(a.benchmarkUuid)
        if (points === undefined) own.set(a.benchmarkUuid, [a.point])
        else points.push(a.point)
      }
      const out = new Map<number, ReadonlyArray<number>>()
      for (const m of members) {
        const stored = cached?.get(m.benchmarkUuid)
        const extra = own.get(m.benchmarkUuid)
        if (extra === undefined && model.window === undefined) {
          // The common case reads the cached values as they are (callers only read them).
          const values = stored?.values ?? []
          out.set(m.benchmarkId, values.length > limit ? values.slice(0, limit) : values)
          continue
        }
        const storedPoints = (stored?.points ?? []).slice().reverse()
        const points = extra === undefined ? storedPoints : [...storedPoints, ...extra].sort(newerFirst)
        const values: Array<number> = []
        for (const p of points) {
          if (values.length >= limit) break
          if (p.start >= windowStart) values.push(p.value)
        }
        out.set(m.benchmarkId, values)
      }
      return out
    })

  /** New points of a committed report, added to the series already cached (others load fresh when needed). */
  const record = (additions: ReadonlyArray<Addition>) =>
    Effect.sync(() => {
      const keyOf = scopeKeys()
      for (const { scope, benchmarkUuid, point } of additions) {
        const cached = series.get(keyOf(scope))?.get(benchmarkUuid)
        if (cached === undefined) continue
        const { points, values } = cached
        // In the oldest-first points: after every older point, before those as new or newer (so that newest first,
        // it comes after its equals). `older` points precede it, so newest first it has `length - older` before it.
        let older = points.length
        while (older > 0 && newerFirst(point, points[older - 1] as Point) >= 0) older--
        const at = points.length - older
        if (older === points.length) points.push(point)
        else points.splice(older, 0, point)
        // The usual case, a report newer than every point: unshift moves the values without splice's allocation of
        // an array of removed ones.
        if (at === 0) values.unshift(point.value)
        else values.splice(at, 0, point.value)
        cachedPoints++
      }
    })

  const clear = () => {
    series = new Map()
    cachedPoints = 0
  }

  return PersistenceError.refailService({ histories, record, invalidate: Effect.sync(clear) } as const)
})

export class SeriesHistory extends Context.Tag("bencher/reports/SeriesHistory")<
  SeriesHistory,
  Effect.Effect.Success<typeof make>
>() {
  static readonly Live = Layer.effect(this, make)
}

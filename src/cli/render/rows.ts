import type { JsonAlert, JsonReport } from "../../domain/report.js"
import { percentChange, scaleUnitsFor, type UnitsScale } from "../../units/index.js"

// The report as the renderers see it: one row per (iteration, benchmark, measure) with the alert that row raised.
// Units are scaled per iteration and measure, from the smallest value shown (docs/reference.md §1.4).

type Report = JsonReport
type ReportResult = NonNullable<Report["results"]>[number][number]
type ReportMeasure = ReportResult["measures"][number]

export interface ResultRow {
  readonly iteration: number
  readonly benchmark: ReportResult["benchmark"]
  readonly measure: ReportMeasure["measure"]
  readonly value: number
  readonly baseline: number | undefined
  readonly lowerLimit: number | undefined
  readonly upperLimit: number | undefined
  /** Percent change of the value against the baseline. */
  readonly change: number | undefined
  readonly hasThreshold: boolean
  readonly scale: UnitsScale
  readonly alert: JsonAlert | undefined
}

export interface IterationRows {
  readonly iteration: number
  readonly rows: ReadonlyArray<ResultRow>
}

const defined = (n: number | null | undefined): number | undefined => (n === null || n === undefined ? undefined : n)

export const alertFor = (
  report: Report,
  iteration: number,
  benchmarkUuid: string,
  measureUuid: string
): JsonAlert | undefined =>
  (report.alerts ?? []).find(
    (a) => a.iteration === iteration && a.benchmark.uuid === benchmarkUuid && a.threshold.measure.uuid === measureUuid
  )

export const iterationRows = (report: Report): ReadonlyArray<IterationRows> =>
  (report.results ?? []).map((results, index) => {
    const iteration = results[0]?.iteration ?? index
    const valuesByMeasure = new Map<string, Array<number>>()
    for (const result of results) {
      for (const m of result.measures) {
        const values = valuesByMeasure.get(m.measure.uuid) ?? []
        values.push(m.metric.value)
        valuesByMeasure.set(m.measure.uuid, values)
      }
    }
    const scales = new Map<string, UnitsScale>()
    const rows: Array<ResultRow> = []
    for (const result of results) {
      for (const m of result.measures) {
        let scale = scales.get(m.measure.uuid)
        if (scale === undefined) {
          scale = scaleUnitsFor(valuesByMeasure.get(m.measure.uuid) ?? [], m.measure.units)
          scales.set(m.measure.uuid, scale)
        }
        const baseline = defined(m.boundary?.baseline)
        rows.push({
          iteration: result.iteration,
          benchmark: result.benchmark,
          measure: m.measure,
          value: m.metric.value,
          baseline,
          lowerLimit: defined(m.boundary?.lower_limit),
          upperLimit: defined(m.boundary?.upper_limit),
          change: percentChange(m.metric.value, baseline),
          hasThreshold: m.threshold !== null && m.threshold !== undefined,
          scale,
          alert: alertFor(report, result.iteration, result.benchmark.uuid, m.measure.uuid)
        })
      }
    }
    return { iteration, rows }
  })

export const alertCount = (report: Report): number => report.counts?.alerts.total ?? (report.alerts ?? []).length

/** Any benchmark at all in any iteration. */
export const hasBenchmarks = (report: Report): boolean => (report.results ?? []).some((it) => it.length > 0)

import type { JsonAlert, JsonReport } from "../../domain/report.js"
import { formatPercent, formatScaled, scaleUnitsFor } from "../../units/index.js"
import { alertUrl, claimCommand, perfUrl, reportUrl } from "./links.js"
import { alertCount, hasBenchmarks, iterationRows, type ResultRow } from "./rows.js"

export interface RenderOptions {
  /** The server the CLI talked to; links point at its console pages. */
  readonly host: string
  /** The project was created by this run because no `--project` was given. */
  readonly onTheFly: boolean
}

const DASH = "-"

/** Plain columns padded to the widest cell, with a dashed rule under the header. */
export const renderTable = (header: ReadonlyArray<string>, rows: ReadonlyArray<ReadonlyArray<string>>): string => {
  const widths = header.map((h, i) => Math.max([...h].length, ...rows.map((r) => [...(r[i] ?? "")].length)))
  const line = (cells: ReadonlyArray<string>) =>
    cells
      .map((c, i) => c + " ".repeat(Math.max(0, (widths[i] ?? 0) - [...c].length)))
      .join("  ")
      .trimEnd()
  return [line(header), line(widths.map((w) => DASH.repeat(w))), ...rows.map(line)].join("\n")
}

const optionalScaled = (n: number | undefined, row: ResultRow): string =>
  n === undefined ? DASH : formatScaled(n, row.scale)

const resultCells = (row: ResultRow): ReadonlyArray<string> => [
  row.benchmark.name,
  `${row.measure.name} (${row.scale.symbol})`,
  formatScaled(row.value, row.scale),
  optionalScaled(row.baseline, row),
  optionalScaled(row.lowerLimit, row),
  optionalScaled(row.upperLimit, row),
  row.change === undefined ? DASH : formatPercent(row.change),
  row.alert === undefined ? "" : `🚨 ${row.alert.limit}`
]

export const RESULTS_HEADER = [
  "Benchmark",
  "Measure (units)",
  "Value",
  "Baseline",
  "Lower Limit",
  "Upper Limit",
  "Change",
  "Alert"
]

/** One line per alert: what crossed which limit, by how much against the baseline. */
export const describeAlert = (alert: JsonAlert): string => {
  const units = alert.threshold.measure.units
  const limitValue = alert.limit === "upper" ? alert.boundary.upper_limit : alert.boundary.lower_limit
  const scale = scaleUnitsFor(
    [alert.metric.value, ...(limitValue === null || limitValue === undefined ? [] : [limitValue])],
    units
  )
  const show = (n: number) => `${formatScaled(n, scale)} ${scale.symbol}`
  const baseline = alert.boundary.baseline
  const change =
    baseline === null || baseline === undefined || baseline === 0
      ? ""
      : `, ${formatPercent(((alert.metric.value - baseline) / Math.abs(baseline)) * 100)} vs baseline ${show(baseline)}`
  const limit =
    limitValue === null || limitValue === undefined ? "its limit" : `the ${alert.limit} limit ${show(limitValue)}`
  return (
    `${alert.benchmark.name} (${alert.threshold.measure.name}), iteration ${alert.iteration + 1}: ` +
    `${show(alert.metric.value)} is ${alert.limit === "upper" ? "above" : "below"} ${limit}${change}`
  )
}

/**
 * The human report: where it is, one results table per iteration, the alerts, and for an on-the-fly project its
 * name and how to reuse or claim it.
 */
export const renderHuman = (report: JsonReport, options: RenderOptions): string => {
  const out: Array<string> = []
  const project = `${report.project.name} (${report.project.slug})`
  out.push(
    options.onTheFly
      ? `Project: ${project}, created on the fly; pass --project ${report.project.slug} to report to it again`
      : `Project: ${project}`
  )
  out.push(`Branch: ${report.branch.name}`)
  out.push(`Testbed: ${report.testbed.name}`)
  out.push(`View report: ${reportUrl(options.host, report)}`)
  if (!hasBenchmarks(report)) out.push("", "WARNING: No benchmarks found!")
  const iterations = iterationRows(report)
  for (const { iteration, rows } of iterations) {
    if (rows.length === 0) continue
    out.push("", iterations.length > 1 ? `Results, iteration ${iteration + 1} of ${iterations.length}:` : "Results:")
    out.push(renderTable(RESULTS_HEADER, rows.map(resultCells)))
    if (rows.some((r) => !r.hasThreshold)) out.push(`(${DASH}: no threshold or not enough history for a boundary)`)
  }
  const alerts = report.alerts ?? []
  const count = alertCount(report)
  out.push("")
  if (count === 0) out.push("No alerts.")
  else {
    out.push(`Alerts (${count}):`)
    for (const alert of alerts) {
      out.push(`- ${describeAlert(alert)}`)
      out.push(`  View alert: ${alertUrl(options.host, report, alert)}`)
      out.push(
        `  View plot: ${perfUrl(options.host, report, alert.benchmark, alert.threshold.measure, {
          lower: alert.limit === "lower",
          upper: alert.limit === "upper"
        })}`
      )
    }
  }
  if (options.onTheFly && (report.project.claimed === null || report.project.claimed === undefined)) {
    out.push("", `Claim this project: ${claimCommand(options.host, report)}`)
  }
  return out.join("\n")
}

/** `--format json`: the pretty JsonReport, field names exactly as the server sent them. */
export const renderJson = (report: JsonReport): string => JSON.stringify(report, null, 2)

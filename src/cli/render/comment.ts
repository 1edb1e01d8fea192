import type { JsonReport } from "../../domain/report.js"
import { formatPercent, formatScaled } from "../../units/index.js"
import type { RenderOptions } from "./human.js"
import { alertUrl, perfUrl, reportUrl } from "./links.js"
import { alertCount, hasBenchmarks, iterationRows, type ResultRow } from "./rows.js"

// The report as a pull-request comment, a check run's summary or a job summary (docs/ci.md): Bencher's report
// comment (project/branch/testbed header, the alerts first, a table per measure with value, limits and change,
// links to each benchmark's perf plot, a hidden tag that finds the comment again), plus a one-line verdict at the top
// and the benchmarks without alerts collapsed.

/** GitHub's limit for a comment body and a check run's summary. */
export const GITHUB_BODY_LIMIT = 65_536

export interface CommentOptions extends RenderOptions {
  /** `--ci-id`: keeps the comments of several benchmark jobs on one pull request apart. */
  readonly ciId?: string | undefined
  /** Cut the body to this many characters, keeping the hidden tag (default GitHub's 65,536). */
  readonly maxLength?: number | undefined
}

const escapeHtml = (s: string): string =>
  s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&#39;")
const link = (href: string, text: string) => `<a href="${escapeHtml(href)}">${escapeHtml(text)}</a>`
const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`

/**
 * The hidden tag that marks our comment: `bencher.dev/projects/<project>/id/<ci-id>` with `--ci-id`, else the
 * project, branch, testbed and adapter of the report, so a second job with another `--ci-id` gets its own comment.
 */
export const commentTag = (report: JsonReport, ciId?: string | undefined): string =>
  ciId !== undefined && ciId !== ""
    ? `bencher.dev/projects/${report.project.slug}/id/${ciId}`
    : `bencher.dev/projects/${report.project.slug}/id/${report.branch.slug}/${report.testbed.slug}/${report.adapter}`

export const commentTagHtml = (report: JsonReport, ciId?: string | undefined): string =>
  `<div id="${escapeHtml(commentTag(report, ciId))}"></div>`

/** Measures where a larger value is better: a drop below the lower limit is their regression. */
const higherIsBetter = (units: string): boolean => /\/\s*s\b|per second|throughput|ops|hz\b/i.test(units)

/** A row's alert read as a regression (the bad side of the measure) or an improvement (the good side). */
export const alertDirection = (row: ResultRow): "regression" | "improvement" | undefined => {
  if (row.alert === undefined) return undefined
  const bad = higherIsBetter(row.measure.units) ? "lower" : "upper"
  return row.alert.limit === bad ? "regression" : "improvement"
}

/** "2 regressions, 1 improvement over 48 benchmarks": alerts read by direction, over the distinct benchmarks. */
export const verdictLine = (report: JsonReport): string => {
  const rows = iterationRows(report).flatMap(({ rows }) => rows)
  const benchmarks = new Set(rows.map((r) => r.benchmark.uuid)).size
  const regressions = rows.filter((r) => alertDirection(r) === "regression").length
  const improvements = rows.filter((r) => alertDirection(r) === "improvement").length
  const over = `over ${plural(benchmarks, "benchmark")}`
  if (benchmarks === 0) return "No benchmarks found"
  if (!rows.some((r) => r.hasThreshold)) return `No threshold to compare against ${over}`
  if (regressions === 0 && improvements === 0) return `No regressions ${over}`
  const parts = [
    ...(regressions > 0 ? [plural(regressions, "regression")] : []),
    ...(improvements > 0 ? [plural(improvements, "improvement")] : [])
  ]
  return `${parts.join(", ")} ${over}`
}

/** The value as a share of the limit: how close it came. */
const limitPercent = (value: number, limit: number | undefined): string =>
  limit === undefined || limit === 0 ? "" : ` (${formatNumberPercent((value / limit) * 100)})`
const formatNumberPercent = (n: number) => `${n.toFixed(2)}%`

const scaled = (n: number | undefined, row: ResultRow) => (n === undefined ? "-" : formatScaled(n, row.scale))

const HEAD =
  "<thead><tr><th>Benchmark</th><th>Value</th><th>Change</th><th>Lower Limit</th><th>Upper Limit</th></tr></thead>"

const rowHtml = (report: JsonReport, row: ResultRow, options: CommentOptions, iterations: number): string => {
  const name = iterations > 1 ? `${row.benchmark.name} (iteration ${row.iteration + 1})` : row.benchmark.name
  const plot = perfUrl(options.host, report, row.benchmark, row.measure, {
    lower: row.alert?.limit === "lower",
    upper: row.alert?.limit === "upper"
  })
  const direction = alertDirection(row)
  const mark = direction === "regression" ? "🚨 " : direction === "improvement" ? "🎉 " : ""
  const alertLink = row.alert === undefined ? "" : ` (${link(alertUrl(options.host, report, row.alert), "alert")})`
  return (
    "<tr>" +
    `<td>${mark}${link(plot, name)}${alertLink}</td>` +
    `<td>${escapeHtml(formatScaled(row.value, row.scale))}</td>` +
    `<td>${row.change === undefined ? "-" : escapeHtml(formatPercent(row.change))}</td>` +
    `<td>${escapeHtml(scaled(row.lowerLimit, row))}${row.alert?.limit === "lower" ? limitPercent(row.value, row.lowerLimit) : ""}</td>` +
    `<td>${escapeHtml(scaled(row.upperLimit, row))}${row.alert?.limit === "upper" ? limitPercent(row.value, row.upperLimit) : ""}</td>` +
    "</tr>"
  )
}

interface MeasureGroup {
  readonly name: string
  readonly symbol: string
  readonly alerted: ReadonlyArray<ResultRow>
  readonly unchanged: ReadonlyArray<ResultRow>
}

const groupsByMeasure = (report: JsonReport): ReadonlyArray<MeasureGroup> => {
  const groups = new Map<
    string,
    { name: string; symbol: string; alerted: Array<ResultRow>; unchanged: Array<ResultRow> }
  >()
  for (const { rows } of iterationRows(report)) {
    for (const row of rows) {
      const group = groups.get(row.measure.uuid) ?? {
        name: row.measure.name,
        symbol: row.scale.symbol,
        alerted: [],
        unchanged: []
      }
      groups.set(row.measure.uuid, group)
      ;(row.alert === undefined ? group.unchanged : group.alerted).push(row)
    }
  }
  // Measures with alerts first; regressions before improvements inside a measure.
  const rank = (r: ResultRow) => (alertDirection(r) === "regression" ? 0 : 1)
  return [...groups.values()]
    .map((g) => ({ ...g, alerted: [...g.alerted].sort((a, b) => rank(a) - rank(b)) }))
    .sort((a, b) => (b.alerted.length > 0 ? 1 : 0) - (a.alerted.length > 0 ? 1 : 0))
}

/**
 * The comment body. `withUnchanged: false` drops the collapsed tables of benchmarks without alerts (the first cut
 * when the body is too long).
 */
const renderBody = (report: JsonReport, options: CommentOptions, withUnchanged: boolean): Array<string> => {
  const out: Array<string> = []
  const iterations = iterationRows(report).length
  out.push(`<h2>${link(reportUrl(options.host, report), "🐰 Bencher Report")}</h2>`)
  out.push(`<p><b>${escapeHtml(verdictLine(report))}</b></p>`)
  out.push(
    "<table>" +
      `<tr><td>Project</td><td>${escapeHtml(report.project.name)}</td></tr>` +
      `<tr><td>Branch</td><td>${escapeHtml(report.branch.name)}</td></tr>` +
      `<tr><td>Testbed</td><td>${escapeHtml(report.testbed.name)}</td></tr>` +
      "</table>"
  )
  if (!hasBenchmarks(report)) out.push("<p>⚠️ WARNING: No benchmarks found!</p>")
  else if (iterationRows(report).every(({ rows }) => rows.every((r) => !r.hasThreshold))) {
    out.push("<p>⚠️ WARNING: No Threshold found! Without a threshold no regression can be detected.</p>")
  }
  const count = alertCount(report)
  if (count > 0) out.push(`<h3>🚨 ${plural(count, "Alert")}</h3>`)
  for (const group of groupsByMeasure(report)) {
    const caption = `${group.name} (${group.symbol})`
    if (group.alerted.length > 0) {
      out.push(`<h4>${escapeHtml(caption)}</h4>`)
      out.push(
        `<table>${HEAD}<tbody>${group.alerted.map((r) => rowHtml(report, r, options, iterations)).join("")}</tbody></table>`
      )
    }
    if (group.unchanged.length === 0) continue
    const summary = `${escapeHtml(caption)}: ${plural(group.unchanged.length, "result")} without alerts`
    if (!withUnchanged) {
      out.push(`<p>${summary} (left out of this view)</p>`)
      continue
    }
    out.push(`<details><summary>${summary}</summary>`)
    out.push(
      `<table>${HEAD}<tbody>${group.unchanged.map((r) => rowHtml(report, r, options, iterations)).join("")}</tbody></table>`
    )
    out.push("</details>")
  }
  return out
}

/** The report comment, cut to `maxLength` (GitHub's 65,536 characters) with the hidden tag kept at its end. */
export const renderComment = (report: JsonReport, options: CommentOptions): string => {
  const limit = options.maxLength ?? GITHUB_BODY_LIMIT
  const tag = commentTagHtml(report, options.ciId)
  const full = [...renderBody(report, options, true), tag].join("\n")
  if (full.length <= limit) return full
  const truncated = `<p>⚠️ WARNING: Truncated view! The full report: ${link(reportUrl(options.host, report), "Bencher Report")}</p>`
  const short = [...renderBody(report, options, false), truncated, tag].join("\n")
  if (short.length <= limit) return short
  const tail = `\n…\n${truncated}\n${tag}`
  return short.slice(0, Math.max(0, limit - tail.length)) + tail
}

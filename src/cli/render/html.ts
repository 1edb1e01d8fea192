import type { JsonReport } from "../../domain/report.js"
import { formatPercent, formatScaled } from "../../units/index.js"
import { describeAlert, type RenderOptions } from "./human.js"
import { alertUrl, perfUrl, reportUrl } from "./links.js"
import { alertCount, hasBenchmarks, iterationRows, type ResultRow } from "./rows.js"

const escapeHtml = (s: string): string =>
  s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&#39;")

const cell = (s: string) => `<td>${escapeHtml(s)}</td>`
const link = (href: string, text: string) => `<a href="${escapeHtml(href)}">${escapeHtml(text)}</a>`
const scaled = (n: number | undefined, row: ResultRow) => (n === undefined ? "-" : formatScaled(n, row.scale))

const resultRow = (report: JsonReport, row: ResultRow, host: string): string =>
  "<tr>" +
  `<td>${link(perfUrl(host, report, row.benchmark, row.measure), row.benchmark.name)}</td>` +
  cell(`${row.measure.name} (${row.scale.symbol})`) +
  cell(formatScaled(row.value, row.scale)) +
  cell(scaled(row.baseline, row)) +
  cell(scaled(row.lowerLimit, row)) +
  cell(scaled(row.upperLimit, row)) +
  cell(row.change === undefined ? "-" : formatPercent(row.change)) +
  cell(row.alert === undefined ? "" : `🚨 ${row.alert.limit}`) +
  "</tr>"

const RESULTS_HEAD =
  "<thead><tr><th>Benchmark</th><th>Measure (units)</th><th>Value</th><th>Baseline</th>" +
  "<th>Lower Limit</th><th>Upper Limit</th><th>Change</th><th>Alert</th></tr></thead>"

/**
 * `--format html`, the shape of Bencher's PR comment: header, project/branch/testbed table, warnings, alerts, the
 * per-iteration results in a <details> block, and the hidden id tag that finds the comment again.
 */
export const renderHtml = (report: JsonReport, options: RenderOptions): string => {
  const out: Array<string> = []
  out.push(`<h2>${link(reportUrl(options.host, report), "Bencher Report")}</h2>`)
  out.push(
    "<table><tr><td>Project</td><td>" +
      escapeHtml(report.project.name) +
      "</td></tr>" +
      "<tr><td>Branch</td><td>" +
      escapeHtml(report.branch.name) +
      "</td></tr>" +
      "<tr><td>Testbed</td><td>" +
      escapeHtml(report.testbed.name) +
      "</td></tr></table>"
  )
  const iterations = iterationRows(report)
  if (!hasBenchmarks(report)) out.push("<p>⚠️ WARNING: No benchmarks found!</p>")
  else if (iterations.every(({ rows }) => rows.every((r) => !r.hasThreshold))) {
    out.push("<p>⚠️ WARNING: No Threshold found!</p>")
  }
  const count = alertCount(report)
  if (count > 0) {
    out.push(`<h3>🚨 ${count} Alert${count === 1 ? "" : "s"}</h3>`)
    out.push("<ul>")
    for (const alert of report.alerts ?? []) {
      out.push(
        `<li>${escapeHtml(describeAlert(alert))} (${link(alertUrl(options.host, report, alert), "alert")}, ` +
          `${link(perfUrl(options.host, report, alert.benchmark, alert.threshold.measure, { lower: alert.limit === "lower", upper: alert.limit === "upper" }), "plot")})</li>`
      )
    }
    out.push("</ul>")
  }
  out.push("<details><summary>Click to view all benchmark results</summary>")
  for (const { iteration, rows } of iterations) {
    if (iterations.length > 1) out.push(`<h4>Iteration ${iteration + 1}</h4>`)
    out.push(
      `<table>${RESULTS_HEAD}<tbody>${rows.map((r) => resultRow(report, r, options.host)).join("")}</tbody></table>`
    )
  }
  out.push("</details>")
  out.push(
    `<div id="bencher.dev/projects/${escapeHtml(report.project.slug)}/id/${escapeHtml(report.branch.slug)}/` +
      `${escapeHtml(report.testbed.slug)}/${escapeHtml(report.adapter)}"></div>`
  )
  return out.join("\n")
}

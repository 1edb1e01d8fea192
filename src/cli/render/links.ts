import type { JsonAlert, JsonReport } from "../../domain/report.js"

// Links to the host's API resources behind each line of a report (Bencher links its web console; this server
// has no console yet, so the links open the JSON of the same report, perf series and alert).

type Report = JsonReport
type Benchmark = { readonly uuid: string }
type Measure = { readonly uuid: string }

/** How far back a results link looks: 30 days before the report, as Bencher. */
const PERF_LOOKBACK_MS = 720 * 60 * 60 * 1000

export const reportUrl = (host: string, report: Report): string =>
  `${host}/v0/projects/${report.project.slug}/reports/${report.uuid}`

export const perfUrl = (
  host: string,
  report: Report,
  benchmark: Benchmark,
  measure: Measure,
  boundaries?: { readonly lower: boolean; readonly upper: boolean }
): string => {
  const end = Date.parse(report.end_time)
  const params = new URLSearchParams({
    branches: report.branch.uuid,
    heads: report.branch.head.uuid,
    testbeds: report.testbed.uuid,
    benchmarks: benchmark.uuid,
    measures: measure.uuid,
    start_time: String(Date.parse(report.start_time) - PERF_LOOKBACK_MS),
    end_time: String(end),
    report: report.uuid
  })
  if (boundaries?.lower === true) params.set("lower_boundary", "true")
  if (boundaries?.upper === true) params.set("upper_boundary", "true")
  return `${host}/v0/projects/${report.project.slug}/perf?${params.toString()}`
}

export const alertUrl = (host: string, report: Report, alert: JsonAlert): string =>
  `${host}/v0/projects/${report.project.slug}/alerts/${alert.uuid}`

/** How to claim an unclaimed project: the first signed-in run claims it, or this command. */
export const claimCommand = (host: string, report: Report): string =>
  `bencher org claim ${report.project.organization} --host ${host} --key <your bencher_user_ key>`

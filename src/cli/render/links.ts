import type { JsonAlert, JsonReport } from "../../domain/report.js"

// Links into the console pages served by the host, in Bencher's URL shapes (reference/bencher.md §4.2 step 6).

type Report = JsonReport
type Benchmark = { readonly uuid: string }
type Measure = { readonly uuid: string }

/** How far back a results link looks: 30 days before the report, as Bencher. */
const PERF_LOOKBACK_MS = 720 * 60 * 60 * 1000

export const reportUrl = (host: string, report: Report): string =>
  `${host}/console/projects/${report.project.slug}/reports/${report.uuid}`

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
  return `${host}/console/projects/${report.project.slug}/perf?${params.toString()}`
}

export const alertUrl = (host: string, report: Report, alert: JsonAlert): string =>
  `${host}/console/projects/${report.project.slug}/alerts/${alert.uuid}`

export const claimUrl = (host: string, report: Report): string => `${host}/auth/signup?claim=${report.project.organization}`

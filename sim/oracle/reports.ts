import type { ExpectedMetric } from "../fixtures.js"
import type { World } from "../world/world.js"
import { type JobModel, jobName } from "./job-model.js"
import type { Reader } from "./reader.js"

const reportMetrics = (reader: Reader, reportId: number) =>
  reader
    .stmt(`SELECT rb.iteration, b.name AS benchmark, ms.slug AS measure, m.value, m.id,
      (SELECT count(*) FROM boundary bd JOIN alert a ON a.boundary_id = bd.id WHERE bd.metric_id = m.id) AS alerts,
      (SELECT count(*) FROM boundary bd WHERE bd.metric_id = m.id) AS boundaries,
      EXISTS (SELECT 1 FROM metric m2 JOIN report_benchmark rb2 ON rb2.id = m2.report_benchmark_id
        JOIN report r2 ON r2.id = rb2.report_id
        WHERE m2.measure_id = m.measure_id AND rb2.benchmark_id = rb.benchmark_id AND r2.head_id = r.head_id
          AND r2.testbed_id = r.testbed_id AND r2.spec_id IS r.spec_id AND m2.id < m.id) AS prior,
      (SELECT upper_boundary FROM threshold t JOIN model md ON md.id = t.model_id
        WHERE t.branch_id = h.branch_id AND t.testbed_id = r.testbed_id AND t.measure_id = m.measure_id) AS upper
    FROM metric m JOIN report_benchmark rb ON rb.id = m.report_benchmark_id JOIN benchmark b ON b.id = rb.benchmark_id
    JOIN measure ms ON ms.id = m.measure_id JOIN report r ON r.id = rb.report_id JOIN head h ON h.id = r.head_id
    WHERE rb.report_id = ?`)
    .all(reportId) as Array<{
    iteration: number
    benchmark: string
    measure: string
    value: number
    id: number
    alerts: number
    boundaries: number
    prior: number
    upper: number | null
  }>

const expectedMetrics = (job: JobModel): ReadonlyArray<ExpectedMetric> => {
  const plan = job.plan
  if (plan === undefined) return []
  if (job.status === "processed") return plan.expected ?? []
  // A job its runner reported failed keeps the iterations that exited 0, when the adapter accepts them.
  if (job.status === "failed" && plan.error !== null && job.error === plan.error) return plan.expected ?? []
  return []
}

/**
 * The report of a job holds exactly the oracle's metrics (no duplicates, nothing missing), and each metric of
 * a measure with a static threshold has an alert exactly when it has history and breaks the upper boundary.
 */
export const checkReport = (world: World, reader: Reader, job: JobModel) => {
  const name = jobName(job)
  const expected = expectedMetrics(job)
  const actual = reportMetrics(reader, job.reportId)
  const key = (m: { iteration: number; benchmark: string; measure: string; value: number }) =>
    `${m.iteration}|${m.benchmark}|${m.measure}|${m.value}`
  const want = expected.map(key).sort()
  const got = actual.map(key).sort()
  if (want.length !== got.length || want.some((w, i) => w !== got[i])) {
    const missing = want.filter((w) => !got.includes(w)).slice(0, 3)
    const extra = got.filter((g) => !want.includes(g)).slice(0, 3)
    world.violate(
      "report_metrics",
      `job ${name} (${job.status}, ${job.error ?? "no error"}) has ${got.length} metrics, the oracle ${want.length}; missing ${JSON.stringify(missing)} extra ${JSON.stringify(extra)}`,
      [job.uuid]
    )
  }
  for (const m of actual) {
    if (m.upper === null) {
      if (m.alerts > 0)
        world.violate("alerts", `job ${name}: ${m.benchmark} ${m.measure} alerted with no threshold`, [job.uuid])
      continue
    }
    const alert = m.prior === 1 && m.value > m.upper
    if (m.alerts > 0 !== alert || m.alerts > 1) {
      world.violate(
        "alerts",
        `job ${name}: ${m.benchmark} ${m.measure} = ${m.value} vs static upper ${m.upper} (history: ${m.prior === 1}) has ${m.alerts} alerts, the oracle says ${alert ? 1 : 0}`,
        [job.uuid]
      )
    }
  }
}

import type { JsonAlert, JsonReport } from "../../src/domain/report.js"

// A hand-written JsonReport: two iterations, two benchmarks, latency (ns) under a t_test threshold and file size
// (bytes) without one, and one upper alert in the second iteration.

const t = "2026-11-27T00:00:00.000Z"
const uuid = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, "0")}`

const project = {
  uuid: uuid(1),
  organization: uuid(2),
  name: "Demo Project",
  slug: "demo-project",
  visibility: "public" as const,
  claimed: null,
  created: t,
  modified: t
}
const branch = {
  uuid: uuid(3),
  project: uuid(1),
  name: "main",
  slug: "main",
  head: { uuid: uuid(4), created: t },
  created: t,
  modified: t
}
const testbed = { uuid: uuid(5), project: uuid(1), name: "localhost", slug: "localhost", created: t, modified: t }
const latency = {
  uuid: uuid(6),
  project: uuid(1),
  name: "Latency",
  slug: "latency",
  units: "nanoseconds (ns)",
  created: t,
  modified: t
}
const fileSize = {
  uuid: uuid(7),
  project: uuid(1),
  name: "File Size",
  slug: "file-size",
  units: "bytes (B)",
  created: t,
  modified: t
}
const benchA = { uuid: uuid(8), project: uuid(1), name: "bench::parse", slug: "bench-parse", created: t, modified: t }
const benchB = { uuid: uuid(9), project: uuid(1), name: "bench::render", slug: "bench-render", created: t, modified: t }
const model = { uuid: uuid(10), test: "t_test", upper_boundary: 0.99, created: t }
const thresholdModel = { uuid: uuid(11), project: uuid(1), model, created: t }
const threshold = {
  uuid: uuid(11),
  project: uuid(1),
  branch,
  testbed,
  measure: latency,
  model,
  created: t,
  modified: t
}

const alert: JsonAlert = {
  uuid: uuid(12),
  report: uuid(13),
  iteration: 1,
  benchmark: benchA,
  metric: { uuid: uuid(14), value: 1_400_000 },
  threshold,
  boundary: { baseline: 1_000_000, upper_limit: 1_050_000 },
  limit: "upper",
  status: "active",
  created: t,
  modified: t
}

export const sampleReport: JsonReport = {
  uuid: uuid(13),
  project,
  branch,
  testbed,
  start_time: t,
  end_time: "2026-11-27T00:00:05.000Z",
  adapter: "json",
  results: [
    [
      {
        iteration: 0,
        benchmark: benchA,
        measures: [
          {
            measure: latency,
            metric: { uuid: uuid(20), value: 1_010_000 },
            threshold: thresholdModel,
            boundary: { baseline: 1_000_000, upper_limit: 1_050_000 }
          },
          { measure: fileSize, metric: { uuid: uuid(21), value: 2_048_000 } }
        ]
      },
      {
        iteration: 0,
        benchmark: benchB,
        measures: [
          { measure: latency, metric: { uuid: uuid(22), value: 2_500 }, threshold: thresholdModel, boundary: {} }
        ]
      }
    ],
    [
      {
        iteration: 1,
        benchmark: benchA,
        measures: [
          {
            measure: latency,
            metric: { uuid: uuid(14), value: 1_400_000 },
            threshold: thresholdModel,
            boundary: { baseline: 1_000_000, upper_limit: 1_050_000 }
          }
        ]
      }
    ]
  ],
  alerts: [alert],
  counts: {
    alerts: { active: 1, total: 1 },
    results: [
      { benchmarks: 2, measures: 2 },
      { benchmarks: 1, measures: 1 }
    ]
  },
  created: t
}

export const emptyReport: JsonReport = {
  ...sampleReport,
  results: [],
  alerts: [],
  counts: { alerts: { active: 0, total: 0 }, results: [] }
}

import { describe, expect, it } from "vitest"
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { violations } from "../helpers/openapi.js"
import { runBencher, spawnBencher } from "../helpers/process.js"

// Bencher's resource commands driven through the real CLI process against a real server: each step's exit code, and
// its stdout checked against Bencher's OpenAPI schema for the body (docs/reference.md §4.3).

const listening = /listening on http:\/\/127\.0\.0\.1:(\d+)/
const adminKeyLine = /Admin API key \(shown once, store it now\): (bencher_user_[A-Za-z0-9]{30})/

interface Ids {
  report: string
  alert: string
  metric: string
  threshold: string
}

interface Step {
  readonly args: (ids: Ids) => ReadonlyArray<string>
  /** Expected exit code (default 0). */
  readonly code?: number
  /** Bencher's component schema for stdout; `"empty"` for a 204. */
  readonly schema?: string
  readonly input?: string
  readonly check?: (body: any, ids: Ids) => void
  /** For a step that prints text, not JSON. */
  readonly text?: (stdout: string) => void
}

const P = "rocket"
const bmf = JSON.stringify({ "bench-a": { latency: { value: 50 } } })

const steps: ReadonlyArray<Step> = [
  // dimensions
  {
    args: () => ["branch", "create", P, "--name", "main"],
    schema: "JsonBranch",
    check: (b) => expect(b.slug).toBe("main")
  },
  { args: () => ["branch", "create", P, "--name", "feature-x", "--start-point-branch", "main"], schema: "JsonBranch" },
  {
    args: () => ["branch", "list", P, "--per-page", "5", "--page", "1", "--sort", "name", "--direction", "desc"],
    schema: "JsonBranches",
    check: (b) => expect(b.map((x: { name: string }) => x.name)).toEqual(["main", "feature-x"])
  },
  {
    args: () => ["branch", "list", P, "--search", "feat"],
    schema: "JsonBranches",
    check: (b) => expect(b).toHaveLength(1)
  },
  { args: () => ["branch", "view", P, "main"], schema: "JsonBranch" },
  {
    args: () => ["branch", "update", P, "feature-x", "--name", "feature-y", "--slug", "feature-y"],
    schema: "JsonBranch",
    check: (b) => expect(b.name).toBe("feature-y")
  },
  { args: () => ["branch", "view", P, "no-such-branch"], code: 1 },
  { args: () => ["testbed", "create", P, "--name", "localhost"], schema: "JsonTestbed" },
  { args: () => ["testbed", "create", P, "--name", "spare"], schema: "JsonTestbed" },
  {
    args: () => ["testbed", "list", P, "--name", "spare"],
    schema: "JsonTestbeds",
    check: (b) => expect(b).toHaveLength(1)
  },
  { args: () => ["testbed", "view", P, "localhost"], schema: "JsonTestbed" },
  {
    args: () => ["testbed", "update", P, "spare", "--archive"],
    schema: "JsonTestbed",
    check: (b) => expect(b.archived).not.toBeNull()
  },
  {
    args: () => ["testbed", "list", P, "--archived"],
    schema: "JsonTestbeds",
    check: (b) => expect(b.map((x: { slug: string }) => x.slug)).toEqual(["spare"])
  },
  {
    args: () => ["testbed", "update", P, "spare", "--unarchive"],
    schema: "JsonTestbed",
    check: (b) => expect(b.archived).toBeNull()
  },
  {
    args: () => ["measure", "create", P, "--name", "Latency", "--slug", "latency", "--units", "nanoseconds (ns)"],
    schema: "JsonMeasure"
  },
  { args: () => ["measure", "create", P, "--name", "Spare", "--units", "widgets"], schema: "JsonMeasure" },
  {
    args: () => ["measure", "list", P, "--sort", "name"],
    schema: "JsonMeasures",
    check: (b) => expect(b).toHaveLength(2)
  },
  { args: () => ["measure", "view", P, "latency"], schema: "JsonMeasure" },
  {
    args: () => ["measure", "update", P, "spare", "--units", "gadgets"],
    schema: "JsonMeasure",
    check: (b) => expect(b.units).toBe("gadgets")
  },
  { args: () => ["benchmark", "create", P, "--name", "bench-a"], schema: "JsonBenchmark" },
  { args: () => ["benchmark", "create", P, "--name", "bench-spare"], schema: "JsonBenchmark" },
  {
    args: () => ["benchmark", "list", P, "--direction", "asc"],
    schema: "JsonBenchmarks",
    check: (b) => expect(b).toHaveLength(2)
  },
  { args: () => ["benchmark", "view", P, "bench-a"], schema: "JsonBenchmark" },
  { args: () => ["benchmark", "update", P, "bench-spare", "--name", "bench-b"], schema: "JsonBenchmark" },
  // archive / unarchive
  {
    args: () => ["archive", P, "--benchmark", "bench-b"],
    schema: "JsonBenchmark",
    check: (b) => expect(b.archived).not.toBeNull()
  },
  {
    args: () => ["benchmark", "list", P, "--archived"],
    schema: "JsonBenchmarks",
    check: (b) => expect(b).toHaveLength(1)
  },
  {
    args: () => ["unarchive", P, "--benchmark", "bench-b"],
    schema: "JsonBenchmark",
    check: (b) => expect(b.archived).toBeNull()
  },
  { args: () => ["archive", P, "--branch", "feature-y"], schema: "JsonBranch" },
  { args: () => ["archive", P, "--testbed", "spare"], schema: "JsonTestbed" },
  { args: () => ["archive", P, "--measure", "spare"], schema: "JsonMeasure" },
  { args: () => ["archive", P], code: 1 },
  { args: () => ["archive", P, "--branch", "main", "--testbed", "localhost"], code: 1 },
  // thresholds
  {
    args: () => [
      "threshold",
      "create",
      P,
      "--branch",
      "main",
      "--testbed",
      "localhost",
      "--measure",
      "latency",
      "--test",
      "static",
      "--upper-boundary",
      "10"
    ],
    schema: "JsonThreshold",
    check: (b, ids) => {
      ids.threshold = b.uuid
      expect(b.model.test).toBe("static")
    }
  },
  {
    args: () => ["threshold", "list", P, "--branch", "main", "--measure", "latency"],
    schema: "JsonThresholds",
    check: (b) => expect(b).toHaveLength(1)
  },
  { args: (ids) => ["threshold", "view", P, ids.threshold], schema: "JsonThreshold" },
  {
    args: (ids) => ["threshold", "update", P, ids.threshold, "--test", "static", "--upper-boundary", "20"],
    schema: "JsonThreshold",
    check: (b) => expect(b.model.upper_boundary).toBe(20)
  },
  { args: (ids) => ["threshold", "update", P, ids.threshold], code: 1 },
  {
    args: () => [
      "threshold",
      "create",
      P,
      "--branch",
      "main",
      "--testbed",
      "localhost",
      "--measure",
      "latency",
      "--test",
      "nope"
    ],
    code: 1
  },
  // a report with an alert, through `bencher run` (even a static threshold waits for one prior metric)
  {
    args: () => ["run", "--project", P, "--branch", "main", "--testbed", "localhost", "--adapter", "json", "--quiet"],
    input: bmf
  },
  {
    args: () => ["run", "--project", P, "--branch", "main", "--testbed", "localhost", "--adapter", "json", "--quiet"],
    input: bmf
  },
  {
    args: () => [
      "report",
      "list",
      P,
      "--branch",
      "main",
      "--testbed",
      "localhost",
      "--sort",
      "date_time",
      "--direction",
      "desc",
      "--per-page",
      "1"
    ],
    schema: "JsonReports",
    check: (b, ids) => {
      expect(b).toHaveLength(1)
      ids.report = b[0].uuid
    }
  },
  {
    args: (ids) => ["report", "view", P, ids.report],
    schema: "JsonReport",
    check: (b, ids) => {
      ids.metric = b.results[0][0].measures[0].metric.uuid
      expect(b.alerts).toHaveLength(1)
      ids.alert = b.alerts[0].uuid
    }
  },
  {
    args: () => [
      "report",
      "list",
      P,
      "--start-time",
      "2000-01-01T00:00:00Z",
      "--end-time",
      String(Date.now() + 3_600_000)
    ],
    schema: "JsonReports",
    check: (b) => expect(b).toHaveLength(2)
  },
  { args: () => ["report", "list", P, "--start-time", "yesterday-ish"], code: 1 },
  {
    args: (ids) => ["metric", "view", P, ids.metric],
    schema: "JsonOneMetric",
    check: (b) => expect(b.metric.value).toBe(50)
  },
  {
    args: () => ["alert", "list", P, "--status", "active", "--sort", "created"],
    schema: "JsonAlerts",
    check: (b) => expect(b).toHaveLength(1)
  },
  {
    args: (ids) => ["alert", "view", P, ids.alert],
    schema: "JsonAlert",
    check: (b) => expect(b.status).toBe("active")
  },
  {
    args: (ids) => ["alert", "update", P, ids.alert, "--status", "dismissed"],
    schema: "JsonAlert",
    check: (b) => expect(b.status).toBe("dismissed")
  },
  {
    args: () => ["alert", "list", P, "--status", "active"],
    schema: "JsonAlerts",
    check: (b) => expect(b).toHaveLength(0)
  },
  { args: () => ["alert", "view", P, "00000000-0000-4000-8000-000000000000"], code: 1 },
  {
    args: () => [
      "report",
      "create",
      P,
      "--branch",
      "main",
      "--testbed",
      "localhost",
      "--start-time",
      "2026-01-01T00:00:00Z",
      "--end-time",
      "1767225660000",
      "--adapter",
      "json",
      "--results",
      bmf
    ],
    schema: "JsonReport",
    check: (b) => expect(b.results[0][0].benchmark.name).toBe("bench-a")
  },
  {
    args: () => ["report", "create", P, "--start-time", "2026-01-01T00:00:00Z", "--end-time", "2026-01-01T00:01:00Z"],
    code: 1
  },
  {
    args: () => [
      "perf",
      P,
      "--branches",
      "main",
      "--testbeds",
      "localhost",
      "--benchmarks",
      "bench-a",
      "--measures",
      "latency",
      "--format",
      "json"
    ],
    schema: "JsonPerf",
    check: (b) => expect(b.results[0].metrics.length).toBeGreaterThanOrEqual(2)
  },
  {
    args: () => [
      "perf",
      P,
      "--branches",
      "main,feature-y",
      "--testbeds",
      "localhost",
      "--benchmarks",
      "bench-a",
      "--measures",
      "latency"
    ],
    text: (out) => {
      expect(out).toContain("bench-a · Latency (nanoseconds (ns)) · branch main · testbed localhost")
      expect(out).toMatch(/upper \((active|dismissed)\)/)
    }
  },
  { args: () => ["perf", P, "--testbeds", "localhost", "--benchmarks", "bench-a", "--measures", "latency"], code: 1 },
  // deletes print nothing
  { args: (ids) => ["report", "delete", P, ids.report], schema: "empty" },
  { args: (ids) => ["report", "view", P, ids.report], code: 1 },
  { args: (ids) => ["threshold", "delete", P, ids.threshold], schema: "empty" },
  { args: () => ["branch", "delete", P, "feature-y"], schema: "empty" },
  { args: () => ["testbed", "delete", P, "spare"], schema: "empty" },
  { args: () => ["measure", "delete", P, "spare"], schema: "empty" },
  { args: () => ["benchmark", "delete", P, "bench-b"], schema: "empty" },
  { args: () => ["benchmark", "view", P, "bench-b"], code: 1 }
]

describe("bencher resource commands", () => {
  it("drive every resource verb through the CLI; bodies match Bencher's schemas", async () => {
    const dir = mkdtempSync(join(tmpdir(), "bencher-cli-resources-"))
    const server = spawnBencher(["server", "--port", "0", "--db", join(dir, "b.db")])
    try {
      const port = (await server.waitFor(listening, 60_000))[1]
      const adminKey = adminKeyLine.exec(server.stdout())?.[1] ?? ""
      const env = { BENCHER_HOST: `http://127.0.0.1:${port}`, BENCHER_API_KEY: adminKey }
      expect((await runBencher(["org", "create", "--name", "Acme"], env)).code).toBe(0)
      expect((await runBencher(["project", "create", "acme", "--name", "Rocket"], env)).code).toBe(0)
      const ids: Ids = { report: "", alert: "", metric: "", threshold: "" }
      for (const step of steps) {
        const args = step.args(ids)
        const label = `bencher ${args.join(" ")}`
        const result = await runBencher(args, env, step.input)
        expect(result.code, `${label}\n${result.stdout}${result.stderr}`).toBe(step.code ?? 0)
        if (step.schema === "empty") expect(result.stdout, label).toBe("")
        else if (step.schema !== undefined) {
          const body: unknown = JSON.parse(result.stdout)
          expect(violations(step.schema, body), label).toBe("")
          step.check?.(body, ids)
        }
        step.text?.(result.stdout)
      }
    } finally {
      server.child.kill("SIGTERM")
      await server.exited
      rmSync(dir, { recursive: true, force: true })
    }
  }, 600_000)
})

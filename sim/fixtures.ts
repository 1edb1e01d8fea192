import { Either } from "effect"
import { readFileSync } from "node:fs"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { type AdapterName, parseResults } from "../src/adapters/index.js"

/** One benchmark result as the oracle expects it in the report: iteration, benchmark, measure slug, value. */
export interface ExpectedMetric {
  readonly iteration: number
  readonly benchmark: string
  readonly measure: string
  readonly value: number
}

export interface AdapterFixture {
  readonly adapter: AdapterName
  readonly file: string
  readonly output: string
}

/**
 * Tool outputs from test/fixtures/adapters (EXPECTED.md's canonical file per adapter), each parsed by the
 * report's adapter. Fixtures whose benchmark keys the pipeline treats specially (uuid or slug BMF keys, custom
 * measures, `-bencher-ignore`) are left out so the oracle can compare by name and measure slug.
 */
const FIXTURES: ReadonlyArray<readonly [AdapterName, string]> = [
  ["json", "json/report_latency.json"],
  ["c_sharp_dot_net", "c_sharp/dot_net/two.json"],
  ["cpp_google", "cpp/google/two.txt"],
  ["cpp_catch2", "cpp/catch2/four.txt"],
  ["dart_benchmark_harness", "dart/benchmark_harness/two.txt"],
  ["go_bench", "go/bench/five.txt"],
  ["java_jmh", "java/jmh/six.json"],
  ["js_benchmark", "js/benchmark/four.txt"],
  ["js_time", "js/time/four.txt"],
  ["js_vitest", "js/vitest/four.json"],
  ["python_pytest", "python/pytest/four.json"],
  ["ruby_benchmark", "ruby/benchmark/five.txt"],
  ["rust_bench", "rust/bench/many.txt"],
  ["rust_criterion", "rust/criterion/many.txt"],
  ["shell_hyperfine", "shell/hyperfine/two.json"]
]

export const fixturesRoot = (): string =>
  process.env["BENCHER_FIXTURES"] ?? fileURLToPath(new URL("../test/fixtures/adapters/", import.meta.url))

let loaded: ReadonlyArray<AdapterFixture> | undefined

/** Reads the fixture files once per process. */
export const adapterFixtures = (): ReadonlyArray<AdapterFixture> => {
  if (loaded !== undefined) return loaded
  const root = fixturesRoot()
  loaded = FIXTURES.map(([adapter, file]) => ({ adapter, file, output: readFileSync(join(root, file), "utf8") }))
  return loaded
}

/**
 * What the report of these results strings must hold, computed with the adapter alone (no database): one entry
 * per (iteration, benchmark, measure). Undefined when the adapter rejects the output.
 */
export const oracleMetrics = (
  adapter: AdapterName,
  results: ReadonlyArray<string>
): ReadonlyArray<ExpectedMetric> | undefined => {
  if (results.length === 0) return []
  const parsed = parseResults({ adapter }, results)
  if (Either.isLeft(parsed)) return undefined
  const out: Array<ExpectedMetric> = []
  parsed.right.forEach((bmf, iteration) => {
    for (const [benchmark, measures] of Object.entries(bmf)) {
      for (const [measure, metric] of Object.entries(measures))
        out.push({ iteration, benchmark, measure, value: metric.value })
    }
  })
  return out
}

/** Benchmark names of generated BMF (a small pool, so series build history and thresholds fire). */
export const BMF_BENCHMARKS = ["sim::parse", "sim::encode", "sim::sort", "sim::hash", "sim::walk"] as const

/** A generated BMF iteration and the metrics it must become, known without any adapter. */
export const generatedBmf = (
  draw: () => number
): { readonly output: string; readonly metrics: ReadonlyArray<Omit<ExpectedMetric, "iteration">> } => {
  const metrics: Array<Omit<ExpectedMetric, "iteration">> = []
  const doc: Record<string, Record<string, { value: number }>> = {}
  for (const benchmark of BMF_BENCHMARKS) {
    if (draw() < 0.3) continue
    const value = Math.round(draw() * 100_000) / 100
    doc[benchmark] = { latency: { value } }
    metrics.push({ benchmark, measure: "latency", value })
    if (draw() < 0.3) {
      const throughput = Math.round(draw() * 10_000)
      const entry = doc[benchmark]
      if (entry !== undefined) entry["throughput"] = { value: throughput }
      metrics.push({ benchmark, measure: "throughput", value: throughput })
    }
  }
  return { output: JSON.stringify(doc), metrics }
}

/** Output no adapter accepts. */
export const garbageOutput = (draw: () => number): string =>
  ["segfault (core dumped)", '{"unterminated": ', "<html>502 Bad Gateway</html>", "benchmark x ... FAILED"][
    Math.floor(draw() * 4)
  ] ?? ""

// Formats peers parse and Bencher does not (docs/reference.md §12), from fixtures written after each
// tool's documented output.
import { describe, expect, it } from "@effect/vitest"
import { Either } from "effect"
import { detect, parseOne } from "../../src/adapters/index.js"
import { own } from "./fixtures.js"

const ok = (r: Either.Either<unknown, unknown>) => Either.getOrThrow(r)

describe("julia_benchmarktools adapter", () => {
  const input = own("julia/trials.json")

  it("flattens nested BenchmarkGroups to group/key and takes each trial's median time in ns", () => {
    expect(ok(parseOne("julia_benchmarktools", input, {}))).toStrictEqual({
      "fib/10": { latency: { value: 250 }, allocated: { value: 0 }, allocations: { value: 0 } },
      "fib/20": { latency: { value: 31500 }, allocated: { value: 64 }, allocations: { value: 2 } },
      sort: { latency: { value: 1500 }, allocated: { value: 8080 }, allocations: { value: 3 } }
    })
  })

  it("takes the mean time with --average mean", () => {
    const bmf = ok(parseOne("julia_benchmarktools", input, { average: "mean" })) as Record<
      string,
      Record<string, unknown>
    >
    expect(bmf["fib/20"]?.["latency"]).toEqual({ value: 32500 })
    expect(bmf["fib/10"]?.["latency"]).toEqual({ value: 250 })
  })

  it("reads TrialEstimate leaves (a saved `median(results)`) as they are", () => {
    expect(ok(parseOne("julia_benchmarktools", own("julia/estimates.json"), {}))).toStrictEqual({
      "string/join": { latency: { value: 123.5 }, allocated: { value: 16 }, allocations: { value: 1 } }
    })
  })

  it("is detected by magic", () => {
    expect(Either.map(detect(input, {}), (d) => d.adapter)).toEqual(Either.right("julia_benchmarktools"))
  })
})

describe("luau_benchmark adapter", () => {
  const input = own("luau/bench.txt")

  it("turns SUCCESS lines into latency with bounds value·(1 ∓ p/100), skipping failures", () => {
    const b = 25.116e6
    const c = 61.43e6
    const s = 1024.5e6
    expect(ok(parseOne("luau_benchmark", input, {}))).toStrictEqual({
      base64: { latency: { value: b, lower_value: b - (b * 0.306) / 100, upper_value: b + (b * 0.306) / 100 } },
      chess: { latency: { value: c, lower_value: c - (c * 0.5) / 100, upper_value: c + (c * 0.5) / 100 } },
      sha256: { latency: { value: s, lower_value: s - (s * 2) / 100, upper_value: s + (s * 2) / 100 } }
    })
  })

  it("is detected by magic", () => {
    expect(Either.map(detect(input, {}), (d) => d.adapter)).toEqual(Either.right("luau_benchmark"))
  })
})

describe("rust_divan adapter", () => {
  const input = own("divan/nested.txt")
  const l = (value: number, lower: number, upper: number) => ({
    latency: { value, lower_value: lower, upper_value: upper }
  })

  it("names rows by their tree path joined with ::, value = median, bounds = fastest and slowest", () => {
    expect(ok(parseOne("rust_divan", input, {}))).toStrictEqual({
      "collections::hashmap::insert": l(3.3 * 1e3, 3.162 * 1e3, 5.413 * 1e3),
      "collections::vec::from_elem::10": l(25.19, 24.87, 43.25),
      "collections::vec::from_elem::1000": l(97.35, 95.52, 117.4),
      "collections::vec::push": l(1.224 * 1e3, 1.205 * 1e3, 1.585 * 1e3),
      "fib::fibonacci": l(197.5, 196.1, 217)
    })
  })

  it("takes the mean with --average mean", () => {
    const bmf = ok(parseOne("rust_divan", input, { average: "mean" })) as Record<string, Record<string, unknown>>
    expect(bmf["fib::fibonacci"]?.["latency"]).toEqual({ value: 198.1, lower_value: 196.1, upper_value: 217 })
  })

  it("is detected by magic", () => {
    expect(Either.map(detect(input, {}), (d) => d.adapter)).toEqual(Either.right("rust_divan"))
  })
})

describe("custom adapter (github-action-benchmark JSON)", () => {
  const input = own("custom/gab.json")

  it("names the measure after the unit: time units are latency in ns, ops/<time> is throughput", () => {
    expect(ok(parseOne("custom", input, {}))).toStrictEqual({
      "My Custom Smaller Is Better Benchmark - CPU Load": { Percent: { value: 50 } },
      "My Custom Smaller Is Better Benchmark - Memory Used": {
        Megabytes: { value: 100, lower_value: 97, upper_value: 103 }
      },
      fib: { latency: { value: 3161, lower_value: 2186, upper_value: 4136 } },
      parse: { latency: { value: 1_500_000 } },
      requests: { throughput: { value: 1200, lower_value: 1176, upper_value: 1224 } }
    })
  })

  it("is detected by magic", () => {
    expect(Either.map(detect(input, {}), (d) => d.adapter)).toEqual(Either.right("custom"))
  })
})

describe("go_bench adapter extra metrics", () => {
  const input = own("go/mem_crlf.txt")

  it("emits B/op, allocs/op, MB/s and custom <x>/op as their own measures (CRLF log)", () => {
    expect(ok(parseOne("go_bench", input, {}))).toStrictEqual({
      "BenchmarkJoin-8": {
        latency: { value: 245.6 },
        "mb-per-second": { value: 62.53 },
        allocated: { value: 64 },
        allocations: { value: 2 }
      },
      "BenchmarkParse-8": {
        latency: { value: 1052 },
        allocated: { value: 312 },
        allocations: { value: 7 },
        "nodes/op": { value: 3 }
      }
    })
  })

  it("is detected by magic", () => {
    expect(Either.map(detect(input, {}), (d) => d.adapter)).toEqual(Either.right("go_bench"))
  })
})

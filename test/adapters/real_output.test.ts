// What real tools print, written after each tool's documented output: libtest and the harnesses that print
// its shape, criterion with its warnings, Go with `b.ReportMetric` columns, Luau's bench.py. A line that looks
// like a result but does not parse is skipped with a warning naming it; only an input where nothing parses fails.
import { describe, expect, it } from "@effect/vitest"
import { Either } from "effect"
import type { BmfMetric } from "../../src/domain/bmf.js"
import {
  type AdapterName,
  detect,
  parseOne,
  parseResults,
  parseResultsWithWarnings,
  warningMessage
} from "../../src/adapters/index.js"

const ok = (r: Either.Either<unknown, unknown>) => Either.getOrThrow(r)
const m = (value: number, lower?: number, upper?: number): BmfMetric =>
  lower === undefined || upper === undefined ? { value } : { value, lower_value: lower, upper_value: upper }
/** bounds = value ∓ spread, clamped at 0 below as libtest's reading is */
const spread = (value: number, s: number) => m(value, Math.max(0, value - s), value + s)
const pct = (value: number, p: number) => m(value, value - (value * p) / 100, value + (value * p) / 100)

/** Parses with magic and with the adapter: both must pick it and agree. */
const both = (adapter: AdapterName, input: string) => {
  const magic = detect(input, {})
  expect(Either.map(magic, (d) => d.adapter)).toEqual(Either.right(adapter))
  const own = ok(parseOne(adapter, input, {}))
  expect(Either.map(magic, (d) => d.bmf)).toStrictEqual(Either.right(own))
  return own
}

const warningsOf = (adapter: AdapterName, input: string) =>
  Either.map(parseResultsWithWarnings({ adapter }, [input]), (r) => r.warnings.map(warningMessage))

describe("libtest lines (rust_bench)", () => {
  it("reads names with spaces and parentheses amid criterion's warnings and blank lines (--output-format bencher)", () => {
    const input = [
      "Gnuplot not found, using plotters backend",
      "",
      "Warning: Unable to complete 100 samples in 5.0s. You may wish to increase target time to 6.2s, enable flat sampling, or reduce sample count to 60.",
      "test parse/json (small) ... bench:       1,234 ns/iter (+/- 56)",
      "",
      "test parse/json (large input) ... bench:      98,765 ns/iter (+/- 4,321)",
      "test fib 20                   ... bench:      26,251 ns/iter (+/- 120)",
      ""
    ].join("\n")
    expect(both("rust_bench", input)).toStrictEqual({
      "parse/json (small)": { latency: spread(1234, 56) },
      "parse/json (large input)": { latency: spread(98765, 4321) },
      "fib 20": { latency: spread(26251, 120) }
    })
    expect(warningsOf("magic", input)).toEqual(Either.right([]))
  })

  it("keeps libtest's throughput (`= <n> MB/s`) as mb-per-second beside latency", () => {
    const input =
      "running 1 test\ntest bench_copy ... bench:       1,234 ns/iter (+/- 56) = 830 MB/s\n\ntest result: ok. 0 passed; 0 failed; 0 ignored; 1 measured\n"
    expect(both("rust_bench", input)).toStrictEqual({
      bench_copy: { latency: spread(1234, 56), "mb-per-second": m(830) }
    })
  })

  it("keeps custom units of cargo bench harnesses as measures named by their unit", () => {
    const input = [
      "test rdtsc_loop ... bench:       1,520 cycles/iter (+/- 40)",
      "test sampler ... bench:          12.5 MS/s (+/- 0.3)",
      "test timed ... bench:             3.5 µs/iter (+/- 0.25)"
    ].join("\n")
    expect(both("rust_bench", input)).toStrictEqual({
      rdtsc_loop: { "cycles/iter": spread(1520, 40) },
      sampler: { "MS/s": spread(12.5, 0.3) },
      timed: { latency: spread(3500, 250) }
    })
  })

  it("skips a result line that does not parse, keeps the rest, and names the skipped line in a warning", () => {
    const input = [
      "running 3 tests",
      "test tests::a ... bench:       3,161 ns/iter (+/- 975)",
      "test tests::b ... bench:   too fast to measure",
      "test tests::c ... ignored",
      "test tests::d ... bench:         100 ns/iter (+/- 1)"
    ].join("\n")
    expect(both("rust_bench", input)).toStrictEqual({
      "tests::a": { latency: spread(3161, 975) },
      "tests::d": { latency: spread(100, 1) }
    })
    expect(warningsOf("magic", input)).toEqual(
      Either.right([
        "iteration 0: rust_bench skipped 1 line that looks like a result but does not parse:\n  line 3: test tests::b ... bench:   too fast to measure"
      ])
    )
  })

  it("fails only when nothing parses", () => {
    const input = "test tests::b ... bench:   too fast to measure\n"
    expect(Either.isLeft(parseOne("rust_bench", input, {}))).toBe(true)
    expect(Either.isLeft(parseResults({ adapter: "magic" }, [input]))).toBe(true)
  })

  it("lists the first 20 skipped lines and counts the rest", () => {
    const bad = Array.from({ length: 25 }, (_, i) => `test bad_${i} ... bench: ? ns/iter`)
    const input = ["test good ... bench: 1 ns/iter (+/- 0)", ...bad].join("\n")
    const warnings = Either.getOrThrow(parseResultsWithWarnings({}, [input])).warnings
    expect(warnings).toHaveLength(1)
    expect(warnings[0]?.count).toBe(25)
    expect(warnings[0]?.lines).toHaveLength(20)
    expect(warnings[0]?.lines[0]).toEqual({ line: 2, text: "test bad_0 ... bench: ? ns/iter" })
    expect(warningMessage(warnings[0]!)).toContain("... and 5 more")
  })
})

describe("criterion (rust_criterion)", () => {
  it("reads results amid Gnuplot and sample-count warnings, progress lines and blank lines", () => {
    const input = [
      "Gnuplot not found, using plotters backend",
      "Benchmarking parse/json (small)",
      "Benchmarking parse/json (small): Warming up for 3.0000 s",
      "",
      "Warning: Unable to complete 100 samples in 5.0s. You may wish to increase target time to 6.2s, enable flat sampling, or reduce sample count to 60.",
      "Benchmarking parse/json (small): Collecting 100 samples in estimated 6.2345 s (5050 iterations)",
      "Benchmarking parse/json (small): Analyzing",
      "parse/json (small)      time:   [1.2001 ms 1.2345 ms 1.2702 ms]",
      "                        change: [-1.0312% +0.5121% +2.1003%] (p = 0.55 > 0.05)",
      "                        No change in performance detected.",
      "Found 2 outliers among 100 measurements (2.00%)",
      "  2 (2.00%) high mild",
      "",
      "Benchmarking a benchmark name long enough to get a line of its own: Analyzing",
      "a benchmark name long enough to get a line of its own",
      "",
      "Warning: Unable to complete 100 samples in 5.0s. You may wish to increase target time to 9.1s, or reduce sample count to 50.",
      "                        time:   [26.029 µs 26.251 µs 26.505 µs]",
      "                        thrpt:  [37.729 Kelem/s 38.094 Kelem/s 38.419 Kelem/s]"
    ].join("\n")
    expect(both("rust_criterion", input)).toStrictEqual({
      "parse/json (small)": { latency: m(1_234_500, 1_200_100, 1_270_200) },
      "a benchmark name long enough to get a line of its own": { latency: m(26_251, 26_029, 26_505) }
    })
    expect(warningsOf("magic", input)).toEqual(Either.right([]))
  })

  it("keeps a custom measurement's unit (criterion-cycles-per-byte) as the measure", () => {
    const input = "sha256/1024             time:   [1520.5 cycles 1533.2 cycles 1547.9 cycles]\n"
    expect(both("rust_criterion", input)).toStrictEqual({ "sha256/1024": { cycles: m(1533.2, 1520.5, 1547.9) } })
  })

  it("skips a time line that does not parse with a warning", () => {
    const input =
      "fib 10                  time:   [26.029 µs 26.251 µs 26.505 µs]\nfib 20                  time:   [n/a]\n"
    expect(both("rust_criterion", input)).toStrictEqual({ "fib 10": { latency: m(26_251, 26_029, 26_505) } })
    expect(warningsOf("rust_criterion", input)).toEqual(
      Either.right([
        "iteration 0: rust_criterion skipped 1 line that looks like a result but does not parse:\n  line 2: fib 20                  time:   [n/a]"
      ])
    )
  })
})

describe("go test -bench (go_bench)", () => {
  it("keeps MB/s, B/op, allocs/op and b.ReportMetric units as their own measures beside ns/op", () => {
    const input = [
      "goos: linux",
      "goarch: amd64",
      "pkg: example.com/codec",
      "cpu: AMD EPYC 7763 64-Core Processor",
      "BenchmarkX",
      "    codec_test.go:42: warming the cache",
      "BenchmarkX-8   \t    1000\t      1234 ns/op\t  56.7 MB/s\t      12 B/op\t       1 allocs/op\t       3.5 widgets/op",
      "BenchmarkRatio-8\t     500\t      0.75 hits/op\t     120 items/s",
      "BenchmarkBroken-8\t     100\t      fast ns/op",
      "--- FAIL: BenchmarkOther-8",
      "PASS",
      "ok  \texample.com/codec\t3.21s"
    ].join("\n")
    expect(both("go_bench", input)).toStrictEqual({
      "BenchmarkX-8": {
        latency: m(1234),
        "mb-per-second": m(56.7),
        allocated: m(12),
        allocations: m(1),
        "widgets/op": m(3.5)
      },
      "BenchmarkRatio-8": { "hits/op": m(0.75), "items/s": m(120) }
    })
    expect(warningsOf("magic", input)).toEqual(
      Either.right([
        "iteration 0: go_bench skipped 1 line that looks like a result but does not parse:\n  line 9: BenchmarkBroken-8\t     100\t      fast ns/op"
      ])
    )
  })
})

describe("Luau's bench.py (luau_benchmark)", () => {
  const success = [
    "Running with scripts from bench/tests",
    "\x1b[32mSUCCESS\x1b[0m: base64                                  :   25.116ms +/-  0.306% on luau",
    "SUCCESS: Benchmark name : 15.041ms +/- 0.636% on luau",
    "FAILED: life : error",
    "SUCCESS: mandel (fixed point)                    :  120.5ms +/- 1.5% on luau"
  ]
  const table = [
    "==================================================RESULTS==================================================",
    "Test                                     |      Min |  Average |  StdDev% | Driver",
    "-----------------------------------------+----------+----------+----------+-------",
    "base64                                   | 24.991ms | 25.116ms |   0.306% | luau",
    "Benchmark name                           | 14.900ms | 15.041ms |   0.636% | luau",
    "mandel (fixed point)                     | 118.2ms  | 120.5ms  |   1.5%   | luau",
    "-----------------------------------------+----------+----------+----------+-------"
  ]
  const expected = {
    base64: { latency: pct(25.116e6, 0.306) },
    "Benchmark name": { latency: pct(15.041e6, 0.636) },
    "mandel (fixed point)": { latency: pct(120.5e6, 1.5) }
  }

  it("reads SUCCESS lines, padded and coloured as bench.py prints them", () => {
    expect(both("luau_benchmark", success.join("\n"))).toStrictEqual(expected)
  })

  it("reads the RESULTS table by its header", () => {
    expect(both("luau_benchmark", table.join("\n"))).toStrictEqual(expected)
  })

  it("reads both together, the way bench.py prints them, without warnings", () => {
    const input = [...success, "", ...table, ""].join("\n")
    expect(both("luau_benchmark", input)).toStrictEqual(expected)
    expect(warningsOf("magic", input)).toEqual(Either.right([]))
  })

  it("skips a SUCCESS line or table row that does not parse with a warning", () => {
    const input = [success[2], "SUCCESS: broken : ???ms +/- 1% on luau", table[1], "bad row | x | y | z | luau"].join(
      "\n"
    )
    expect(both("luau_benchmark", input)).toStrictEqual({ "Benchmark name": expected["Benchmark name"] })
    expect(warningsOf("luau_benchmark", input)).toEqual(
      Either.right([
        "iteration 0: luau_benchmark skipped 2 lines that look like results but do not parse:\n" +
          "  line 2: SUCCESS: broken : ???ms +/- 1% on luau\n" +
          "  line 4: bad row | x | y | z | luau"
      ])
    )
  })
})

describe("warnings over iterations", () => {
  it("name the iteration and the adapter magic picked; a fold keeps them", () => {
    const good = "test a ... bench: 10 ns/iter (+/- 1)\n"
    const mixed = good + "test b ... bench: ? ns/iter\n"
    const r = Either.getOrThrow(parseResultsWithWarnings({ fold: "mean" }, [good, mixed]))
    expect(Object.keys(r.iterations[0] ?? {})).toEqual(["a"])
    expect(r.warnings.map((w) => [w.iteration, w.adapter, w.count])).toEqual([[1, "rust_bench", 1]])
  })
})

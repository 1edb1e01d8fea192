// Expected results for every Bencher fixture outside gungraun, with the values of EXPECTED.md
// (Bencher's own Rust tests).
import { expect } from "@effect/vitest"
import { Either } from "effect"
import type { Bmf, BmfMetric } from "../../src/domain/bmf.js"
import type { AdapterName } from "../../src/adapters/index.js"

const m = (value: number, lower?: number, upper?: number): BmfMetric =>
  lower === undefined
    ? { value }
    : upper === undefined
      ? { value, lower_value: lower }
      : { value, lower_value: lower, upper_value: upper }
const latency = (value: number, lower?: number, upper?: number) => ({ latency: m(value, lower, upper) })
const throughput = (value: number, lower: number, upper: number) => ({ throughput: m(value, lower, upper) })
/** bounds = value ∓ spread, as the tools print them */
const spread = (value: number, s: number) => latency(value, value - s, value + s)
const iai = (i: number, l1: number, l2: number, ram: number, cycles: number) => ({
  instructions: m(i),
  "l1-accesses": m(l1),
  "l2-accesses": m(l2),
  "ram-accesses": m(ram),
  "estimated-cycles": m(cycles)
})
const pct = (hz: number, p: number) => throughput(hz, hz - (hz * p) / 100, hz + (hz * p) / 100)

export interface Golden {
  readonly file: string
  readonly adapter: AdapterName
  readonly expected: Bmf | "none"
  /** summarized (rounded) in EXPECTED.md: compare to 9 significant digits */
  readonly approximate?: boolean
}

const latencyFixture: Bmf = {
  "tests::benchmark_a": latency(3247, 1044, 1044),
  "tests::benchmark_b": latency(3443, 2275, 2275),
  "tests::benchmark_c": latency(3361, 1093, 1093)
}
const rust3161 = latency(3161, 2186, 4136)
const catch2Four: Bmf = {
  "Fibonacci: Fibonacci 10": latency(344, 325, 363),
  "Fibonacci: Fibonacci 20": latency(41731, 38475, 44987),
  "More Fibonacci: Fibonacci~ 5!": latency(36, 32, 40),
  "More Fibonacci: Fibonacci-15_bench": latency(3789, 3427, 4151)
}

export const goldens: ReadonlyArray<Golden> = [
  { file: "json/report_latency.json", adapter: "json", expected: latencyFixture },
  {
    file: "json/report_dhat.json",
    adapter: "json",
    expected: {
      bench_play_game: {
        "Final Blocks": m(0),
        "Final Bytes": m(0),
        "Max Blocks": m(1),
        "Max Bytes": m(9),
        "Total Blocks": m(100),
        "Total Bytes": m(662)
      }
    }
  },
  {
    file: "json/report_bmf_mixed.json",
    adapter: "json",
    expected: {
      "31aba8a9-977a-47d1-9fb6-e6b94b428471": latency(3247, 1044, 1044),
      "benchmark-b": latency(3443, 2275, 2275),
      "tests::benchmark_c": latency(3361, 1093, 1093)
    }
  },
  {
    file: "c_sharp/dot_net/two.json",
    adapter: "c_sharp_dot_net",
    expected: {
      "BenchmarkDotNet.Samples.Intro.Sleep10": latency(
        10_362_283.085796878,
        10_316_580.967427673,
        10_407_985.204166083
      ),
      "BenchmarkDotNet.Samples.Intro.Sleep20": spread(20360791.931687497, 47980.732317777525)
    }
  },
  {
    file: "c_sharp/dot_net/two_more.json",
    adapter: "c_sharp_dot_net",
    expected: {
      "Sample.Fib10": spread(24.4202085009643, 0.1981212530783709),
      "Sample.Fib20": spread(51.52008151549559, 0.7903737021529575)
    }
  },
  {
    file: "c_sharp/dot_net/memory.json",
    adapter: "c_sharp_dot_net",
    expected: {
      "BenchmarkDotNet.Samples.AllocEmptyList": {
        ...spread(77.49449412027995, 1.175959577250963),
        allocated: m(368),
        "gen0-collects": m(184),
        "gen1-collects": m(0),
        "gen2-collects": m(0),
        "total-operations": m(8388608)
      },
      "BenchmarkDotNet.Samples.AllocExactList": {
        ...spread(54.648447036743164, 0.613871054806552),
        allocated: m(184),
        "gen0-collects": m(184),
        "gen1-collects": m(0),
        "gen2-collects": m(0),
        "total-operations": m(16777216)
      }
    }
  },
  {
    file: "c_sharp/dot_net/null_namespace.json",
    adapter: "c_sharp_dot_net",
    expected: { NullNamespaceMethod: latency(0, 0, 0) }
  },
  {
    file: "cpp/google/two.txt",
    adapter: "cpp_google",
    expected: { fib_10: latency(214.98980114547953), fib_20: latency(27455.600415007055) }
  },
  { file: "cpp/catch2/four.txt", adapter: "cpp_catch2", expected: catch2Four },
  {
    file: "cpp/catch2/two.txt",
    adapter: "cpp_catch2",
    expected: { "Fibonacci: Fibonacci 10": latency(0, 0, 0), "Fibonacci: Fibonacci 20": latency(1, 1, 1) }
  },
  {
    file: "cpp/catch2/issue_351.txt",
    adapter: "cpp_catch2",
    expected: {
      "Unit_assignment Construction: Fibonacci 10": latency(344, 325, 363),
      "Unit_assignment Construction: Fibonacci 20": latency(41731, 38475, 44987),
      "More Fibonacci: Fibonacci~ 5!": latency(36, 32, 40),
      "More Fibonacci: Fibonacci-15_bench": latency(3789, 3427, 4151),
      "Even More Fibonacci With a long name: Fibonacci 10 with a long name": latency(344, 325, 363),
      "Even More Fibonacci With a long name: Fibonacci 20": latency(41731, 38475, 44987)
    }
  },
  { file: "dart/benchmark_harness/one.txt", adapter: "dart_benchmark_harness", expected: { Template: latency(1000) } },
  {
    file: "dart/benchmark_harness/two.txt",
    adapter: "dart_benchmark_harness",
    expected: { Template: latency(1000), ForLoop: latency(2000) }
  },
  {
    file: "go/bench/five.txt",
    adapter: "go_bench",
    expected: {
      "BenchmarkFib10-8": latency(325),
      BenchmarkFib20: latency(40537.123),
      "BenchmarkFib/my_tabled_benchmark_-_10-8": latency(325),
      "BenchmarkFib/my_tabled_benchmark_-_20": latency(40537.123),
      "BenchmarkFib/my/tabled/benchmark_-_20": latency(40537.456)
    }
  },
  {
    file: "go/bench/three.txt",
    adapter: "go_bench",
    expected: {
      "BenchmarkFib10-8": latency(210.2),
      "BenchmarkFib20-8": latency(26264),
      "BenchmarkFib20WithAuxMetric-8": { ...latency(25829), auxMetricUnits: m(4) }
    }
  },
  {
    file: "java/jmh/six.json",
    adapter: "java_jmh",
    expected: {
      "com.github.caffeine.caffeine.cache.ComputeBenchmark.compute_sameKey": throughput(
        152520132.34402195,
        148999811.56545883,
        156040453.12258506
      ),
      "com.github.guava.caffeine.cache.ComputeBenchmark.compute_sameKey": throughput(
        29945718.61137783,
        28668756.96203928,
        31222680.260716382
      ),
      "com.github.hashmap.caffeine.cache.ComputeBenchmark.compute_sameKey": throughput(
        7828947.712794046,
        -1835785.2124654083,
        17493680.6380535
      ),
      "com.github.caffeine.caffeine.cache.ComputeBenchmark.compute_spread": throughput(
        75813218.87869738,
        69632899.28708483,
        81993538.47030993
      ),
      "com.github.guava.caffeine.cache.ComputeBenchmark.compute_spread": throughput(
        32709984.76377125,
        30019340.461257935,
        35400629.06628457
      ),
      "com.github.hashmap.caffeine.cache.ComputeBenchmark.compute_spread": throughput(
        113640916.67262991,
        105176321.97352052,
        122105511.3717393
      )
    }
  },
  {
    file: "java/jmh/latency.json",
    adapter: "java_jmh",
    expected: {
      "org.openjdk.jmh.samples.JMHSample_01_HelloWorld.wellHelloThere": latency(
        3.3762388731228185e18,
        3.3619508873788824e18,
        3.3905268588667545e18
      )
    }
  },
  {
    file: "java/jmh/throughput.json",
    adapter: "java_jmh",
    expected: {
      "org.openjdk.jmh.samples.JMHSample_01_HelloWorld.wellHelloThere": throughput(
        3_376_238_873.1228185,
        3_361_950_887.3788824,
        3_390_526_858.8667545
      )
    }
  },
  {
    file: "js/benchmark/four.txt",
    adapter: "js_benchmark",
    expected: {
      "fib(10)": throughput(1_431_759, 1_421_163.9834, 1_442_354.0166),
      "fib(20)": throughput(12146, 12107.1328, 12184.8672),
      "benchmark with x 2 many things": throughput(50, 49.95, 50.05),
      "createObjectBuffer with 200 comments": throughput(81.61, 80.22263, 82.99737)
    }
  },
  {
    file: "js/benchmark/issue_506.txt",
    adapter: "js_benchmark",
    expected: {
      "text encoder utf8": pct(28.33, 3.3),
      "text encoder utf16": pct(55.25, 16.6),
      "sha512 wasm from string utf8": pct(15.2, 8.8),
      "sha512 wasm from string utf16": pct(19.23, 1.7),
      "sha512 native from string utf8": pct(21.46, 4.1),
      "sha512 native from string utf16": pct(29.76, 6.8)
    }
  },
  {
    file: "js/time/four.txt",
    adapter: "js_time",
    expected: {
      default: latency(7_617_000_000),
      benchmark_1: latency(12_714_000_000),
      "benchmark 2": latency(9_034_000_000),
      "benchmark 3: The Third - timer/timerEnd": latency(8_827_000_000)
    }
  },
  {
    file: "js/vitest/four.json",
    adapter: "js_vitest",
    expected: {
      "fib.bench.ts > fibonacci > fib(10)": {
        ...latency(1_000_000, 750_000, 1_250_000),
        ...throughput(1000, 750, 1250)
      },
      "fib.bench.ts > fibonacci > fib(20)": {
        ...latency(2_000_000, 1_500_000, 2_500_000),
        ...throughput(500, 375, 625)
      },
      "sort.bench.ts > sorting > normal": { ...latency(5_000_000, 3_750_000, 6_250_000), ...throughput(200, 150, 250) },
      "sort.bench.ts > sorting > reverse": {
        ...latency(10_000_000, 7_500_000, 12_500_000),
        ...throughput(100, 75, 125)
      }
    }
  },
  {
    file: "js/vitest/two.json",
    adapter: "js_vitest",
    expected: {
      "math.bench.ts > math > add": { ...latency(1_000_000, 750_000, 1_250_000), ...throughput(1000, 750, 1250) },
      "math.bench.ts > math > subtract": { ...latency(2_000_000, 1_500_000, 2_500_000), ...throughput(500, 375, 625) }
    }
  },
  {
    file: "python/asv/six.txt",
    adapter: "python_asv",
    expected: {
      "benchmarks.TimeSuite.time_iterkeys": latency(11100, 11090, 11110),
      "benchmarks.TimeSuite.time_keys": latency(11200, 11190, 11210),
      "benchmarks.TimeSuite.time_range": latency(32900, 32890, 32910),
      "benchmarks.TimeSuite.time_xrange": latency(30300, 30290, 30310),
      "benchmarks.TimeSuite.time_keys3": latency(9070, 8570, 9570),
      "benchmarks.TimeSuite.time_range3": latency(35500, 35490, 35510)
    }
  },
  {
    file: "python/pytest/four.json",
    adapter: "python_pytest",
    expected: {
      "bench.py::test_fib_1": latency(149.95610248628836, 120.60437053414898, 179.30783443842773),
      "bench.py::test_fib_10": latency(28857.54012484424, 23621.60264283576, 34093.47760685271),
      "bench.py::test_fib_20": latency(3611916.368852473, 3238118.0866346518, 3985714.6510702944),
      "bench.py::test_sleep_2": latency(2003843046.9999998, 2001965388.2748408, 2005720705.7251585)
    }
  },
  {
    file: "python/pytest/two.json",
    adapter: "python_pytest",
    expected: {
      "bench.py::test_fib_10": latency(24088.681333229408, 17913.59114336808, 30263.771523090738),
      "bench.py::test_fib_20": latency(2985030.672661863, 2810500.507247766, 3159560.8380759596)
    }
  },
  {
    file: "ruby/benchmark/five.txt",
    adapter: "ruby_benchmark",
    expected: {
      "for:": latency(952_039_000),
      "times:": latency(984_938_000),
      "upto:": latency(946_787_000),
      ">total:": latency(2_883_764_000),
      ">avg:": latency(961_255_000)
    }
  },
  {
    file: "ruby/benchmark/two.txt",
    adapter: "ruby_benchmark",
    expected: { "sort!": latency(1_460_465_000), sort: latency(1_448_327_000) }
  },
  {
    file: "rust/bench/many.txt",
    adapter: "rust_bench",
    expected: {
      "tests::benchmark": rust3161,
      "tests::other_benchmark": rust3161,
      "tests::last_benchmark": rust3161,
      "tests::one_digit": latency(1000, 0, 2000),
      "tests::two_digit": latency(22_000_000, 0, 44_000_000),
      "tests::three_digit": latency(333_000_000_000, 0, 666_000_000_000)
    }
  },
  { file: "rust/bench/one.txt", adapter: "rust_bench", expected: { "tests::benchmark": rust3161 } },
  { file: "rust/bench/ignore.txt", adapter: "rust_bench", expected: { "tests::benchmark": rust3161 } },
  {
    file: "rust/bench/multi_target.txt",
    adapter: "rust_bench",
    expected: { "tests::benchmark": rust3161, "tests::other_benchmark": rust3161 }
  },
  {
    file: "rust/bench/failed.txt",
    adapter: "rust_bench",
    expected: { "tests::benchmark_a": latency(3296, 2775, 3817), "tests::benchmark_c": latency(3215, 2859, 3571) }
  },
  {
    file: "rust/bench/issue_390.txt",
    adapter: "rust_bench",
    expected: {
      "bleu::benchmark::bench_batch_bleu": latency(13_967_756.3, 13_700_986.66, 14_234_525.940000001),
      "bleu::benchmark::bench_bleu": spread(298794.1, 2639.98),
      "ngram::benchmark::bench_ngram": latency(49_480.28, 48_978.95, 49_981.61),
      "tokenizer::benchmark::bench_tokenizer": spread(15690.73, 6749.97)
    }
  },
  { file: "rust/bench/zero.txt", adapter: "rust_bench", expected: "none" },
  {
    file: "rust/criterion/many.txt",
    adapter: "rust_criterion",
    expected: {
      file: latency(0.32389999999999997, 0.32062, 0.32755),
      rolling_file: latency(0.42966000000000004, 0.38179, 0.48328),
      tracing_file: latency(18019, 16652, 19562),
      tracing_rolling_file: latency(20930, 18195, 24240),
      "benchmark: name with spaces": latency(20.93, 18.195, 24.24)
    }
  },
  {
    file: "rust/criterion/failed.txt",
    adapter: "rust_criterion",
    expected: {
      file: latency(2.2311, 2.0246, 2.4461),
      rolling_file: latency(1.9488, 1.748, 2.1506),
      tracing_file: latency(60753, 52371, 71099),
      tracing_rolling_file: latency(27365, 25687, 29160)
    }
  },
  {
    file: "rust/criterion/dogfood.txt",
    adapter: "rust_criterion",
    approximate: true,
    expected: {
      "Adapter::Magic (JSON)": latency(3463.2, 3462.3, 3464.1),
      "Adapter::Json": latency(3479.6, 3479.3, 3480.0),
      "Adapter::Magic (Rust)": latency(14726, 14721, 14730),
      "Adapter::Rust": latency(14884, 14881, 14887)
    }
  },
  {
    file: "rust/iai/two.txt",
    adapter: "rust_iai",
    expected: {
      bench_fibonacci_short: iai(1735, 2364, 1, 1, 2404),
      bench_fibonacci_long: iai(26_214_735, 35_638_623, 2, 1, 35_638_668)
    }
  },
  {
    file: "rust/iai/change.txt",
    adapter: "rust_iai",
    expected: {
      iai_benchmark_short: iai(1243, 1580, 1, 2, 1655),
      iai_benchmark_long: iai(18_454_953, 23_447_195, 6, 2, 23_447_295)
    }
  },
  {
    file: "shell/hyperfine/two.json",
    adapter: "shell_hyperfine",
    expected: {
      "sleep 0.1": latency(107_534_464.42370372, 104_316_587.30865145, 110_752_341.53875598),
      "sleep 0.2": latency(208_513_999.10461542, 204_785_557.6561516, 212_242_440.55307925)
    }
  },
  {
    file: "shell/hyperfine/one.json",
    adapter: "shell_hyperfine",
    expected: { "sleep 0.01": latency(13_317_239.025420561, 12_317_546.734914128, 14_316_931.315926997) }
  }
]

const closeTo = (actual: Bmf, expected: Bmf): void => {
  expect(Object.keys(actual).sort()).toEqual(Object.keys(expected).sort())
  for (const [name, measures] of Object.entries(expected)) {
    const got = actual[name] ?? {}
    expect(Object.keys(got).sort()).toEqual(Object.keys(measures).sort())
    for (const [measure, metric] of Object.entries(measures)) {
      const g = got[measure]
      for (const key of ["value", "lower_value", "upper_value"] as const) {
        const want = metric[key]
        const have = g?.[key]
        if (want === undefined) expect(have).toBeUndefined()
        else expect(Math.abs((have ?? NaN) - want)).toBeLessThanOrEqual(Math.abs(want) * 1e-9 + 1e-9)
      }
    }
  }
}

export const checkGolden = (g: Golden, actual: Either.Either<Bmf, unknown>): void => {
  if (g.expected === "none") {
    expect(Either.isLeft(actual)).toBe(true)
    return
  }
  const bmf = Either.getOrThrow(actual)
  if (g.approximate === true) closeTo(bmf, g.expected)
  else expect(bmf).toStrictEqual(g.expected)
}

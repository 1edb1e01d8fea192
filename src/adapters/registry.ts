// Every adapter, written once: its Bencher name, the integer Bencher stores in `report.adapter`
// (docs/reference.md §2.1) and its parser. The table's order is magic's order (§2.2): Bencher's
// adapters first, then the ones Bencher lacks (integers from 200 up), so they never take input Bencher
// would give to another adapter. The names, the integers and the magic order are derived from it.
import type { Either } from "effect"
import type { Parse, Parsed, Settings } from "./adapter.js"
import * as CSharpDotNet from "./c_sharp_dot_net.js"
import * as CppCatch2 from "./cpp_catch2.js"
import * as CppGoogle from "./cpp_google.js"
import * as Custom from "./custom.js"
import * as DartBenchmarkHarness from "./dart_benchmark_harness.js"
import type { ParseError } from "./errors.js"
import * as GoBench from "./go_bench.js"
import * as JavaJmh from "./java_jmh.js"
import * as JsBenchmark from "./js_benchmark.js"
import * as JsTime from "./js_time.js"
import * as JsVitest from "./js_vitest.js"
import * as Json from "./json.js"
import * as JuliaBenchmarkTools from "./julia_benchmarktools.js"
import * as LuauBenchmark from "./luau_benchmark.js"
import * as PythonAsv from "./python_asv.js"
import * as PythonPytest from "./python_pytest.js"
import * as RubyBenchmark from "./ruby_benchmark.js"
import * as RustBench from "./rust_bench.js"
import * as RustCriterion from "./rust_criterion.js"
import * as RustDivan from "./rust_divan.js"
import * as RustGungraun from "./rust_gungraun.js"
import * as RustGungraunJson from "./rust_gungraun_json.js"
import * as RustGungraunStdout from "./rust_gungraun_stdout.js"
import * as RustIai from "./rust_iai.js"
import * as ShellHyperfine from "./shell_hyperfine.js"

export interface AdapterEntry {
  /** The integer Bencher stores in `report.adapter`. */
  readonly int: number
  readonly parse: Parse
  /** For JSON documents: the adapter applied to an already parsed value (magic parses once). */
  readonly fromJsonValue?: (value: unknown, settings: Settings) => Either.Either<Parsed, ParseError>
  /**
   * For text formats: a cheap necessary condition (a marker every matching input contains), so magic
   * runs the full parser only on plausible inputs. It must never be false for an input the adapter accepts.
   */
  readonly mayMatch?: (input: string) => boolean
  /** False for an adapter magic does not try itself (`rust_gungraun`: magic tries its two parts). */
  readonly magic?: false
}

const GO_NAME = /Benchmark(?![a-z])/

const has =
  (...markers: ReadonlyArray<string>) =>
  (input: string): boolean =>
    markers.every((m) => input.includes(m))

const table = {
  json: { int: 10, parse: Json.parse, fromJsonValue: Json.fromJsonValue },
  c_sharp_dot_net: { int: 61, parse: CSharpDotNet.parse, fromJsonValue: CSharpDotNet.fromJsonValue },
  cpp_catch2: { int: 32, parse: CppCatch2.parse, mayMatch: has("-".repeat(79)) },
  cpp_google: { int: 31, parse: CppGoogle.parse, fromJsonValue: CppGoogle.fromJsonValue },
  dart_benchmark_harness: { int: 111, parse: DartBenchmarkHarness.parse, mayMatch: has("(RunTime): ") },
  // a Go benchmark name is `Benchmark` and no lowercase letter (not criterion's `Benchmarking`)
  go_bench: { int: 41, parse: GoBench.parse, mayMatch: (s) => GO_NAME.test(s) },
  java_jmh: { int: 51, parse: JavaJmh.parse, fromJsonValue: JavaJmh.fromJsonValue },
  js_benchmark: { int: 71, parse: JsBenchmark.parse, mayMatch: has(" ops/sec ±") },
  js_time: { int: 72, parse: JsTime.parse, mayMatch: has(" - timer ended") },
  js_vitest: { int: 73, parse: JsVitest.parse, fromJsonValue: JsVitest.fromJsonValue },
  python_asv: { int: 81, parse: PythonAsv.parse, mayMatch: has("±", "[") },
  python_pytest: { int: 82, parse: PythonPytest.parse, fromJsonValue: PythonPytest.fromJsonValue },
  ruby_benchmark: { int: 91, parse: RubyBenchmark.parse, mayMatch: has("real", ")") },
  rust_bench: { int: 21, parse: RustBench.parse, mayMatch: has("... bench:") },
  rust_criterion: { int: 22, parse: RustCriterion.parse, mayMatch: has("time:") },
  rust_iai: { int: 23, parse: RustIai.parse, mayMatch: has("Estimated Cycles:", "L1 Accesses:") },
  rust_gungraun: { int: 24, parse: RustGungraun.parse, magic: false },
  rust_gungraun_json: { int: 26, parse: RustGungraunJson.parse, mayMatch: has('"profiles"') },
  rust_gungraun_stdout: { int: 25, parse: RustGungraunStdout.parse, mayMatch: has("::", "|") },
  shell_hyperfine: { int: 101, parse: ShellHyperfine.parse, fromJsonValue: ShellHyperfine.fromJsonValue },
  julia_benchmarktools: {
    int: 200,
    parse: JuliaBenchmarkTools.parse,
    fromJsonValue: JuliaBenchmarkTools.fromJsonValue
  },
  custom: { int: 203, parse: Custom.parse, fromJsonValue: Custom.fromJsonValue },
  luau_benchmark: {
    int: 201,
    parse: LuauBenchmark.parse,
    mayMatch: (s) => (s.includes("SUCCESS") && s.includes("+/-")) || s.includes("StdDev%")
  },
  rust_divan: { int: 202, parse: RustDivan.parse, mayMatch: has("fastest", "│") }
} satisfies Record<string, AdapterEntry>

/** Adapters that parse one concrete format. */
export type SpecificAdapter = keyof typeof table
export const adapters: Readonly<Record<SpecificAdapter, AdapterEntry>> = table
export const specificAdapters = Object.keys(table) as ReadonlyArray<SpecificAdapter>

/** The order magic tries adapters in: the table's, without the ones it does not try itself. */
export const magicOrder: ReadonlyArray<SpecificAdapter> = specificAdapters.filter(
  (name) => adapters[name].magic !== false
)

/** Language-level names Bencher accepts and normalizes to `magic`, with their integers. */
const languages = {
  rust: 20,
  cpp: 30,
  go: 40,
  java: 50,
  c_sharp: 60,
  js: 70,
  python: 80,
  ruby: 90,
  shell: 100,
  dart: 110
} as const
export type LanguageAdapter = keyof typeof languages
export const languageAdapters = Object.keys(languages) as ReadonlyArray<LanguageAdapter>

export type AdapterName = "magic" | SpecificAdapter | "rust_iai_callgrind" | LanguageAdapter
export const adapterNames: ReadonlyArray<AdapterName> = [
  "magic",
  ...specificAdapters,
  "rust_iai_callgrind",
  ...languageAdapters
]

export const adapterInts: Readonly<Record<Exclude<AdapterName, "rust_iai_callgrind">, number>> = {
  magic: 0,
  ...languages,
  ...(Object.fromEntries(specificAdapters.map((name) => [name, adapters[name].int])) as Record<SpecificAdapter, number>)
}

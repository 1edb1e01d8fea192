// Every adapter by its Bencher name, with the integer Bencher stores in `report.adapter`
// (docs/reference.md §2.1). Adapters Bencher lacks use integers from 200 up:
//   julia_benchmarktools 200, luau_benchmark 201, rust_divan 202, custom 203.
import type { Either } from "effect"
import type { Bmf } from "../domain/bmf.js"
import type { Parse, Settings } from "./adapter.js"
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

/** Adapters that parse one concrete format. */
export const specificAdapters = [
  "json",
  "c_sharp_dot_net",
  "cpp_catch2",
  "cpp_google",
  "dart_benchmark_harness",
  "go_bench",
  "java_jmh",
  "js_benchmark",
  "js_time",
  "js_vitest",
  "python_asv",
  "python_pytest",
  "ruby_benchmark",
  "rust_bench",
  "rust_criterion",
  "rust_iai",
  "rust_gungraun",
  "rust_gungraun_stdout",
  "rust_gungraun_json",
  "shell_hyperfine",
  "julia_benchmarktools",
  "luau_benchmark",
  "rust_divan",
  "custom"
] as const
export type SpecificAdapter = (typeof specificAdapters)[number]

/** Language-level names Bencher accepts and normalizes to `magic`. */
export const languageAdapters = ["rust", "cpp", "go", "java", "c_sharp", "js", "python", "ruby", "shell", "dart"] as const
export type LanguageAdapter = (typeof languageAdapters)[number]

export const adapterNames = ["magic", ...specificAdapters, "rust_iai_callgrind", ...languageAdapters] as const
export type AdapterName = (typeof adapterNames)[number]

export const adapterInts: Readonly<Record<Exclude<AdapterName, "rust_iai_callgrind">, number>> = {
  magic: 0,
  json: 10,
  rust: 20,
  rust_bench: 21,
  rust_criterion: 22,
  rust_iai: 23,
  rust_gungraun: 24,
  rust_gungraun_stdout: 25,
  rust_gungraun_json: 26,
  cpp: 30,
  cpp_google: 31,
  cpp_catch2: 32,
  go: 40,
  go_bench: 41,
  java: 50,
  java_jmh: 51,
  c_sharp: 60,
  c_sharp_dot_net: 61,
  js: 70,
  js_benchmark: 71,
  js_time: 72,
  js_vitest: 73,
  python: 80,
  python_asv: 81,
  python_pytest: 82,
  ruby: 90,
  ruby_benchmark: 91,
  shell: 100,
  shell_hyperfine: 101,
  dart: 110,
  dart_benchmark_harness: 111,
  julia_benchmarktools: 200,
  luau_benchmark: 201,
  rust_divan: 202,
  custom: 203
}

export interface AdapterEntry {
  readonly name: SpecificAdapter
  readonly parse: Parse
  /** For JSON documents: the adapter applied to an already parsed value (magic parses once). */
  readonly fromJsonValue?: (value: unknown, settings: Settings) => Either.Either<Bmf, ParseError>
  /**
   * For text formats: a cheap necessary condition (a marker every matching input contains), so magic
   * runs the full parser only on plausible inputs. It must never be false for an input the adapter accepts.
   */
  readonly mayMatch?: (input: string) => boolean
}

const has = (...markers: ReadonlyArray<string>) => (input: string): boolean => markers.every((m) => input.includes(m))

export const adapters: Readonly<Record<SpecificAdapter, AdapterEntry>> = {
  json: { name: "json", parse: Json.parse, fromJsonValue: Json.fromJsonValue },
  c_sharp_dot_net: { name: "c_sharp_dot_net", parse: CSharpDotNet.parse, fromJsonValue: CSharpDotNet.fromJsonValue },
  cpp_catch2: { name: "cpp_catch2", parse: CppCatch2.parse, mayMatch: has("-".repeat(79)) },
  cpp_google: { name: "cpp_google", parse: CppGoogle.parse, fromJsonValue: CppGoogle.fromJsonValue },
  dart_benchmark_harness: { name: "dart_benchmark_harness", parse: DartBenchmarkHarness.parse, mayMatch: has("(RunTime): ") },
  go_bench: { name: "go_bench", parse: GoBench.parse, mayMatch: has("Benchmark", "/op") },
  java_jmh: { name: "java_jmh", parse: JavaJmh.parse, fromJsonValue: JavaJmh.fromJsonValue },
  js_benchmark: { name: "js_benchmark", parse: JsBenchmark.parse, mayMatch: has(" ops/sec ±") },
  js_time: { name: "js_time", parse: JsTime.parse, mayMatch: has(" - timer ended") },
  js_vitest: { name: "js_vitest", parse: JsVitest.parse, fromJsonValue: JsVitest.fromJsonValue },
  python_asv: { name: "python_asv", parse: PythonAsv.parse, mayMatch: has("±", "[") },
  python_pytest: { name: "python_pytest", parse: PythonPytest.parse, fromJsonValue: PythonPytest.fromJsonValue },
  ruby_benchmark: { name: "ruby_benchmark", parse: RubyBenchmark.parse, mayMatch: has("real", ")") },
  rust_bench: { name: "rust_bench", parse: RustBench.parse, mayMatch: has("/iter") },
  rust_criterion: { name: "rust_criterion", parse: RustCriterion.parse, mayMatch: has("time:") },
  rust_iai: { name: "rust_iai", parse: RustIai.parse, mayMatch: has("Estimated Cycles:", "L1 Accesses:") },
  rust_gungraun: { name: "rust_gungraun", parse: RustGungraun.parse, mayMatch: (s) => s.includes("{") || (s.includes("::") && s.includes("|")) },
  rust_gungraun_json: { name: "rust_gungraun_json", parse: RustGungraunJson.parse, mayMatch: has("\"profiles\"") },
  rust_gungraun_stdout: { name: "rust_gungraun_stdout", parse: RustGungraunStdout.parse, mayMatch: has("::", "|") },
  shell_hyperfine: { name: "shell_hyperfine", parse: ShellHyperfine.parse, fromJsonValue: ShellHyperfine.fromJsonValue },
  julia_benchmarktools: { name: "julia_benchmarktools", parse: JuliaBenchmarkTools.parse, fromJsonValue: JuliaBenchmarkTools.fromJsonValue },
  luau_benchmark: { name: "luau_benchmark", parse: LuauBenchmark.parse, mayMatch: has("SUCCESS: ", " +/- ") },
  rust_divan: { name: "rust_divan", parse: RustDivan.parse, mayMatch: has("fastest", "│") },
  custom: { name: "custom", parse: Custom.parse, fromJsonValue: Custom.fromJsonValue }
}

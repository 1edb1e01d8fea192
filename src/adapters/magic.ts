// `magic`: Bencher's auto-detection (reference/bencher.md §2.2): the first adapter, in Bencher's order,
// that returns results wins. The order is kept, so the result is exactly the specific adapter's; what
// changes is the cost: a JSON document is parsed once and handed to the JSON adapters, and a text
// adapter runs only if the input holds its marker, instead of twenty failed passes.
// Adapters Bencher lacks come last, so they never take input Bencher would give to another adapter.
import { Either } from "effect"
import type { Bmf } from "../domain/bmf.js"
import { firstSignificantChar, parseJson, type Parse } from "./adapter.js"
import { AdapterMismatch, NoBenchmarksFound, type ParseError, UnsupportedAverage } from "./errors.js"
import { adapters, type SpecificAdapter } from "./registry.js"

const ADAPTER = "magic"

export const magicOrder: ReadonlyArray<SpecificAdapter> = [
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
  "rust_gungraun_json",
  "rust_gungraun_stdout",
  "shell_hyperfine",
  "julia_benchmarktools",
  "custom",
  "luau_benchmark",
  "rust_divan"
]

/** Which adapter magic picks, with its result. */
export const detect = (
  input: string,
  settings: Parameters<Parse>[1]
): Either.Either<{ readonly adapter: SpecificAdapter; readonly bmf: Bmf }, ParseError> => {
  const first = firstSignificantChar(input)
  if (first === undefined) return Either.left(new NoBenchmarksFound({ adapter: ADAPTER }))
  // parse a JSON document once, only when it can be one
  let json: unknown
  let jsonParsed = false
  let unsupported: UnsupportedAverage | undefined
  for (const name of magicOrder) {
    const entry = adapters[name]
    let result: Either.Either<Bmf, ParseError> | undefined
    if (entry.fromJsonValue !== undefined) {
      if (first !== "{" && first !== "[") continue
      if (!jsonParsed) {
        json = parseJson(input)
        jsonParsed = true
      }
      if (json === undefined) continue
      result = entry.fromJsonValue(json, settings)
    } else if (entry.mayMatch === undefined || entry.mayMatch(input)) {
      result = entry.parse(input, settings)
    }
    if (result === undefined) continue
    if (Either.isRight(result)) return Either.right({ adapter: name, bmf: result.right })
    if (result.left._tag === "UnsupportedAverage") unsupported ??= result.left
  }
  return Either.left(unsupported ?? new AdapterMismatch({ adapter: ADAPTER, reason: "no adapter recognised the input" }))
}

export const parse: Parse = (input, settings) => Either.map(detect(input, settings), (d) => d.bmf)

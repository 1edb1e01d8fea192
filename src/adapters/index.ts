// The public API of the adapters: tool output (one string per iteration) -> BMF. Pure, no IO.
import { Either } from "effect"
import type { Bmf } from "../domain/bmf.js"
import type { Average, Fold, Parsed, Settings, SkippedLine } from "./adapter.js"
import { type AdapterError, IterationFailed, NoBenchmarksFound, UnknownAdapter } from "./errors.js"
import { foldIterations } from "./fold.js"
import * as Magic from "./magic.js"
import {
  adapterInts,
  adapterNames as names,
  type AdapterName,
  adapters,
  languageAdapters,
  type SpecificAdapter
} from "./registry.js"

export type { Average, Fold, Parsed, Settings, SkippedLine } from "./adapter.js"
export { Measure } from "./adapter.js"
export type { AdapterName, LanguageAdapter, SpecificAdapter } from "./registry.js"
export { languageAdapters, magicOrder, specificAdapters } from "./registry.js"
export { detect } from "./magic.js"
export { foldIterations } from "./fold.js"
export * from "./errors.js"

/** Every name `--adapter` accepts: magic, each format, the `rust_iai_callgrind` alias, language names. */
export const adapterNames: ReadonlyArray<AdapterName> = names
export const averages: ReadonlyArray<Average> = ["mean", "median"]
export const folds: ReadonlyArray<Fold> = ["min", "max", "mean", "median"]

export const isAdapterName = (name: string): name is AdapterName => (names as ReadonlyArray<string>).includes(name)

export const decodeAdapterName = (name: string): Either.Either<AdapterName, UnknownAdapter> =>
  isAdapterName(name) ? Either.right(name) : Either.left(new UnknownAdapter({ name }))

/** Language-level names become `magic`; `rust_iai_callgrind` is `rust_gungraun` (what the server stores). */
export const normalizeAdapter = (name: AdapterName): AdapterName =>
  name === "rust_iai_callgrind"
    ? "rust_gungraun"
    : (languageAdapters as ReadonlyArray<string>).includes(name)
      ? "magic"
      : name

export const adapterToInt = (name: AdapterName): number =>
  adapterInts[name === "rust_iai_callgrind" ? "rust_gungraun" : name]

export const adapterFromInt = (n: number): Either.Either<AdapterName, UnknownAdapter> => {
  for (const [name, int] of Object.entries(adapterInts)) {
    if (int === n && isAdapterName(name)) return Either.right(name)
  }
  return Either.left(new UnknownAdapter({ name: String(n) }))
}

/** Parses one iteration of tool output with the given adapter (`magic` detects it), with the lines it skipped. */
export const parseOneDetailed = (
  adapter: AdapterName,
  input: string,
  settings: Settings
): Either.Either<Parsed & { readonly adapter: SpecificAdapter }, AdapterError> => {
  const normalized = normalizeAdapter(adapter)
  if (normalized === "magic") return Magic.detect(input, settings)
  const name = normalized as SpecificAdapter
  return Either.map(adapters[name].parse(input, settings), (p) => ({ adapter: name, ...p }))
}

/** Parses one iteration of tool output with the given adapter (`magic` detects it). */
export const parseOne = (adapter: AdapterName, input: string, settings: Settings): Either.Either<Bmf, AdapterError> =>
  Either.map(parseOneDetailed(adapter, input, settings), (p) => p.bmf)

/**
 * Lines of one iteration that looked like results of the adapter but did not parse: the benchmarks they
 * held are missing from the report, the rest is kept. `lines` holds the first few, `count` all of them.
 */
export interface AdapterWarning {
  readonly iteration: number
  /** The adapter that parsed the iteration (the one magic picked). */
  readonly adapter: SpecificAdapter
  readonly lines: ReadonlyArray<SkippedLine>
  readonly count: number
}

/** One warning as text: a summary line, then one indented line per skipped line. */
export const warningMessage = (w: AdapterWarning): string => {
  const what =
    w.count === 1
      ? "1 line that looks like a result but does not parse"
      : `${w.count} lines that look like results but do not parse`
  const more = w.count > w.lines.length ? [`  ... and ${w.count - w.lines.length} more`] : []
  return [
    `iteration ${w.iteration}: ${w.adapter} skipped ${what}:`,
    ...w.lines.map((l) => `  line ${l.line}: ${l.text}`),
    ...more
  ].join("\n")
}

export interface ParsedResults {
  /** One Bmf per iteration, or a single folded Bmf when `fold` is set. */
  readonly iterations: ReadonlyArray<Bmf>
  readonly warnings: ReadonlyArray<AdapterWarning>
}

/**
 * Parses every iteration; one Bmf per iteration, or a single folded Bmf when `fold` is set, with a warning
 * per iteration that skipped lines. Any iteration where nothing parses fails the whole set, naming the
 * adapter and the iteration.
 */
export const parseResultsWithWarnings = (
  settings: {
    readonly adapter?: AdapterName | undefined
    readonly average?: Average | undefined
    readonly fold?: Fold | undefined
  },
  results: ReadonlyArray<string>
): Either.Either<ParsedResults, AdapterError> => {
  const adapter = settings.adapter ?? "magic"
  const parsed: Array<Bmf> = []
  const warnings: Array<AdapterWarning> = []
  for (let i = 0; i < results.length; i++) {
    const one = parseOneDetailed(adapter, results[i] ?? "", { average: settings.average })
    if (Either.isLeft(one)) {
      return Either.left(new IterationFailed({ adapter, iteration: i, reason: one.left.message }))
    }
    parsed.push(one.right.bmf)
    if (one.right.skippedCount > 0) {
      warnings.push({
        iteration: i,
        adapter: one.right.adapter,
        lines: one.right.skipped,
        count: one.right.skippedCount
      })
    }
  }
  if (settings.fold === undefined) return Either.right({ iterations: parsed, warnings })
  if (parsed.length === 0) return Either.left(new NoBenchmarksFound({ adapter }))
  return Either.right({ iterations: [foldIterations(settings.fold, parsed)], warnings })
}

/** `parseResultsWithWarnings` without the warnings. */
export const parseResults = (
  settings: {
    readonly adapter?: AdapterName | undefined
    readonly average?: Average | undefined
    readonly fold?: Fold | undefined
  },
  results: ReadonlyArray<string>
): Either.Either<ReadonlyArray<Bmf>, AdapterError> =>
  Either.map(parseResultsWithWarnings(settings, results), (r) => r.iterations)

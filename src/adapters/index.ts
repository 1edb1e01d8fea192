// The public API of the adapters: tool output (one string per iteration) -> BMF. Pure, no IO.
import { Either } from "effect"
import type { Bmf } from "../domain/bmf.js"
import type { Average, Fold, Settings } from "./adapter.js"
import { type AdapterError, IterationFailed, NoBenchmarksFound, UnknownAdapter } from "./errors.js"
import { foldIterations } from "./fold.js"
import * as Magic from "./magic.js"
import { adapterInts, adapterNames as names, type AdapterName, adapters, languageAdapters, type SpecificAdapter } from "./registry.js"

export type { Average, Fold, Settings } from "./adapter.js"
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
    : (languageAdapters as ReadonlyArray<string>).includes(name) ? "magic" : name

export const adapterToInt = (name: AdapterName): number =>
  adapterInts[name === "rust_iai_callgrind" ? "rust_gungraun" : name]

export const adapterFromInt = (n: number): Either.Either<AdapterName, UnknownAdapter> => {
  for (const [name, int] of Object.entries(adapterInts)) {
    if (int === n && isAdapterName(name)) return Either.right(name)
  }
  return Either.left(new UnknownAdapter({ name: String(n) }))
}

/** Parses one iteration of tool output with the given adapter (`magic` detects it). */
export const parseOne = (
  adapter: AdapterName,
  input: string,
  settings: Settings
): Either.Either<Bmf, AdapterError> => {
  const normalized = normalizeAdapter(adapter)
  if (normalized === "magic") return Magic.parse(input, settings)
  const entry = adapters[normalized as SpecificAdapter]
  return entry.parse(input, settings)
}

/**
 * Parses every iteration; one Bmf per iteration, or a single folded Bmf when `fold` is set. Any
 * iteration that fails fails the whole set, naming the adapter and the iteration.
 */
export const parseResults = (
  settings: { readonly adapter?: AdapterName | undefined; readonly average?: Average | undefined; readonly fold?: Fold | undefined },
  results: ReadonlyArray<string>
): Either.Either<ReadonlyArray<Bmf>, AdapterError> => {
  const adapter = settings.adapter ?? "magic"
  const parsed: Array<Bmf> = []
  for (let i = 0; i < results.length; i++) {
    const one = parseOne(adapter, results[i] ?? "", { average: settings.average })
    if (Either.isLeft(one)) {
      return Either.left(new IterationFailed({ adapter, iteration: i, reason: one.left.message }))
    }
    parsed.push(one.right)
  }
  if (settings.fold === undefined) return Either.right(parsed)
  if (parsed.length === 0) return Either.left(new NoBenchmarksFound({ adapter }))
  return Either.right([foldIterations(settings.fold, parsed)])
}


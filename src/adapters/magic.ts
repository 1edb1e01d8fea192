// `magic`: Bencher's auto-detection (docs/reference.md §2.2): the first adapter, in Bencher's order,
// that returns results wins, and its result is exactly the specific adapter's. What changes is the
// cost: a JSON document is parsed once and handed to the JSON adapters, and a text adapter runs only
// if its marker shows up (in the first 64 KiB, else anywhere), instead of twenty failed passes.
// The order is the adapter table's (registry.ts).
import { Either } from "effect"
import { firstSignificantChar, parseJson, type Parse, type Parsed } from "./adapter.js"
import { AdapterMismatch, NoBenchmarksFound, type ParseError, UnsupportedAverage } from "./errors.js"
import { adapters, magicOrder, type SpecificAdapter } from "./registry.js"

const ADAPTER = "magic"

/** How much of the input the first, cheap detection looks at. */
const HEAD_BYTES = 64 * 1024

type Attempt = Either.Either<Parsed, ParseError> | undefined

/**
 * Which adapter magic picks, with its result. First pass: only adapters whose marker shows up in
 * the first 64 KiB are tried, in Bencher's order, so the usual input is parsed by one adapter in one
 * pass. If none of them returns results (markers only further down, e.g. a long build log first),
 * every adapter whose marker is anywhere in the input is tried, again in Bencher's order.
 */
export const detect = (
  input: string,
  settings: Parameters<Parse>[1]
): Either.Either<Parsed & { readonly adapter: SpecificAdapter }, ParseError> => {
  const first = firstSignificantChar(input)
  if (first === undefined) return Either.left(new NoBenchmarksFound({ adapter: ADAPTER }))
  const head = input.length > HEAD_BYTES ? input.slice(0, HEAD_BYTES) : input
  // parse a JSON document once, only when it can be one
  let json: unknown
  let jsonParsed = false
  let unsupported: UnsupportedAverage | undefined
  const tried = new Set<SpecificAdapter>()
  const attempt = (name: SpecificAdapter, scope: string): Attempt => {
    const entry = adapters[name]
    if (entry.fromJsonValue !== undefined) {
      if (first !== "{" && first !== "[") return undefined
      if (!jsonParsed) {
        json = parseJson(input)
        jsonParsed = true
      }
      return json === undefined ? undefined : entry.fromJsonValue(json, settings)
    }
    if (entry.mayMatch !== undefined && !entry.mayMatch(scope)) return undefined
    tried.add(name)
    return entry.parse(input, settings)
  }
  for (const [pass, scope] of [head, input].entries()) {
    for (const name of magicOrder) {
      if (pass === 1 && (tried.has(name) || adapters[name].fromJsonValue !== undefined)) continue
      const result = attempt(name, scope)
      if (result === undefined) continue
      if (Either.isRight(result)) return Either.right({ adapter: name, ...result.right })
      if (result.left._tag === "UnsupportedAverage") unsupported ??= result.left
    }
    if (head === input) break
  }
  return Either.left(
    unsupported ?? new AdapterMismatch({ adapter: ADAPTER, reason: "no adapter recognised the input" })
  )
}

export const parse: Parse = detect

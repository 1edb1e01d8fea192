// `json`: the Bencher Metric Format itself. Extra keys are ignored, as serde does.
import { Either } from "effect"
import { bmfFromUnknown } from "../domain/bmf.js"
import { mismatch, type Parse, type Parsed, parsed, parseJson, type Settings } from "./adapter.js"
import { NoBenchmarksFound, type ParseError } from "./errors.js"

const ADAPTER = "json"

export const fromJsonValue = (value: unknown, _settings: Settings): Either.Either<Parsed, ParseError> =>
  Either.match(bmfFromUnknown(value), {
    onLeft: (reason) => mismatch(ADAPTER, `not BMF (${reason})`),
    onRight: (bmf) => {
      for (const _ in bmf) return Either.right(parsed(bmf))
      return Either.left(new NoBenchmarksFound({ adapter: ADAPTER }))
    }
  })

export const parse: Parse = (input, settings) => {
  const value = parseJson(input)
  return value === undefined ? mismatch(ADAPTER, "not valid JSON") : fromJsonValue(value, settings)
}

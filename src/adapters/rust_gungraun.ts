// `rust_gungraun` (alias `rust_iai_callgrind`): the summary JSON if there is one, else the stdout summary.
import { Either } from "effect"
import type { Parse } from "./adapter.js"
import * as Json from "./rust_gungraun_json.js"
import * as Stdout from "./rust_gungraun_stdout.js"

export const parse: Parse = (input, settings) => {
  const json = Json.parse(input, settings)
  return Either.isRight(json) || json.left._tag === "UnsupportedAverage" ? json : Stdout.parse(input, settings)
}

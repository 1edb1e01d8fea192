// `bencher adapter parse|list`: run an adapter locally, no server needed. Reading files and stdin
// happens here; src/adapters stays pure.
import { Args, Command, Options } from "@effect/cli"
import { FileSystem } from "@effect/platform"
import { Console, Effect, Either, Option } from "effect"
import {
  type AdapterError,
  type AdapterName,
  adapterNames,
  type Average,
  averages,
  type Fold,
  folds,
  parseResultsWithWarnings,
  warningMessage
} from "../adapters/index.js"
import { encodeBmfJson } from "../domain/bmf.js"

const adapter = Options.choice("adapter", adapterNames).pipe(
  Options.withDefault<AdapterName>("magic"),
  Options.withDescription("the adapter that reads the tool output (magic detects it)")
)
const average = Options.choice("average", averages).pipe(
  Options.optional,
  Options.withDescription("the statistic to take when the tool prints several")
)
const fold = Options.choice("fold", folds).pipe(
  Options.optional,
  Options.withDescription("fold all iterations into one: min, max, mean or median")
)
const files = Args.text({ name: "FILE" }).pipe(
  Args.repeated,
  Args.withDescription("tool output files, one iteration each; stdin when none or -")
)

const readStdin: Effect.Effect<string> = Effect.async<string>((resume) => {
  const chunks: Array<Buffer> = []
  process.stdin.on("data", (chunk: Buffer) => chunks.push(chunk))
  process.stdin.on("end", () => resume(Effect.succeed(Buffer.concat(chunks).toString("utf8"))))
  process.stdin.on("error", () => resume(Effect.succeed(Buffer.concat(chunks).toString("utf8"))))
  process.stdin.resume()
})

/** Fails with the typed error; the entry point prints it and exits 1. */
const failWith = (error: AdapterError) => Effect.fail(error)

export interface ParseRequest {
  readonly adapter: AdapterName
  readonly average: Option.Option<Average>
  readonly fold: Option.Option<Fold>
  readonly files: ReadonlyArray<string>
}

export const runParse = (request: ParseRequest) =>
  Effect.gen(function* () {
    const fs = yield* FileSystem.FileSystem
    const sources = request.files.length === 0 ? ["-"] : request.files
    const results = yield* Effect.forEach(sources, (file) => (file === "-" ? readStdin : fs.readFileString(file)))
    const parsed = parseResultsWithWarnings(
      {
        adapter: request.adapter,
        average: Option.getOrUndefined(request.average),
        fold: Option.getOrUndefined(request.fold)
      },
      results
    )
    if (Either.isLeft(parsed)) return yield* failWith(parsed.left)
    // lines that looked like results but did not parse: the rest is printed, the skipped ones named on stderr
    for (const warning of parsed.right.warnings) yield* Console.error(`warning: ${warningMessage(warning)}`)
    const bmfs = parsed.right.iterations
    // one iteration prints its BMF object, several print an array of them
    yield* Console.log(
      bmfs.length === 1 && bmfs[0] !== undefined ? encodeBmfJson(bmfs[0], 2) : JSON.stringify(bmfs, null, 2)
    )
  })

const parse = Command.make("parse", { adapter, average, fold, files }, runParse).pipe(
  Command.withDescription("parse benchmark tool output into Bencher Metric Format (BMF) JSON")
)

const list = Command.make("list", {}, () => Console.log(adapterNames.join("\n"))).pipe(
  Command.withDescription("list the adapter names --adapter accepts")
)

export const adapterCommand = Command.make("adapter").pipe(
  Command.withDescription("run Bencher adapters locally"),
  Command.withSubcommands([parse, list])
)

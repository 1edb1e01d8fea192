import { readFile, stat } from "node:fs/promises"
import { Console, Effect, Either } from "effect"
import { type Average, isAdapterName, parseResultsWithWarnings, warningMessage } from "../../adapters/index.js"
import { MAX_ITERATIONS } from "../../domain/limits.js"
import { buildTimeAndFileSizeBmf } from "./bmf.js"
import { type BenchCommand, displayCommand, type Echo, executeCommand } from "./command.js"
import { CommandFailed, ResultsUnreadable } from "./errors.js"

// Where a local run's results come from (Bencher's Runner: Pipe, Command, CommandToFile, CommandToFileSize, File,
// FileSize) and the loop over iterations. Each produced string is one iteration of the report.

export interface ResultsPlan {
  readonly command: BenchCommand | undefined
  readonly iter: number
  readonly files: ReadonlyArray<string>
  readonly fileSizes: ReadonlyArray<string>
  readonly buildTime: boolean
  readonly allowFailure: boolean
  /** Line echo for the command's output; undefined with `--quiet`. */
  readonly echo: Echo | undefined
  /** Notes for the user (e.g. a skipped failure); undefined with `--quiet`. */
  readonly log: ((line: string) => void) | undefined
  /** Reads piped stdin, used only when there is no command and no file. */
  readonly readStdin: () => Promise<string | undefined>
}

const readText = (path: string) =>
  Effect.tryPromise({
    try: () => readFile(path, "utf8"),
    catch: (e) =>
      new ResultsUnreadable({ message: `Failed to read results file ${JSON.stringify(path)}: ${(e as Error).message}` })
  })

const sizeOf = (path: string) =>
  Effect.tryPromise({
    try: () => stat(path).then((s) => ({ path, bytes: s.size })),
    catch: (e) =>
      new ResultsUnreadable({ message: `Failed to read file size of ${JSON.stringify(path)}: ${(e as Error).message}` })
  })

/** Results of one iteration that ran (or did not need) the command successfully. */
const collect = (plan: ResultsPlan, elapsedMs: number | undefined, stdout: string | undefined) =>
  Effect.gen(function* () {
    if (plan.files.length > 0) return yield* Effect.forEach(plan.files, readText)
    if (plan.buildTime || plan.fileSizes.length > 0) {
      const fileSizes = yield* Effect.forEach(plan.fileSizes, sizeOf)
      const buildTime =
        plan.buildTime && plan.command !== undefined && elapsedMs !== undefined
          ? { command: displayCommand(plan.command), elapsedMs }
          : undefined
      return [JSON.stringify(buildTimeAndFileSizeBmf({ buildTime, fileSizes }))]
    }
    return stdout === undefined ? [] : [stdout]
  })

/** Runs the plan: `iter` times the command (or the files), or stdin once. */
export const collectResults = (plan: ResultsPlan) =>
  Effect.gen(function* () {
    if (plan.iter < 1 || plan.iter > MAX_ITERATIONS) {
      return yield* new ResultsUnreadable({ message: `--iter must be between 1 and ${MAX_ITERATIONS}` })
    }
    const command = plan.command
    if (command === undefined) {
      if (plan.files.length === 0 && plan.fileSizes.length === 0) {
        const piped = yield* Effect.promise(plan.readStdin)
        if (piped === undefined || piped.trim() === "") {
          return yield* new ResultsUnreadable({
            message: "No results: give a benchmark command, --file, --file-size, or pipe results into stdin"
          })
        }
        return [piped]
      }
      const results: Array<string> = []
      for (let i = 0; i < plan.iter; i++) results.push(...(yield* collect(plan, undefined, undefined)))
      return results
    }
    const results: Array<string> = []
    for (let i = 0; i < plan.iter; i++) {
      const output = yield* executeCommand(command, plan.echo)
      if (output.exitCode !== 0) {
        const what = `Failed to run command due to a non-zero exit code (${output.exitCode ?? "killed by a signal"}): ${displayCommand(command)}`
        if (plan.allowFailure) {
          plan.log?.(`${what}\nSkipping failure (--allow-failure)`)
          continue
        }
        return yield* new CommandFailed({ message: what, commandExitCode: output.exitCode })
      }
      results.push(...(yield* collect(plan, output.elapsedMs, output.stdout)))
    }
    return results
  })

/** All of piped stdin, or undefined when stdin is a terminal. */
export const readPipedStdin = (): Promise<string | undefined> => {
  if (process.stdin.isTTY === true) return Promise.resolve(undefined)
  return new Promise((resolve, reject) => {
    const chunks: Array<Buffer> = []
    process.stdin.on("data", (d: Buffer) => chunks.push(d))
    process.stdin.once("end", () => resolve(Buffer.concat(chunks).toString("utf8")))
    process.stdin.once("error", reject)
  })
}

/**
 * Names on stderr the lines of the results that look like benchmark results but do not parse (the server keeps
 * the rest of the report and drops them). Parsed here only for the warning: what fails to parse is the
 * server's answer to give, so an unknown adapter or an input with no results says nothing here.
 */
export const warnSkippedLines = (results: ReadonlyArray<string>, adapter: string, average: Average | undefined) => {
  if (!isAdapterName(adapter)) return Effect.void
  const parsed = parseResultsWithWarnings({ adapter, average }, results)
  if (Either.isLeft(parsed)) return Effect.void
  return Effect.forEach(parsed.right.warnings, (w) => Console.error(`warning: ${warningMessage(w)}`), { discard: true })
}

import { Effect, ParseResult, Schema } from "effect"
import { JsonNewRun } from "../../domain/run.js"
import { RunFlagError } from "./errors.js"

/**
 * The body is checked against the contract before anything is printed or sent, so a bad `--branch` or `--hash`
 * reads `--branch: must be ...` rather than a schema dump from the client's encoder.
 */
export const validateNewRun = (run: JsonNewRun) =>
  Schema.validate(JsonNewRun)(run, { errors: "all" }).pipe(
    Effect.mapError((error) => {
      const issues = ParseResult.ArrayFormatter.formatErrorSync(error)
      // Optional fields are unions with null and undefined; their "Expected null" members only repeat the issue.
      const meaningful = issues.filter((issue) => !/^Expected (null|undefined), actual/.test(issue.message))
      return new RunFlagError({
        message: (meaningful.length > 0 ? meaningful : issues)
          .map((issue) => `${issue.path.length > 0 ? issue.path.join(".") + ": " : ""}${issue.message}`)
          .join("; ")
      })
    })
  )

import { ValidationError } from "@effect/cli"
import { Cause, Console, Effect, Option } from "effect"

/** A typed failure may carry its own process exit code (e.g. `bencher run`'s 2 = job failed). */
export const exitCodeOf = (error: unknown): number =>
  typeof error === "object" && error !== null && "exitCode" in error && typeof error.exitCode === "number"
    ? error.exitCode
    : 1

const describeError = (error: unknown): string =>
  typeof error === "object" && error !== null && "message" in error ? String(error.message) : String(error)

/**
 * Prints a command's failure once, as `error: <message>` on stderr. @effect/cli has already printed its own
 * message for invalid flags; defects are printed with their cause.
 */
export const reportFailure = <A, E, R>(program: Effect.Effect<A, E, R>) =>
  program.pipe(
    Effect.tapError((error) =>
      ValidationError.isValidationError(error) ? Effect.void : Console.error(`error: ${describeError(error)}`)
    ),
    Effect.tapDefect((defect) => Console.error(Cause.pretty(Cause.die(defect))))
  )

/** The process exit code for a command's outcome: 0, the failure's own exitCode, or 1. */
export const exitCodeOfCause = <E>(cause: Cause.Cause<E>): number =>
  Cause.isInterruptedOnly(cause) ? 0 : Option.match(Cause.failureOption(cause), { onNone: () => 1, onSome: exitCodeOf })

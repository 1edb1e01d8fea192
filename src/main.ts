import { ValidationError } from "@effect/cli"
import { NodeContext, NodeRuntime } from "@effect/platform-node"
import { Cause, Console, Effect, Exit, Option } from "effect"
import { cli } from "./cli/root.js"

/** A typed failure may carry its own process exit code (e.g. `bencher run`'s 2 = job failed). */
const exitCodeOf = (error: unknown): number =>
  typeof error === "object" && error !== null && "exitCode" in error && typeof error.exitCode === "number"
    ? error.exitCode
    : 1

const describe = (error: unknown): string =>
  error instanceof Error || (typeof error === "object" && error !== null && "message" in error)
    ? String((error as { message: unknown }).message)
    : String(error)

const program = cli(process.argv).pipe(
  // @effect/cli has already printed its own message for invalid flags; everything else is printed once here.
  Effect.tapError((error) => ValidationError.isValidationError(error) ? Effect.void : Console.error(`error: ${describe(error)}`)),
  Effect.tapDefect((defect) => Console.error(Cause.pretty(Cause.die(defect)))),
  Effect.provide(NodeContext.layer)
)

NodeRuntime.runMain(program, {
  disableErrorReporting: true,
  teardown: (exit, onExit) => {
    if (Exit.isSuccess(exit) || Cause.isInterruptedOnly(exit.cause)) return onExit(0)
    onExit(Option.match(Cause.failureOption(exit.cause), { onNone: () => 1, onSome: exitCodeOf }))
  }
})

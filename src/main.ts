import { NodeContext, NodeRuntime } from "@effect/platform-node"
import { Effect, Exit } from "effect"
import { exitCodeOfCause, reportFailure } from "./cli/failure.js"
import { cli } from "./cli/root.js"

const program = cli(process.argv).pipe(reportFailure, Effect.provide(NodeContext.layer))

NodeRuntime.runMain(program, {
  disableErrorReporting: true,
  teardown: (exit, onExit) => onExit(Exit.isSuccess(exit) ? 0 : exitCodeOfCause(exit.cause))
})

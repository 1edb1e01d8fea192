import * as NodeContext from "@effect/platform-node/NodeContext"
import * as NodeRuntime from "@effect/platform-node/NodeRuntime"
import { Effect, Exit } from "effect"
import { exitCodeOfCause, reportFailure } from "../cli/failure.js"
import { cli } from "./cli.js"

// Runs the command tree on this process's argv (src/main.ts loads this module unless it answers by itself).

const program = cli(process.argv).pipe(reportFailure, Effect.provide(NodeContext.layer))

/**
 * Exits as soon as the command is done, once stdout and stderr are flushed, instead of waiting for idle sockets
 * (keep-alive connections, a WebSocket's close handshake) to wind down: `bencher run --image` should end the
 * moment its report is printed.
 */
const flushThenExit = (code: number) => {
  let pending = 2
  const done = () => {
    if (--pending === 0) process.exit(code)
  }
  process.stdout.write("", done)
  process.stderr.write("", done)
}

NodeRuntime.runMain(program, {
  disableErrorReporting: true,
  teardown: (exit, onExit) => {
    const code = Exit.isSuccess(exit) ? 0 : exitCodeOfCause(exit.cause)
    onExit(code)
    flushThenExit(code)
  }
})

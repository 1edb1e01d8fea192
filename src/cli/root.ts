import { Command } from "@effect/cli"
import { version } from "../version.js"
import { runnerCommand } from "./runner-run.js"
import { serverCommand } from "./server.js"

export const rootCommand = Command.make("bencher").pipe(
  Command.withDescription("Continuous benchmarking: track results, catch regressions, run benchmarks remotely"),
  Command.withSubcommands([serverCommand, runnerCommand])
)

export const cli = Command.run(rootCommand, { name: "bencher", version })

import { Command } from "@effect/cli"
import { version } from "../version.js"
import { jobCommand, runnerCommand, specCommand } from "./jobs.js"
import { serverCommand } from "./server.js"

export const rootCommand = Command.make("bencher").pipe(
  Command.withDescription("Continuous benchmarking: track results, catch regressions, run benchmarks remotely"),
  Command.withSubcommands([serverCommand, jobCommand, specCommand, runnerCommand])
)

export const cli = Command.run(rootCommand, { name: "bencher", version })

import { Command } from "@effect/cli"
import { version } from "../version.js"
import { adapterCommand } from "./adapter.js"
import { imageCommand } from "./image.js"
import { memberCommand } from "./member.js"
import { mockCommand } from "./mock.js"
import { orgCommand } from "./org.js"
import { projectCommand } from "./project.js"
import { runCommand } from "./run.js"
import { jobCommand, runnerCommand, specCommand } from "./jobs.js"
import { serverCommand } from "./server.js"
import { upCommand } from "./up.js"
import { userCommand } from "./user.js"

export const rootCommand = Command.make("bencher").pipe(
  Command.withDescription("Continuous benchmarking: track results, catch regressions, run benchmarks remotely"),
  Command.withSubcommands([
    serverCommand,
    upCommand,
    runCommand,
    mockCommand,
    adapterCommand,
    imageCommand,
    userCommand,
    orgCommand,
    projectCommand,
    memberCommand,
    jobCommand,
    specCommand,
    runnerCommand
  ])
)

export const cli = Command.run(rootCommand, { name: "bencher", version })

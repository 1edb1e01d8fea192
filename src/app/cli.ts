import { Command } from "@effect/cli"
import { adapterCommand } from "../cli/adapter.js"
import { imageCommand } from "../cli/image.js"
import { jobCommand, runnerClientCommands, specCommand } from "../cli/jobs.js"
import { memberCommand } from "../cli/member.js"
import { mockCommand } from "../cli/mock.js"
import { orgCommand } from "../cli/org.js"
import { projectCommand } from "../cli/project.js"
import { archiveCommand, benchmarkCommand, branchCommand, measureCommand, testbedCommand, unarchiveCommand } from "../cli/resources/dimensions.js"
import { perfCommand } from "../cli/resources/perf.js"
import { alertCommand, metricCommand, reportCommand, thresholdCommand } from "../cli/resources/reports.js"
import { runCommand } from "../cli/run.js"
import { userCommand } from "../cli/user.js"
import { version } from "../version.js"
import { runnerRunCommand } from "./commands/runner-run.js"
import { runnerUpCommand } from "./commands/runner-up.js"
import { serverCommand } from "./commands/server.js"
import { upCommand } from "./commands/up.js"

/** `bencher runner`: the client commands (admin) and the host ones that run a runner or one image here. */
const runnerCommand = Command.make("runner").pipe(
  Command.withDescription("Runners: manage them (admin) and run one image locally in a sandbox"),
  Command.withSubcommands([...runnerClientCommands, runnerRunCommand, runnerUpCommand])
)

/** The whole command tree: the client commands of cli/ and the host commands (server, up, runner) of app/. */
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
    runnerCommand,
    branchCommand, testbedCommand, benchmarkCommand, measureCommand, thresholdCommand, alertCommand, reportCommand, metricCommand, archiveCommand, unarchiveCommand, perfCommand
  ])
)

export const cli = Command.run(rootCommand, { name: "bencher", version })

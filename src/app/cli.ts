import { Command } from "@effect/cli"
import { Effect } from "effect"
import { adapterCommand } from "../cli/adapter.js"
import { imageCommand } from "../cli/image.js"
import { jobCommand, runnerClientCommands, specCommand } from "../cli/jobs.js"
import { memberCommand } from "../cli/member.js"
import { mockCommand } from "../cli/mock.js"
import { orgCommand } from "../cli/org.js"
import { projectCommand } from "../cli/project.js"
import {
  archiveCommand,
  benchmarkCommand,
  branchCommand,
  measureCommand,
  testbedCommand,
  unarchiveCommand
} from "../cli/resources/dimensions.js"
import { perfCommand } from "../cli/resources/perf.js"
import { alertCommand, metricCommand, reportCommand, thresholdCommand } from "../cli/resources/reports.js"
import { runCommand } from "../cli/run.js"
import { userCommand } from "../cli/user.js"
import { version } from "../version.js"
import { runnerRunOptions, runnerUpOptions, serverOptions, upOptions } from "./commands/options.js"

/**
 * A handler loaded when its command is chosen: the tree below declares the host commands from their flags alone,
 * so `bencher run` or `bencher --help` never load the server, the store, SQLite or the runner.
 */
const load =
  <M, A, E, R>(module: () => Promise<M>, handler: (m: M) => (a: A) => Effect.Effect<void, E, R>) =>
  (a: A) =>
    Effect.flatMap(Effect.promise(module), (m) => handler(m)(a))

const serverCommand = Command.make(
  "server",
  serverOptions,
  load(
    () => import("./commands/server.js"),
    (m) => m.server
  )
).pipe(Command.withDescription("Run the API server on the embedded SQLite store"))

const upCommand = Command.make(
  "up",
  upOptions,
  load(
    () => import("./commands/up.js"),
    (m) => m.up
  )
).pipe(Command.withDescription("Run the server and a co-located runner in one process (the quick start)"))

/** `bencher runner run`: one image, locally, without a server. */
const runnerRunCommand = Command.make(
  "run",
  runnerRunOptions,
  load(
    () => import("./commands/runner-run.js"),
    (m) => m.runnerRun
  )
).pipe(Command.withDescription("Execute one image locally, without a server, and print its iteration results"))

/** `bencher runner up`: claim, run and report jobs until SIGTERM. */
const runnerUpCommand = Command.make(
  "up",
  runnerUpOptions,
  load(
    () => import("./commands/runner-up.js"),
    (m) => m.runnerUp
  )
).pipe(
  Command.withDescription(
    "Connect to a server and run its jobs: long-poll claims, heartbeats, results resent after reconnects"
  )
)

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
    branchCommand,
    testbedCommand,
    benchmarkCommand,
    measureCommand,
    thresholdCommand,
    alertCommand,
    reportCommand,
    metricCommand,
    archiveCommand,
    unarchiveCommand,
    perfCommand
  ])
)

export const cli = Command.run(rootCommand, { name: "bencher", version })

// A `bencher` root with only the adapter command, for CLI tests and for trying it by hand:
//   npx tsx test/adapters/cli-entry.ts adapter parse --adapter magic FILE
import { Command } from "@effect/cli"
import { NodeContext, NodeRuntime } from "@effect/platform-node"
import { Effect } from "effect"
import { adapterCommand } from "../../src/cli/adapter.js"
import { reportFailure } from "../../src/cli/failure.js"

const run = Command.run(Command.make("bencher").pipe(Command.withSubcommands([adapterCommand])), {
  name: "bencher",
  version: "0"
})

/** As src/main.ts runs commands: failures printed once as `error: <message>`. */
export const cli = (argv: ReadonlyArray<string>) => reportFailure(run(argv))

if (process.argv[1]?.endsWith("cli-entry.ts") === true) {
  cli(process.argv).pipe(Effect.provide(NodeContext.layer), NodeRuntime.runMain({ disableErrorReporting: true }))
}

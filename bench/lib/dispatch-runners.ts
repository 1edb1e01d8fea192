// Waiting runners for bench/dispatch.ts, kept out of the server's process as real runners are (their GC and event
// loop must not stretch the server's tail). argv: <url> <key>...
// Every runner waits in a Claim (900 s poll timeout) on its own WebSocket through the real RunnerClient. When a
// Claim returns a job, the runner prints "got <job uuid> <ms>" at once, then reports the job completed and waits
// again. <ms> is CLOCK_MONOTONIC (process.hrtime.bigint, system-wide on Linux) in milliseconds, the clock the
// bench stamps its POSTs with. "ready <n>" is printed once every runner's client is built. The process exits when
// stdin closes.
import { Context, Effect, Layer, Scope } from "effect"
import { createInterface } from "node:readline"
import { RunnerClient, runnerClientWebSocket } from "../../src/api/runner-client.js"
import { monotonicMs } from "./clock.js"

const [url = "", ...keys] = process.argv.slice(2)
createInterface({ input: process.stdin }).on("close", () => process.exit(0))

const program = Effect.gen(function* () {
  const scope = yield* Scope.make()
  yield* Effect.forEach(
    keys,
    (key) =>
      Effect.gen(function* () {
        const client = Context.get(yield* Layer.buildWithScope(runnerClientWebSocket(url, key), scope), RunnerClient)
        yield* Effect.gen(function* () {
          const job = yield* client.Claim({ poll_timeout: 900 })
          if (job === null) return
          const at = monotonicMs()
          process.stdout.write(`got ${job.uuid} ${at}\n`)
          yield* client.Completed({ job: job.uuid, results: [{ exit_code: 0 }] })
        }).pipe(Effect.forever, Effect.forkIn(scope))
      }),
    { concurrency: 20, discard: true }
  )
  console.log(`ready ${keys.length}`)
  return yield* Effect.never
})

Effect.runPromise(program).catch((error) => {
  console.error(error)
  process.exit(1)
})

// Runner processes for bench/heartbeats.ts, kept out of the server's process as real runners are.
// argv: <url> <jobsPerConnection> <key>...; claims and starts its jobs, prints "ready", heartbeats every job once a
// second (each at its own phase) after reading "go" on stdin, and exits when stdin closes. With jobsPerConnection
// "idle", every connection just waits in a Claim (900 s poll timeout) and prints "ready" once all are connected.
import { Context, Effect, Layer, Random, Scope } from "effect"
import { createInterface } from "node:readline"
import { RunnerClient, runnerClientWebSocket } from "../../src/api/runner-client.js"

const [url = "", perConnection = "0", ...keys] = process.argv.slice(2)
const lines = createInterface({ input: process.stdin })
const go = new Promise<void>((resolve) => lines.on("line", (line) => { if (line.trim() === "go") resolve() }))
lines.on("close", () => process.exit(0))

const program = Effect.gen(function*() {
  const scope = yield* Scope.make()
  if (perConnection === "idle") {
    yield* Effect.forEach(keys, (key) =>
      Effect.gen(function*() {
        const client = Context.get(yield* Layer.buildWithScope(runnerClientWebSocket(url, key), scope), RunnerClient)
        yield* client.Claim({ poll_timeout: 900 }).pipe(Effect.forever, Effect.forkIn(scope))
      }), { concurrency: 50, discard: true })
    console.log(`ready ${keys.length}`)
    return yield* Effect.never
  }
  const held = yield* Effect.forEach(keys, (key) =>
    Effect.gen(function*() {
      const client = Context.get(yield* Layer.buildWithScope(runnerClientWebSocket(url, key), scope), RunnerClient)
      const jobs: Array<string> = []
      while (jobs.length < Number(perConnection)) {
        const job = yield* client.Claim({ poll_timeout: 5 })
        if (job === null) break
        yield* client.Running({ job: job.uuid })
        jobs.push(job.uuid)
      }
      return jobs.map((uuid) => [client, uuid] as const)
    }), { concurrency: "unbounded" })
  console.log(`ready ${held.flat().length}`)
  yield* Effect.promise(() => go)
  yield* Effect.forEach(held.flat(), ([client, uuid]) =>
    Effect.gen(function*() {
      yield* Effect.sleep(`${yield* Random.nextIntBetween(0, 1000)} millis`)
      yield* client.Heartbeat({ job: uuid }).pipe(Effect.zipRight(Effect.sleep("1 second")), Effect.forever)
    }), { concurrency: "unbounded", discard: true })
})

Effect.runPromise(program).catch((error) => {
  console.error(error)
  process.exit(1)
})

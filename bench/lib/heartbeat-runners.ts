// Runner processes for bench/heartbeats.ts and bench/runners-rss.ts, kept out of the server's process as real
// runners are. argv: <url> <jobsPerRunner> <key>...
// - jobsPerRunner "idle": every runner just waits in a Claim (900 s poll timeout) on its own WebSocket through the
//   real RunnerClient, and "ready <n>" is printed once all are connected.
// - a number: each runner claims and starts that many jobs through the real RunnerClient, which it then closes; it
//   opens one WebSocket of its own for the heartbeats, heartbeats every job once and prints "ready <jobs answered>".
//   On "go" (stdin) every job heartbeats once a second, each at its own phase; on "stop" the heartbeats pause and,
//   once every sent heartbeat is answered, "acked <ok> <other>" is printed (answers since the last "go":
//   `{canceled: false}`, anything else).
//   The process exits when stdin closes.
// The heartbeat connections speak the channel's wire format (NDJSON RPC frames, as RunnerClient sends them) on raw
// `ws` sockets: real runners are other machines, so the load generator's own CPU must stay small next to the
// server's on this shared 2-core box, and an Effect RpcClient per runner costs as much CPU as the server it loads.
import { Context, Effect, Exit, Layer, Scope } from "effect"
import { randomBytes } from "node:crypto"
import { createInterface } from "node:readline"
import { WebSocket } from "ws"
import { RunnerClient, runnerClientWebSocket } from "../../src/api/runner-client.js"
import { RUNNER_RPC_PATH } from "../../src/api/runner-rpc.js"

const [url = "", perRunner = "0", ...keys] = process.argv.slice(2)
const lines = createInterface({ input: process.stdin })
lines.on("close", () => process.exit(0))

const idle = Effect.gen(function* () {
  const scope = yield* Scope.make()
  yield* Effect.forEach(
    keys,
    (key) =>
      Effect.gen(function* () {
        const client = Context.get(yield* Layer.buildWithScope(runnerClientWebSocket(url, key), scope), RunnerClient)
        yield* client.Claim({ poll_timeout: 900 }).pipe(Effect.forever, Effect.forkIn(scope))
      }),
    { concurrency: 50, discard: true }
  )
  console.log(`ready ${keys.length}`)
  return yield* Effect.never
})

/** Claims and starts this runner's jobs with the real client, then closes that client. */
const claimJobs = (key: string) =>
  Effect.gen(function* () {
    const scope = yield* Scope.make()
    const client = Context.get(yield* Layer.buildWithScope(runnerClientWebSocket(url, key), scope), RunnerClient)
    const jobs: Array<string> = []
    while (jobs.length < Number(perRunner)) {
      const job = yield* client.Claim({ poll_timeout: 5 })
      if (job === null) break
      yield* client.Running({ job: job.uuid })
      jobs.push(job.uuid)
    }
    yield* Scope.close(scope, Exit.void)
    return jobs
  })

interface Connection {
  readonly socket: WebSocket
  readonly jobs: ReadonlyArray<string>
}

const open = (key: string, jobs: ReadonlyArray<string>) =>
  new Promise<Connection>((resolve, reject) => {
    const socket = new WebSocket(url.replace(/^http/, "ws") + RUNNER_RPC_PATH, undefined, {
      headers: { authorization: `Bearer ${key}` }
    })
    socket.once("open", () => resolve({ socket, jobs }))
    socket.once("error", reject)
  })

const counts = { ok: 0, other: 0, inFlight: 0 }
let beating = false
let nextId = 0
const timers: Array<NodeJS.Timeout> = []
let drained: (() => void) | undefined

const onFrame = (data: Buffer) => {
  for (const line of data.toString("utf8").split("\n")) {
    if (line === "") continue
    const message = JSON.parse(line) as { _tag: string; exit?: { _tag: string; value?: { canceled?: boolean } } }
    if (message._tag !== "Exit") continue
    counts.inFlight--
    if (message.exit?._tag === "Success" && message.exit.value?.canceled === false) counts.ok++
    else {
      if (counts.other === 0) console.error(`heartbeat answered: ${line}`)
      counts.other++
    }
  }
  if (counts.inFlight === 0 && drained !== undefined) drained()
}

const hex = (bytes: number) => randomBytes(bytes).toString("hex")

/** One heartbeat frame, as RunnerClient encodes `Heartbeat({job})`. */
const heartbeat = (connection: Connection, job: string) => {
  counts.inFlight++
  connection.socket.send(
    JSON.stringify({
      _tag: "Request",
      id: String(nextId++),
      tag: "Heartbeat",
      payload: { job },
      traceId: hex(16),
      spanId: hex(8),
      sampled: true,
      headers: []
    }) + "\n"
  )
}

const start = (connections: ReadonlyArray<Connection>) => {
  beating = true
  counts.ok = 0
  counts.other = 0
  for (const connection of connections) {
    for (const job of connection.jobs) {
      timers.push(
        setTimeout(
          () => {
            if (!beating) return
            heartbeat(connection, job)
            timers.push(setInterval(() => heartbeat(connection, job), 1000))
          },
          Math.floor(Math.random() * 1000)
        )
      )
    }
  }
}

const stop = async () => {
  beating = false
  for (const timer of timers.splice(0)) clearTimeout(timer)
  if (counts.inFlight > 0) await new Promise<void>((resolve) => (drained = resolve))
  drained = undefined
  console.log(`acked ${counts.ok} ${counts.other}`)
}

const beat = Effect.gen(function* () {
  const jobs = yield* Effect.forEach(keys, claimJobs, { concurrency: 50 })
  const connections = yield* Effect.promise(() => Promise.all(keys.map((key, i) => open(key, jobs[i] ?? []))))
  for (const connection of connections) connection.socket.on("message", onFrame)
  // Claiming took a while: one heartbeat for every job now, so none is near its heartbeat timeout when the
  // bench's quiet blocks begin.
  for (const connection of connections) for (const job of connection.jobs) heartbeat(connection, job)
  if (counts.inFlight > 0) yield* Effect.promise(() => new Promise<void>((resolve) => (drained = resolve)))
  drained = undefined
  console.log(`ready ${counts.ok}`)
  lines.on("line", (line) => {
    if (line.trim() === "go") start(connections)
    if (line.trim() === "stop") void stop()
  })
  return yield* Effect.never
})

Effect.runPromise(perRunner === "idle" ? idle : beat).catch((error) => {
  console.error(error)
  process.exit(1)
})

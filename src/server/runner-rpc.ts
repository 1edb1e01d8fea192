import { RpcSerialization, RpcServer } from "@effect/rpc"
import { Effect, Layer, Option } from "effect"
import { SqlError } from "@effect/sql/SqlError"
import { CurrentRunner, RUNNER_RPC_PATH, RunnerAuth, type RunnerIdentity, RunnerRpcs } from "../api/runner-rpc.js"
import { Unauthorized } from "../domain/errors.js"
import { RunnerChannel } from "../jobs/channel.js"
import { Runners } from "../runners/runners.js"
import { bearerOf } from "./handlers/jobs.js"

/** Every message authenticates with the runner key (cached in memory by Runners, so heartbeats run no SQL). */
export const RunnerAuthLive = Layer.effect(
  RunnerAuth,
  Effect.gen(function*() {
    const runners = yield* Runners
    return ({ headers }) => {
      const key = bearerOf(headers["authorization"])
      return key === undefined
        ? Effect.fail(new Unauthorized({ message: "A runner key is required: Authorization: Bearer bencher_runner_..." }))
        : runners.authenticate(key)
    }
  })
)

/** Storage failures on the channel are defects: the runner retries its unacknowledged message. */
const withRunner = <A, E>(f: (runner: RunnerIdentity) => Effect.Effect<A, E>) =>
  Effect.flatMap(CurrentRunner, (runner) =>
    Effect.catchIf(f(runner), (e): e is Extract<E, SqlError> => e instanceof SqlError, (e) => Effect.die(e)))

export const RunnerRpcHandlersLive = RunnerRpcs.toLayer(Effect.gen(function*() {
  const channel = yield* RunnerChannel
  return {
    Claim: ({ poll_timeout }) => withRunner((r) => Effect.map(channel.claim(r, poll_timeout), Option.getOrNull)),
    Running: ({ job }) => withRunner((r) => channel.running(r, job)),
    Heartbeat: ({ job }) => withRunner((r) => channel.heartbeat(r, job)),
    Completed: ({ job, results }) => withRunner((r) => channel.completed(r, job, results)),
    Failed: ({ job, results, error }) => withRunner((r) => channel.failed(r, job, results, error)),
    Canceled: ({ job }) => withRunner((r) => channel.canceled(r, job))
  }
}))

/** The runner channel on one path: POST for the HTTP protocol, GET (upgrade) for WebSocket. */
export const RunnerRpcRoutes = Layer.mergeAll(
  RpcServer.layerHttpRouter({ group: RunnerRpcs, path: RUNNER_RPC_PATH, protocol: "http", disableTracing: true }),
  RpcServer.layerHttpRouter({ group: RunnerRpcs, path: RUNNER_RPC_PATH, protocol: "websocket", disableTracing: true })
).pipe(
  Layer.provide(RunnerRpcHandlersLive),
  Layer.provide(RunnerAuthLive),
  Layer.provide(RpcSerialization.layerNdjson)
)

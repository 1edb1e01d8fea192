import { Context, Effect, Layer, Option } from "effect"
import { SqlError } from "@effect/sql/SqlError"
import { CurrentRunner, RUNNER_RPC_PATH, RunnerAuth, type RunnerIdentity, RunnerRpcs } from "../api/runner-rpc.js"
import { PersistenceError, Unauthorized } from "../domain/errors.js"
import { RunnerChannel } from "../jobs/channel.js"
import { Runners } from "../runners/runners.js"
import { rpcRoutes } from "./rpc-routes.js"
import { bearerOf } from "./handlers/jobs.js"

/** Every message authenticates with the runner key (cached in memory by Runners: a known key is one map lookup). */
export const RunnerAuthLive = Layer.effect(
  RunnerAuth,
  Effect.gen(function* () {
    const runners = yield* Runners
    return ({ headers }) => {
      const key = bearerOf(headers["authorization"])
      return key === undefined
        ? Effect.fail(
            new Unauthorized({ message: "A runner key is required: Authorization: Bearer bencher_runner_..." })
          )
        : runners.authenticate(key)
    }
  })
)

/**
 * Storage failures on the channel (its own SqlError, a service's PersistenceError) are defects: the runner retries
 * its unacknowledged message.
 */
const withRunner = <A, E>(f: (runner: RunnerIdentity) => Effect.Effect<A, E>) =>
  Effect.flatMap(CurrentRunner, (runner) =>
    Effect.catchIf(
      f(runner),
      (e): e is Extract<E, SqlError | PersistenceError> => e instanceof SqlError || e instanceof PersistenceError,
      (e) => Effect.die(e)
    )
  )

/**
 * The handlers close over the channel and need nothing else from where they were built, so they are built in an
 * empty context: RpcServer copies the handlers' build context into every message's context (a Map copy of the
 * whole server's ~55 services, for each heartbeat), and an empty one leaves only the connection's context to copy.
 */
export const RunnerRpcHandlersLive = Layer.scopedContext(
  Effect.gen(function* () {
    const channel = yield* RunnerChannel
    const handlers = RunnerRpcs.of({
      Claim: ({ poll_timeout }) => withRunner((r) => Effect.map(channel.claim(r, poll_timeout), Option.getOrNull)),
      Running: ({ job }) => withRunner((r) => channel.running(r, job)),
      Heartbeat: ({ job }) => withRunner((r) => channel.heartbeat(r, job)),
      Completed: ({ job, results }) => withRunner((r) => channel.completed(r, job, results)),
      Failed: ({ job, results, error }) => withRunner((r) => channel.failed(r, job, results, error)),
      Canceled: ({ job }) => withRunner((r) => channel.canceled(r, job)),
      OutcomePart: ({ data, job, offset }) => withRunner((r) => channel.outcomePart(r, job, offset, data)),
      OutcomeEnd: ({ job, size }) => withRunner((r) => channel.outcomeEnd(r, job, size)),
      Output: ({ job, chunks }) => withRunner((r) => channel.output(r, job, chunks))
    })
    return yield* RunnerRpcs.toHandlersContext(handlers).pipe(Effect.provide(Context.empty()))
  })
)

/** The runner channel on one path: POST for the HTTP protocol, GET (upgrade) for WebSocket. */
export const RunnerRpcRoutes = rpcRoutes(RunnerRpcs, RUNNER_RPC_PATH).pipe(
  Layer.provide(RunnerRpcHandlersLive),
  Layer.provide(RunnerAuthLive)
)

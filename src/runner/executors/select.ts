import { Effect } from "effect"
import { ExecutorUnavailable, type SandboxRequired } from "../errors.js"
import { bwrapExecutor } from "./bwrap.js"
import { type Executor, type ExecutorKind, ExecutorKinds } from "./executor.js"
import { firecrackerExecutor } from "./firecracker.js"
import { localExecutor } from "./local.js"
import { ociExecutor } from "./oci.js"
import { unshareExecutor } from "./unshare.js"

export interface ExecutorChoice {
  /** `--executor`: use exactly this one (and fail if its probe fails). */
  readonly force?: ExecutorKind | undefined
  /** `--danger-allow-no-sandbox`: lets `local` be chosen, last. */
  readonly allowNoSandbox?: boolean | undefined
  /** `--kernel` for firecracker. */
  readonly kernel?: string | undefined
}

/** Builds and probes one executor. */
export const makeExecutor = (
  kind: ExecutorKind,
  choice: ExecutorChoice = {}
): Effect.Effect<Executor, ExecutorUnavailable | SandboxRequired> => {
  switch (kind) {
    case "firecracker":
      return firecrackerExecutor({ kernel: choice.kernel })
    case "oci":
      return ociExecutor()
    case "bwrap":
      return bwrapExecutor()
    case "unshare":
      return unshareExecutor()
    case "local":
      return localExecutor(choice.allowNoSandbox === true)
  }
}

/**
 * The strongest executor that probes healthy (firecracker, oci, bwrap, unshare, then local if allowed), logging
 * why each stronger one was skipped; or exactly the forced one.
 */
export const selectExecutor = (
  choice: ExecutorChoice = {}
): Effect.Effect<Executor, ExecutorUnavailable | SandboxRequired> =>
  Effect.gen(function* () {
    if (choice.force !== undefined) {
      const forced = yield* makeExecutor(choice.force, choice)
      yield* Effect.logInfo(`executor: ${forced.describe} (forced)`)
      return forced
    }
    const skipped: Array<string> = []
    for (const kind of ExecutorKinds) {
      if (kind === "local" && choice.allowNoSandbox !== true) continue
      const outcome = yield* Effect.either(makeExecutor(kind, choice))
      if (outcome._tag === "Right") {
        yield* Effect.logInfo(
          `executor: ${outcome.right.describe}${skipped.length > 0 ? ` (skipped ${skipped.join("; ")})` : ""}`
        )
        return outcome.right
      }
      skipped.push(`${kind}: ${outcome.left.message}`)
      yield* Effect.logDebug(`executor ${kind} unavailable: ${outcome.left.message}`)
    }
    return yield* new ExecutorUnavailable({ executor: "any", message: `no executor works here: ${skipped.join("; ")}` })
  })

import { Effect, Option, Redacted } from "effect"
import { join, resolve } from "node:path"
import { runRunnerUntilInterrupted } from "../../runner/daemon.js"
import type { Executor, ExecutorKind } from "../../runner/executors/executor.js"
import { selectExecutor } from "../../runner/executors/select.js"
import { withRunnerHome } from "../../runner/orphans.js"
import { defaultCacheDir, type LoopFlags, type RunnerUpOptions } from "./options.js"
import { stderrLogger } from "./runner-run.js"

export const executorFromFlags = (o: LoopFlags) =>
  selectExecutor({
    force: o.executor === "auto" ? undefined : (o.executor as ExecutorKind),
    allowNoSandbox: o.dangerAllowNoSandbox,
    kernel: Option.getOrUndefined(o.kernel)
  })

/** Runs the loop against `host` with this executor until interrupted. */
export const runnerUpWith = (
  o: LoopFlags,
  host: string,
  key: string,
  executor: Executor,
  defaultCache = defaultCacheDir
) =>
  Effect.gen(function* () {
    // Absolute: image roots and job scratch folders under it go into OCI bundles and bind mounts, which would
    // read a relative path from the bundle (`bencher up` with the default ./bencher.db passes bencher-data/runner).
    const cacheDir = resolve(Option.getOrElse(o.cacheDir, defaultCache))
    const spoolDir = resolve(Option.getOrElse(o.spoolDir, () => join(cacheDir, "spool")))
    yield* Effect.logInfo(`runner up: ${host}, ${o.maxJobs} slot(s), spool ${spoolDir}`)
    // Sweeps what an earlier instance on this cache dir left (kill -9), and tags this instance's sandboxes.
    yield* withRunnerHome(cacheDir, executor, (executor) =>
      runRunnerUntilInterrupted({
        host: host.replace(/\/+$/, ""),
        key,
        executor,
        cacheDir,
        spoolDir,
        maxJobs: Math.max(1, o.maxJobs),
        pollTimeout: Math.min(900, Math.max(1, o.pollTimeout)),
        stopGrace: `${Math.max(0, o.gracePeriod)} seconds`,
        maxDownloadBytes: o.maxDownloadSize,
        limits: { cpuset: Option.getOrUndefined(o.cpus), maxOutputBytes: o.maxOutputSize, maxFileCount: o.maxFileCount }
      })
    )
  })

/** `bencher runner up`: the handler, loaded when the command is chosen (src/app/cli.ts declares it). */
export const runnerUp = (o: RunnerUpOptions) =>
  Effect.gen(function* () {
    const host = o.host.includes("://") ? o.host : `http://${o.host}`
    yield* Option.match(o.runner, {
      onNone: () => Effect.void,
      onSome: (runner) => Effect.logInfo(`runner ${runner}`)
    })
    yield* runnerUpWith(o, host, Redacted.value(o.key), yield* executorFromFlags(o))
  }).pipe(Effect.provide(stderrLogger))

import { Command, Options } from "@effect/cli"
import { Config, Effect, Option, Redacted } from "effect"
import { join, resolve } from "node:path"
import { runRunnerUntilInterrupted } from "../../runner/daemon.js"
import type { Executor, ExecutorKind } from "../../runner/executors/executor.js"
import { selectExecutor } from "../../runner/executors/select.js"
import { withRunnerHome } from "../../runner/orphans.js"
import { defaultCacheDir, executorOptions, stderrLogger } from "./runner-run.js"

export const DEFAULT_RUNNER_HOST = "http://localhost:61016"

/** Flags of `bencher runner up` beyond the connection: what `bencher up` reuses for its co-located runner. */
export const runnerLoopOptions = {
  ...executorOptions,
  maxJobs: Options.integer("max-jobs").pipe(Options.withDescription("Jobs run at once"), Options.withDefault(1)),
  pollTimeout: Options.integer("poll-timeout").pipe(
    Options.withDescription("Seconds a claim waits for a job (long poll, 1..900)"),
    Options.withDefault(30)
  ),
  gracePeriod: Options.integer("grace-period").pipe(
    Options.withDescription("On SIGTERM, seconds a running job may still take before it is canceled"),
    Options.withDefault(30)
  ),
  spoolDir: Options.text("spool-dir").pipe(
    Options.withDescription("Where outcomes wait until the server acknowledges them (default <cache-dir>/spool)"),
    Options.withFallbackConfig(Config.string("BENCHER_RUNNER_SPOOL")),
    Options.optional
  )
}

type LoopFlags = Command.Command.ParseConfig<typeof runnerLoopOptions>

export const executorFromFlags = (o: LoopFlags) =>
  selectExecutor({
    force: o.executor === "auto" ? undefined : o.executor as ExecutorKind,
    allowNoSandbox: o.dangerAllowNoSandbox,
    kernel: Option.getOrUndefined(o.kernel)
  })

/** Runs the loop against `host` with this executor until interrupted. */
export const runnerUpWith = (o: LoopFlags, host: string, key: string, executor: Executor, defaultCache = defaultCacheDir) =>
  Effect.gen(function*() {
    // Absolute: image roots and job scratch folders under it go into OCI bundles and bind mounts, which would
    // read a relative path from the bundle (`bencher up` with the default ./bencher.db passes bencher-data/runner).
    const cacheDir = resolve(Option.getOrElse(o.cacheDir, defaultCache))
    const spoolDir = resolve(Option.getOrElse(o.spoolDir, () => join(cacheDir, "spool")))
    yield* Effect.logInfo(`runner up: ${host}, ${o.maxJobs} slot(s), spool ${spoolDir}`)
    // Sweeps what an earlier instance on this cache dir left (kill -9), and tags this instance's sandboxes.
    yield* withRunnerHome(cacheDir, executor, (executor) => runRunnerUntilInterrupted({
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
    }))
  })

const upOptions = {
  ...runnerLoopOptions,
  host: Options.text("host").pipe(
    Options.withDescription("Server URL (env BENCHER_HOST)"),
    Options.withFallbackConfig(Config.string("BENCHER_HOST")),
    Options.withDefault(DEFAULT_RUNNER_HOST)
  ),
  key: Options.redacted("key").pipe(
    Options.withDescription("Runner key bencher_runner_... (env BENCHER_RUNNER_KEY)"),
    Options.withFallbackConfig(Config.redacted("BENCHER_RUNNER_KEY"))
  ),
  runner: Options.text("runner").pipe(
    Options.withDescription("The runner's slug or uuid, for the logs (env BENCHER_RUNNER); the key identifies it"),
    Options.withFallbackConfig(Config.string("BENCHER_RUNNER")),
    Options.optional
  )
}

/** `bencher runner up`: claim, run and report jobs until SIGTERM (mounted under `bencher runner`). */
export const runnerUpCommand = Command.make("up", upOptions, (o) =>
  Effect.gen(function*() {
    const host = o.host.includes("://") ? o.host : `http://${o.host}`
    yield* Option.match(o.runner, {
      onNone: () => Effect.void,
      onSome: (runner) => Effect.logInfo(`runner ${runner}`)
    })
    yield* runnerUpWith(o, host, Redacted.value(o.key), yield* executorFromFlags(o))
  }).pipe(Effect.provide(stderrLogger))).pipe(
    Command.withDescription("Connect to a server and run its jobs: long-poll claims, heartbeats, results resent after reconnects")
  )

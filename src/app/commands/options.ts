import { type Command, Options } from "@effect/cli"
import { Config } from "effect"
import { homedir } from "node:os"
import { join } from "node:path"
import { DEFAULT_MAX_DOWNLOAD_BYTES, MAX_FILE_COUNT, MAX_OUTPUT_BYTES } from "../../domain/limits.js"
import { ExecutorKinds } from "../../runner/executors/executor.js"
import { defaultServerConfig } from "../config.js"

// The flags of the host commands (server, up, runner run, runner up), apart from their handlers: src/app/cli.ts
// declares the command tree from these and loads a handler (the server, the runner) only when its command is chosen.

const MiB = 1024 * 1024

export const defaultCacheDir = (): string =>
  process.getuid?.() === 0
    ? "/var/cache/bencher-runner"
    : join(process.env.XDG_CACHE_HOME ?? join(homedir(), ".cache"), "bencher", "runner")

export const serverOptions = {
  host: Options.text("host").pipe(
    Options.withDescription("Address to listen on (env BENCHER_HOST)"),
    Options.withFallbackConfig(Config.string("BENCHER_HOST")),
    Options.optional
  ),
  port: Options.integer("port").pipe(
    Options.withDescription("Port to listen on; 0 picks a free one (env BENCHER_PORT)"),
    Options.withFallbackConfig(Config.integer("BENCHER_PORT")),
    Options.optional
  ),
  db: Options.text("db").pipe(
    Options.withDescription("SQLite database file (env BENCHER_DB)"),
    Options.withFallbackConfig(Config.string("BENCHER_DB")),
    Options.withDefault(defaultServerConfig.db)
  ),
  dataDir: Options.text("data-dir").pipe(
    Options.withDescription(
      "Folder for registry blobs and job outputs (env BENCHER_DATA_DIR; default bencher-data next to --db)"
    ),
    Options.withFallbackConfig(Config.string("BENCHER_DATA_DIR")),
    Options.optional
  ),
  maxBodySize: Options.integer("max-body-size").pipe(
    Options.withDescription("Largest accepted request body in bytes"),
    Options.withDefault(defaultServerConfig.maxBodyBytes)
  ),
  adminKeyFile: Options.text("admin-key-file").pipe(
    Options.withDescription("On first run (empty database), also write the admin API key to this file (mode 0600)"),
    Options.optional
  )
}

export type ServerOptions = Command.Command.ParseConfig<typeof serverOptions>

/** Flags every runner subcommand shares (`up` will reuse them). */
export const executorOptions = {
  executor: Options.choice("executor", ["auto", ...ExecutorKinds]).pipe(
    Options.withDescription("Sandbox to run jobs in; auto picks the strongest that works here"),
    Options.withDefault("auto" as const)
  ),
  dangerAllowNoSandbox: Options.boolean("danger-allow-no-sandbox").pipe(
    Options.withDescription("Allow the local executor, which runs jobs WITHOUT any isolation"),
    Options.withFallbackConfig(Config.boolean("BENCHER_DANGER_ALLOW_NO_SANDBOX"))
  ),
  cpus: Options.text("cpus").pipe(
    Options.withDescription("Pin jobs to these CPUs (cpuset list, e.g. 2-3)"),
    Options.optional
  ),
  kernel: Options.text("kernel").pipe(
    Options.withDescription("Guest kernel for the firecracker executor"),
    Options.optional
  ),
  cacheDir: Options.text("cache-dir").pipe(
    Options.withDescription("Blob and root filesystem cache"),
    Options.withFallbackConfig(Config.string("BENCHER_RUNNER_CACHE")),
    Options.optional
  ),
  maxOutputSize: Options.integer("max-output-size").pipe(
    Options.withDescription("Cap on stdout, stderr and each output file, in bytes"),
    Options.withDefault(MAX_OUTPUT_BYTES)
  ),
  maxFileCount: Options.integer("max-file-count").pipe(Options.withDefault(MAX_FILE_COUNT)),
  maxDownloadSize: Options.integer("max-download-size").pipe(
    Options.withDescription("Largest image download, in bytes"),
    Options.withDefault(DEFAULT_MAX_DOWNLOAD_BYTES)
  )
}

export const runnerRunOptions = {
  ...executorOptions,
  image: Options.text("image").pipe(
    Options.withDescription("host/repo:tag, host/repo@sha256:…, or oci:DIR[:tag] (an OCI layout)")
  ),
  token: Options.redacted("token").pipe(
    Options.withDescription("Registry pull token"),
    Options.withFallbackConfig(Config.redacted("BENCHER_OCI_TOKEN")),
    Options.optional
  ),
  vcpus: Options.float("vcpus").pipe(Options.withDescription("CPU quota in vCPUs"), Options.withDefault(1)),
  memory: Options.integer("memory").pipe(
    Options.withDescription("Memory limit in bytes"),
    Options.withDefault(512 * MiB)
  ),
  disk: Options.integer("disk").pipe(
    Options.withDescription("Size of the job's /tmp in bytes"),
    Options.withDefault(1024 * MiB)
  ),
  timeout: Options.integer("timeout").pipe(Options.withDescription("Job timeout in seconds"), Options.withDefault(300)),
  output: Options.text("output").pipe(
    Options.withDescription("File to read after exit (repeatable)"),
    Options.repeated
  ),
  entrypoint: Options.text("entrypoint").pipe(
    Options.withDescription("Override the image entrypoint (repeat per argument)"),
    Options.repeated
  ),
  cmd: Options.text("cmd").pipe(
    Options.withDescription("Override the image cmd (repeat per argument)"),
    Options.repeated
  ),
  env: Options.text("env").pipe(
    Options.withDescription("KEY=VALUE added to the image env (repeatable)"),
    Options.repeated
  ),
  network: Options.boolean("network").pipe(Options.withDescription("Give the job network access")),
  iter: Options.integer("iter").pipe(Options.withDefault(1)),
  allowFailure: Options.boolean("allow-failure"),
  buildTime: Options.boolean("build-time").pipe(Options.withDescription("Report the run time as a build-time metric")),
  fileSize: Options.boolean("file-size").pipe(
    Options.withDescription("Report each output file's size as a file-size metric")
  )
}

export type RunnerRunOptions = Command.Command.ParseConfig<typeof runnerRunOptions>

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

export type LoopFlags = Command.Command.ParseConfig<typeof runnerLoopOptions>

export const runnerUpOptions = {
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

export type RunnerUpOptions = Command.Command.ParseConfig<typeof runnerUpOptions>

export const upOptions = { ...serverOptions, ...runnerLoopOptions }

export type UpOptions = Command.Command.ParseConfig<typeof upOptions>

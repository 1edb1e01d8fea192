import { Command, Options } from "@effect/cli"
import { Config, Console, Effect, Layer, Logger, Option, Redacted, Schema } from "effect"
import { homedir, tmpdir } from "node:os"
import { rm } from "node:fs/promises"
import { join, resolve } from "node:path"
import { JsonJobOutput } from "../../domain/job.js"
import { MAX_FILE_COUNT, MAX_OUTPUT_BYTES } from "../../domain/limits.js"
import { execute, type JobSettings } from "../../runner/execute.js"
import { type ExecutorKind, ExecutorKinds } from "../../runner/executors/executor.js"
import { selectExecutor } from "../../runner/executors/select.js"
import { formatImageReference, parseImageReference } from "../../oci/index.js"
import { DEFAULT_MAX_DOWNLOAD_BYTES, pullImage, sourceFor } from "../../runner/image/store.js"

/** `runner run` finished but the job failed (non-zero exit, timeout, OOM); exit status 2 like `bencher run`. */
export class RunnerJobFailed extends Schema.TaggedError<RunnerJobFailed>()("RunnerJobFailed", {
  message: Schema.String,
  exitCode: Schema.Number
}) {}

const MiB = 1024 * 1024

export const defaultCacheDir = (): string =>
  process.getuid?.() === 0 ? "/var/cache/bencher-runner" : join(process.env.XDG_CACHE_HOME ?? join(homedir(), ".cache"), "bencher", "runner")

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
  cpus: Options.text("cpus").pipe(Options.withDescription("Pin jobs to these CPUs (cpuset list, e.g. 2-3)"), Options.optional),
  kernel: Options.text("kernel").pipe(Options.withDescription("Guest kernel for the firecracker executor"), Options.optional),
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

const runOptions = {
  ...executorOptions,
  image: Options.text("image").pipe(Options.withDescription("host/repo:tag, host/repo@sha256:…, or oci:DIR[:tag] (an OCI layout)")),
  token: Options.redacted("token").pipe(
    Options.withDescription("Registry pull token"),
    Options.withFallbackConfig(Config.redacted("BENCHER_OCI_TOKEN")),
    Options.optional
  ),
  vcpus: Options.float("vcpus").pipe(Options.withDescription("CPU quota in vCPUs"), Options.withDefault(1)),
  memory: Options.integer("memory").pipe(Options.withDescription("Memory limit in bytes"), Options.withDefault(512 * MiB)),
  disk: Options.integer("disk").pipe(Options.withDescription("Size of the job's /tmp in bytes"), Options.withDefault(1024 * MiB)),
  timeout: Options.integer("timeout").pipe(Options.withDescription("Job timeout in seconds"), Options.withDefault(300)),
  output: Options.text("output").pipe(Options.withDescription("File to read after exit (repeatable)"), Options.repeated),
  entrypoint: Options.text("entrypoint").pipe(Options.withDescription("Override the image entrypoint (repeat per argument)"), Options.repeated),
  cmd: Options.text("cmd").pipe(Options.withDescription("Override the image cmd (repeat per argument)"), Options.repeated),
  env: Options.text("env").pipe(Options.withDescription("KEY=VALUE added to the image env (repeatable)"), Options.repeated),
  network: Options.boolean("network").pipe(Options.withDescription("Give the job network access")),
  iter: Options.integer("iter").pipe(Options.withDefault(1)),
  allowFailure: Options.boolean("allow-failure"),
  buildTime: Options.boolean("build-time").pipe(Options.withDescription("Report the run time as a build-time metric")),
  fileSize: Options.boolean("file-size").pipe(Options.withDescription("Report each output file's size as a file-size metric"))
}

export type RunnerRunOptions = Command.Command.ParseConfig<typeof runOptions>

const nonEmpty = <A>(xs: ReadonlyArray<A>): ReadonlyArray<A> | undefined => (xs.length > 0 ? xs : undefined)

/** Pulls and executes one image without a server; the JsonJobOutput a `completed`/`failed` message would carry. */
export const runImage = (o: RunnerRunOptions) =>
  Effect.gen(function*() {
    const executor = yield* selectExecutor({
      force: o.executor === "auto" ? undefined : o.executor as ExecutorKind,
      allowNoSandbox: o.dangerAllowNoSandbox,
      kernel: Option.getOrUndefined(o.kernel)
    })
    const ref = yield* parseImageReference(o.image)
    // Absolute: the unpacked root goes into the OCI bundle, where a relative path would be read from the bundle.
    const cacheDir = resolve(Option.getOrElse(o.cacheDir, defaultCacheDir))
    const image = yield* pullImage(
      sourceFor(ref, { token: Option.getOrUndefined(Option.map(o.token, Redacted.value)) }),
      ref.reference,
      { cacheDir, maxDownloadBytes: o.maxDownloadSize }
    )
    yield* Effect.logInfo(`image ${formatImageReference(ref)} -> ${image.digest} (${image.downloadedBytes} bytes downloaded)`)
    const env: Record<string, string> = {}
    for (const pair of o.env) {
      const eq = pair.indexOf("=")
      if (eq > 0) env[pair.slice(0, eq)] = pair.slice(eq + 1)
    }
    const job: JobSettings = {
      timeout: o.timeout,
      iter: o.iter,
      allow_failure: o.allowFailure,
      build_time: o.buildTime,
      file_size: o.fileSize,
      ...(nonEmpty(o.entrypoint) === undefined ? {} : { entrypoint: o.entrypoint }),
      ...(nonEmpty(o.cmd) === undefined ? {} : { cmd: o.cmd }),
      ...(Object.keys(env).length === 0 ? {} : { env }),
      ...(nonEmpty(o.output) === undefined ? {} : { file_paths: o.output })
    }
    const scratchRoot = join(tmpdir(), `bencher-runner-${process.pid}`)
    const result = yield* execute({
      executor,
      image,
      imageName: formatImageReference(ref),
      job,
      spec: { cpu: o.vcpus, memory: o.memory, disk: o.disk, network: o.network },
      runner: {
        cpuset: Option.getOrUndefined(o.cpus),
        maxOutputBytes: o.maxOutputSize,
        maxFileCount: o.maxFileCount,
        scratchRoot
      }
    }).pipe(Effect.ensuring(Effect.promise(() => rm(scratchRoot, { recursive: true, force: true }))))
    return new JsonJobOutput({ results: result.results, ...(result.error === undefined ? {} : { error: result.error }) })
  })

/** stdout carries the JSON results; logs (which executor, which digest) go to stderr. */
const toStderr = Logger.prettyLogger({ stderr: true, colors: false })
export const stderrLogger = Layer.merge(
  Logger.replace(Logger.defaultLogger, toStderr),
  Logger.replace(Logger.prettyLoggerDefault, toStderr)
)

const runCommand = Command.make("run", runOptions, (o) =>
  Effect.gen(function*() {
    const output = yield* runImage(o)
    yield* Console.log(JSON.stringify(Schema.encodeSync(JsonJobOutput)(output), null, 2))
    if (output.error != null) return yield* new RunnerJobFailed({ message: output.error, exitCode: 2 })
  }).pipe(Effect.provide(stderrLogger))).pipe(Command.withDescription("Execute one image locally, without a server, and print its iteration results"))

/** `bencher runner run`: one image, locally, without a server (mounted under `bencher runner`). */
export const runnerRunCommand = runCommand

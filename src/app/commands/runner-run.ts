import { Console, Effect, Layer, Logger, Option, Redacted, Schema } from "effect"
import { tmpdir } from "node:os"
import { rm } from "node:fs/promises"
import { join, resolve } from "node:path"
import { JsonJobOutput } from "../../domain/job.js"
import { execute, type JobSettings } from "../../runner/execute.js"
import type { ExecutorKind } from "../../runner/executors/executor.js"
import { selectExecutor } from "../../runner/executors/select.js"
import { formatImageReference, parseImageReference } from "../../oci/index.js"
import { pullImage, sourceFor } from "../../runner/image/store.js"
import { defaultCacheDir, type RunnerRunOptions } from "./options.js"

/** `runner run` finished but the job failed (non-zero exit, timeout, OOM); exit status 2 like `bencher run`. */
export class RunnerJobFailed extends Schema.TaggedError<RunnerJobFailed>()("RunnerJobFailed", {
  message: Schema.String,
  exitCode: Schema.Number
}) {}

const nonEmpty = <A>(xs: ReadonlyArray<A>): ReadonlyArray<A> | undefined => (xs.length > 0 ? xs : undefined)

/** Pulls and executes one image without a server; the JsonJobOutput a `completed`/`failed` message would carry. */
export const runImage = (o: RunnerRunOptions) =>
  Effect.gen(function* () {
    const executor = yield* selectExecutor({
      force: o.executor === "auto" ? undefined : (o.executor as ExecutorKind),
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
    yield* Effect.logInfo(
      `image ${formatImageReference(ref)} -> ${image.digest} (${image.downloadedBytes} bytes downloaded)`
    )
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
    return new JsonJobOutput({
      results: result.results,
      ...(result.error === undefined ? {} : { error: result.error })
    })
  })

/** stdout carries the JSON results; logs (which executor, which digest) go to stderr. */
const toStderr = Logger.prettyLogger({ stderr: true, colors: false })
export const stderrLogger = Layer.merge(
  Logger.replace(Logger.defaultLogger, toStderr),
  Logger.replace(Logger.prettyLoggerDefault, toStderr)
)

/** `bencher runner run`: the handler, loaded when the command is chosen (src/app/cli.ts declares it). */
export const runnerRun = (o: RunnerRunOptions) =>
  Effect.gen(function* () {
    const output = yield* runImage(o)
    yield* Console.log(JSON.stringify(Schema.encodeSync(JsonJobOutput)(output), null, 2))
    if (output.error != null) return yield* new RunnerJobFailed({ message: output.error, exitCode: 2 })
  }).pipe(Effect.provide(stderrLogger))

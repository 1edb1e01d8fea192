import { Effect } from "effect"
import { randomBytes } from "node:crypto"
import { mkdir, rm } from "node:fs/promises"
import { basename, join } from "node:path"
import { JsonIterationOutput, type JsonJobConfig } from "../domain/job.js"
import { MAX_FILE_COUNT, MAX_OUTPUT_BYTES } from "../domain/limits.js"
import type { JsonSpec } from "../domain/spec.js"
import { ImageInvalid, SandboxFailed } from "./errors.js"
import { type Executor, type RunResult, SANDBOX_OUTPUT_DIR } from "./executors/executor.js"
import type { ImageRuntime, PulledImage } from "./image/store.js"

/** The job settings execution reads (a subset of JsonJobConfig, so `runner run` can build one from flags). */
export type JobSettings = Pick<
  JsonJobConfig,
  "entrypoint" | "cmd" | "env" | "timeout" | "file_paths" | "build_time" | "file_size" | "iter" | "allow_failure"
>

/** From the job's spec: vCPUs (quota), memory and disk (the /tmp tmpfs) in bytes, network. 0 or absent: no limit. */
export interface ResourceSpec {
  readonly cpu?: number | undefined
  readonly memory?: number | undefined
  readonly disk?: number | undefined
  readonly network?: boolean | undefined
}

export const resourceSpecOf = (spec: Pick<JsonSpec, "cpu" | "memory" | "disk" | "network">): ResourceSpec => ({
  cpu: spec.cpu,
  memory: spec.memory,
  disk: spec.disk,
  network: spec.network
})

export interface RunnerLimits {
  /** `--cpus`: pin every job to these CPUs. */
  readonly cpuset?: string | undefined
  readonly maxOutputBytes?: number | undefined
  readonly maxFileCount?: number | undefined
  readonly pids?: number | undefined
  /** Where per-iteration scratch directories (bundle, output dir) are created and removed. */
  readonly scratchRoot: string
}

export interface ExecuteRequest {
  readonly executor: Executor
  readonly image: PulledImage
  /** How the image was named, for the build-time benchmark name when there is no command. */
  readonly imageName: string
  readonly job: JobSettings
  readonly spec?: ResourceSpec | undefined
  readonly runner: RunnerLimits
  readonly signal?: AbortSignal | undefined
  /** Output of iteration `iteration` (0-based) as it arrives, for followers of the job. */
  readonly onOutput?: ((iteration: number, stream: "stdout" | "stderr", chunk: Buffer) => void) | undefined
}

export interface ExecuteResult {
  /** One per iteration that ran, in order: what `completed`/`failed` carry. */
  readonly results: ReadonlyArray<JsonIterationOutput>
  readonly runs: ReadonlyArray<RunResult>
  /** Why the job failed (timeout, OOM, non-zero exit without allow_failure); absent when it succeeded. */
  readonly error: string | undefined
  readonly canceled: boolean
  readonly argv: ReadonlyArray<string>
}

/** Bencher's key for the synthetic build_time/file_size output (docs/reference.md §5.6). */
export const BENCHER_OUTPUT_KEY = "\0bencher"
export const DEFAULT_PIDS = 1024

/** Docker's rule: an entrypoint override drops the image's Cmd unless a cmd is given too. */
export const mergeCommand = (
  image: ImageRuntime,
  job: Pick<JobSettings, "entrypoint" | "cmd">
): ReadonlyArray<string> => {
  const entrypoint = job.entrypoint ?? image.entrypoint
  const cmd = job.cmd ?? (job.entrypoint != null ? [] : image.cmd)
  return [...entrypoint, ...cmd]
}

/** Image env, then the job's env over it (by key), plus BENCHER_OUTPUT_DIR unless the job set it. */
export const mergeEnv = (image: ImageRuntime, job: Pick<JobSettings, "env">): Record<string, string> => {
  const env: Record<string, string> = { PATH: "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" }
  for (const entry of image.env) {
    const eq = entry.indexOf("=")
    if (eq > 0) env[entry.slice(0, eq)] = entry.slice(eq + 1)
  }
  return { BENCHER_OUTPUT_DIR: SANDBOX_OUTPUT_DIR, ...env, ...(job.env ?? {}) }
}

const SIGNALS: Readonly<Record<string, number>> = {
  SIGKILL: 9,
  SIGTERM: 15,
  SIGSEGV: 11,
  SIGABRT: 6,
  SIGINT: 2,
  SIGBUS: 7
}

/** A killed process reports 128 + signal, as shells and runtimes do. */
export const exitCodeOf = (run: RunResult): number =>
  run.exitCode ?? 128 + (run.signal === null ? 9 : (SIGNALS[run.signal] ?? 9))

const mib = (n: number) => `${Math.round(n / 1024 / 1024)} MiB`

/** Said in stderr and in the error when the job filled its size-limited /output. */
const outputFullNote = (run: RunResult): string | undefined =>
  run.outputFull === true
    ? `${SANDBOX_OUTPUT_DIR} is full: the job hit its disk limit of ${mib(run.outputLimitBytes ?? 0)} (no space left on device)`
    : undefined

const size = (n: number) => (n >= 1024 * 1024 ? mib(n) : `${n} bytes`)

const truncationNote = (run: RunResult, limit: number): string =>
  [
    run.stdoutTruncated
      ? `stdout truncated at ${size(limit)}: kept its first and last ${size(limit / 2)} of ${run.stdoutBytes} bytes written`
      : undefined,
    run.stderrTruncated
      ? `stderr truncated at ${size(limit)}: kept its first and last ${size(limit / 2)} of ${run.stderrBytes} bytes written`
      : undefined,
    ...run.files.filter((f) => f.truncated).map((f) => `${f.path} truncated at ${size(limit)} (${f.size} bytes)`),
    ...run.missingFiles.map((m) => `${m.path}: ${m.reason}`),
    outputFullNote(run)
  ]
    .filter((x) => x !== undefined)
    .map((x) => `\n[bencher runner] ${x}`)
    .join("")

/** Bytes of output the caps dropped: the middle of a long stream, the end of a long file (when files are sent). */
export const droppedBytes = (run: RunResult, files: boolean): number =>
  (run.stdoutTruncated ? Math.max(0, run.stdoutBytes - run.stdout.length) : 0) +
  (run.stderrTruncated ? Math.max(0, run.stderrBytes - run.stderr.length) : 0) +
  (files ? run.files.reduce((n, f) => n + (f.truncated ? Math.max(0, f.size - f.content.length) : 0), 0) : 0)

/** A capped stream as text: its head and tail are decoded apart, so no character is split across the cut. */
const streamText = (bytes: Buffer, truncated: boolean, limit: number): string => {
  const cut = Math.ceil(limit / 2)
  return truncated && bytes.length > cut
    ? bytes.subarray(0, cut).toString("utf8") + bytes.subarray(cut).toString("utf8")
    : bytes.toString("utf8")
}

/** The `"\0bencher"` BMF of build_time (seconds, 2 decimals, named after the command) and file_size (per file). */
export const bencherMetrics = (
  run: RunResult,
  job: Pick<JobSettings, "build_time" | "file_size">,
  name: string
): string => {
  const bmf: Record<string, Record<string, { value: number }>> = {}
  if (job.build_time === true) bmf[name] = { "build-time": { value: Math.round(run.wallMs / 10) / 100 } }
  if (job.file_size === true) {
    for (const file of run.files)
      bmf[basename(file.path)] = { ...bmf[basename(file.path)], "file-size": { value: file.size } }
  }
  return JSON.stringify(bmf)
}

export const iterationOutput = (
  run: RunResult,
  job: JobSettings,
  name: string,
  maxOutputBytes: number
): JsonIterationOutput => {
  const stdout = streamText(run.stdout, run.stdoutTruncated, maxOutputBytes)
  const stderr = streamText(run.stderr, run.stderrTruncated, maxOutputBytes) + truncationNote(run, maxOutputBytes)
  // With build_time or file_size only the files' sizes are sent, never their (capped) contents.
  const metricsOnly = job.build_time === true || job.file_size === true
  const dropped = droppedBytes(run, !metricsOnly)
  const truncated = run.stdoutTruncated || run.stderrTruncated || (!metricsOnly && run.files.some((f) => f.truncated))
  const output: Record<string, string> = {}
  if (metricsOnly) output[BENCHER_OUTPUT_KEY] = bencherMetrics(run, job, name)
  else for (const file of run.files) output[file.path] = file.content.toString("utf8")
  return new JsonIterationOutput({
    exit_code: exitCodeOf(run),
    ...(stdout === "" ? {} : { stdout }),
    ...(stderr === "" ? {} : { stderr }),
    ...(Object.keys(output).length === 0 ? {} : { output }),
    ...(truncated ? { truncated: true, dropped_bytes: dropped } : {})
  })
}

const failureOf = (run: RunResult, timeoutS: number, memory: number | undefined): string | undefined => {
  if (run.timedOut) return `timed out after ${timeoutS} s; the whole process tree was killed`
  if (run.oomKilled) return `killed: out of memory${memory === undefined ? "" : ` (limit ${mib(memory)})`}`
  const code = exitCodeOf(run)
  const full = outputFullNote(run)
  return code === 0
    ? undefined
    : `exited with code ${code}${run.signal === null ? "" : ` (${run.signal})`}${full === undefined ? "" : `; ${full}`}`
}

/**
 * Runs a job's iterations (docs/reference.md §5.6): stops early on cancel, on timeout (one deadline for the
 * whole job), or on a non-zero exit unless allow_failure; reads `file_paths` after each exit.
 */
export const execute = (request: ExecuteRequest): Effect.Effect<ExecuteResult, SandboxFailed | ImageInvalid> =>
  Effect.gen(function* () {
    const { executor, image, job } = request
    const argv = mergeCommand(image.runtime, job)
    if (argv.length === 0) {
      return yield* new ImageInvalid({
        message: "the image has no Entrypoint or Cmd and the job gives no entrypoint or cmd"
      })
    }
    const env = mergeEnv(image.runtime, job)
    const iterations = job.iter ?? 1
    const maxOutputBytes = request.runner.maxOutputBytes ?? MAX_OUTPUT_BYTES
    const memory = request.spec?.memory !== undefined && request.spec.memory > 0 ? request.spec.memory : undefined
    // Bencher names the build-time benchmark after the job's entrypoint + cmd, else after the image.
    const name = [...(job.entrypoint ?? []), ...(job.cmd ?? [])].join(" ") || request.imageName
    const deadline = Date.now() + job.timeout * 1000
    const results: Array<JsonIterationOutput> = []
    const runs: Array<RunResult> = []
    let error: string | undefined
    let canceled = false
    yield* Effect.tryPromise({
      try: () => mkdir(request.runner.scratchRoot, { recursive: true }),
      catch: (e) => new SandboxFailed({ executor: executor.kind, message: `scratch dir: ${String(e)}` })
    })
    for (let i = 0; i < iterations; i++) {
      const id = randomBytes(8).toString("hex")
      const scratchDir = join(request.runner.scratchRoot, id)
      const run = yield* Effect.acquireUseRelease(
        Effect.promise(() => mkdir(scratchDir, { recursive: true })),
        () =>
          executor.run(
            {
              id,
              rootfs: image.rootfs,
              argv,
              env,
              cwd: image.runtime.workingDir,
              network: request.spec?.network === true,
              filePaths: job.file_paths ?? [],
              scratchDir,
              onOutput:
                request.onOutput === undefined ? undefined : (stream, chunk) => request.onOutput?.(i, stream, chunk),
              limits: {
                memoryBytes: memory,
                vcpus: request.spec?.cpu !== undefined && request.spec.cpu > 0 ? request.spec.cpu : undefined,
                pids: request.runner.pids ?? DEFAULT_PIDS,
                cpuset: request.runner.cpuset,
                tmpBytes: request.spec?.disk !== undefined && request.spec.disk > 0 ? request.spec.disk : undefined,
                timeoutMs: Math.max(1, deadline - Date.now()),
                maxOutputBytes,
                maxFileCount: request.runner.maxFileCount ?? MAX_FILE_COUNT
              }
            },
            request.signal
          ),
        () => Effect.promise(() => rm(scratchDir, { recursive: true, force: true }).catch(() => undefined))
      )
      runs.push(run)
      results.push(iterationOutput(run, job, name, maxOutputBytes))
      if (run.canceled) {
        canceled = true
        break
      }
      const failure = failureOf(run, job.timeout, memory)
      if (run.timedOut || (failure !== undefined && job.allow_failure !== true)) {
        error = `iteration ${i + 1} of ${iterations}: ${failure}`
        break
      }
    }
    return { results, runs, error, canceled, argv }
  })

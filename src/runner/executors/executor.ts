import type { Effect } from "effect"
import type { ExecutorUnavailable, SandboxFailed } from "../errors.js"

/** Strongest first: the order `bencher runner up` probes them in. `local` is never picked without an explicit opt-in. */
export const ExecutorKinds = ["firecracker", "oci", "bwrap", "unshare", "local"] as const
export type ExecutorKind = (typeof ExecutorKinds)[number]

/** Where the sandbox's writable output directory is mounted; also exported to the job as BENCHER_OUTPUT_DIR. */
export const SANDBOX_OUTPUT_DIR = "/output"
export const SANDBOX_UID = 65534
/** Size of the tmpfs /tmp when the spec gives no disk size. */
export const DEFAULT_TMP_BYTES = 64 * 1024 * 1024
/** Size of /output when the spec gives no disk size (disk 0): a bound rather than the host's disk. */
export const DEFAULT_OUTPUT_BYTES = 1024 * 1024 * 1024

export interface SandboxLimits {
  /** Memory limit in bytes (no swap beyond it). */
  readonly memoryBytes?: number | undefined
  /** CPU quota in vCPUs (1 = one full core); from the job's spec. */
  readonly vcpus?: number | undefined
  readonly pids?: number | undefined
  /** CPU pinning (cpuset list such as "2-3") when the runner was started with `--cpus`. */
  readonly cpuset?: string | undefined
  /** The spec's disk: size of each writable path, the tmpfs /tmp and (as root) the tmpfs /output, in bytes. */
  readonly tmpBytes?: number | undefined
  readonly timeoutMs: number
  /** Cap on each of stdout, stderr and every output file. */
  readonly maxOutputBytes: number
  readonly maxFileCount: number
}

export interface RunSpec {
  /** Unique per run: container id and cgroup name. */
  readonly id: string
  /** Read-only root filesystem (the unpacked image). */
  readonly rootfs: string
  readonly argv: ReadonlyArray<string>
  readonly env: Readonly<Record<string, string>>
  readonly cwd: string
  readonly network: boolean
  /** Files to read from the sandbox after exit (absolute, or relative to `cwd`). */
  readonly filePaths: ReadonlyArray<string>
  /** A fresh host directory owned by this run: bundle, state and the writable output dir live here. */
  readonly scratchDir: string
  /**
   * The runner instance the sandbox belongs to (see orphans.ts): prefixes its cgroup and picks the OCI runtime's
   * state dir, so a later instance can find and kill what a killed one left. Absent: shared defaults.
   */
  readonly owner?: string | undefined
  readonly limits: SandboxLimits
  /** Told about stdout/stderr as it arrives (the runner forwards it to followers); the result still has it all. */
  readonly onOutput?: ((stream: "stdout" | "stderr", chunk: Buffer) => void) | undefined
  /** Extra read-only host binds (the probes use them to borrow the host's /usr). */
  readonly binds?: ReadonlyArray<{ readonly source: string; readonly target: string }> | undefined
}

export interface OutputFile {
  /** As the job named it. */
  readonly path: string
  readonly content: Buffer
  /** Real size; larger than `content` when truncated. */
  readonly size: number
  readonly truncated: boolean
}

export interface RunResult {
  /** null when the process was killed by a signal. */
  readonly exitCode: number | null
  readonly signal: string | null
  readonly timedOut: boolean
  readonly oomKilled: boolean
  readonly canceled: boolean
  readonly stdout: Buffer
  readonly stderr: Buffer
  /** Bytes written in total; more than the buffer when truncated. */
  readonly stdoutBytes: number
  readonly stderrBytes: number
  readonly stdoutTruncated: boolean
  readonly stderrTruncated: boolean
  readonly files: ReadonlyArray<OutputFile>
  /** Files named by the job that were absent, outside the root, or over the file-count limit. */
  readonly missingFiles: ReadonlyArray<{ readonly path: string; readonly reason: string }>
  /** Size of the size-limited /output, when it was one (the runner is root). */
  readonly outputLimitBytes?: number | undefined
  /** /output was full at exit: the job ran into its disk limit. */
  readonly outputFull?: boolean | undefined
  readonly cpuTimeNs: number | undefined
  readonly peakMemoryBytes: number | undefined
  readonly wallMs: number
}

export interface Executor {
  readonly kind: ExecutorKind
  /** What exactly runs (e.g. "oci (crun 1.8.1)"), for logs. */
  readonly describe: string
  /** Succeeds only when a real run would work here. */
  readonly probe: Effect.Effect<void, ExecutorUnavailable>
  /** Runs to completion, timeout or cancellation (the signal, or interrupting the effect); kills the whole tree. */
  readonly run: (spec: RunSpec, signal?: AbortSignal) => Effect.Effect<RunResult, SandboxFailed>
}

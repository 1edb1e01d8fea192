import { Effect } from "effect"
import { chmod, chown, mkdir, statfs } from "node:fs/promises"
import { join } from "node:path"
import { SandboxFailed } from "../errors.js"
import { createJobCgroup, enterCgroupArgv, type JobCgroup } from "./cgroups.js"
import { DEFAULT_OUTPUT_BYTES, type ExecutorKind, type RunResult, type RunSpec, SANDBOX_UID } from "./executor.js"
import { collectFiles, type SandboxView } from "./files.js"
import { runHelper, supervise } from "./process.js"

/** Output dirs that are size-limited tmpfs mounts, by host path, with their size; unmounted after the run. */
const limitedOutputs = new Map<string, number>()

/**
 * The writable output directory of a run, on the host; owned by the sandbox user, or by the caller when a user
 * namespace maps the sandbox user to the caller (bwrap). As root it is a tmpfs of the spec's disk size
 * (DEFAULT_OUTPUT_BYTES when the spec gives none), so a job cannot fill the host's disk; the runner reads the
 * job's files from it after exit, then unmounts it. Without root it is a plain directory.
 */
export const prepareOutputDir = async (spec: RunSpec, owner: "sandbox" | "caller" = "sandbox"): Promise<string> => {
  const dir = join(spec.scratchDir, "output")
  await mkdir(dir, { recursive: true })
  if (process.getuid?.() === 0 && !limitedOutputs.has(dir)) {
    const size = spec.limits.tmpBytes ?? DEFAULT_OUTPUT_BYTES
    const mounted = await runHelper(["mount", "-t", "tmpfs", "-o", `nosuid,nodev,mode=0755,size=${size}`, "tmpfs", dir])
    if (!mounted.ok) throw new Error(`cannot mount the size-limited /output: ${mounted.output}`)
    limitedOutputs.set(dir, size)
  }
  if (owner === "caller") {
    if (process.getuid?.() === 0) await chown(dir, 0, 0)
    await chmod(dir, 0o755)
  } else if (process.getuid?.() === 0) await chown(dir, SANDBOX_UID, SANDBOX_UID)
  else await chmod(dir, 0o777)
  return dir
}

export interface SandboxInvocation {
  readonly argv: ReadonlyArray<string>
  readonly env: Readonly<Record<string, string>>
  readonly cwd?: string | undefined
  readonly extraFds?: ReadonlyArray<number> | undefined
  /** Run the sandbox process inside the job cgroup (false when the OCI runtime places it itself). */
  readonly enterCgroup: boolean
  readonly killTree?: (() => Promise<void>) | undefined
  readonly cleanup?: (() => Promise<void>) | undefined
}

const OOM_SLACK_BYTES = 1024 * 1024

/** True when the size-limited output dir has no free block left (a write hit ENOSPC) or no free inode. */
const outputFull = async (dir: string): Promise<boolean> => {
  if (!limitedOutputs.has(dir)) return false
  const info = await statfs(dir).catch(() => undefined)
  return info !== undefined && (info.bavail === 0 || info.ffree === 0)
}

/** Unmounts a size-limited output dir (lazily: nothing of the job may hold it, but it must not stay). */
export const releaseOutputDir = async (dir: string): Promise<void> => {
  if (!limitedOutputs.has(dir)) return
  limitedOutputs.delete(dir)
  // A failure here leaves a mount under the scratch dir, which the next start's orphan sweep unmounts.
  await runHelper(["umount", "-l", dir])
}

/** The per-run cgroup's name: prefixed with the runner instance that owns it, so a later instance finds it. */
export const cgroupNameOf = (spec: Pick<RunSpec, "id" | "owner">): string =>
  spec.owner === undefined ? spec.id : `${spec.owner}-${spec.id}`

const fail = (kind: ExecutorKind, what: string) => (e: unknown) =>
  new SandboxFailed({ executor: kind, message: `${what}: ${String(e instanceof Error ? e.message : e)}` })

/**
 * The part every namespace executor shares: per-run cgroup (when root), supervised process with capped output
 * and a kill of the whole tree on timeout or cancel, usage read from the cgroup, then output files.
 */
export const runInSandbox = (
  kind: ExecutorKind,
  spec: RunSpec,
  signal: AbortSignal | undefined,
  view: SandboxView,
  build: (cgroup: JobCgroup | undefined) => Promise<SandboxInvocation>
): Effect.Effect<RunResult, SandboxFailed> =>
  Effect.acquireUseRelease(
    Effect.tryPromise({
      try: () => createJobCgroup(cgroupNameOf(spec), spec.limits),
      catch: fail(kind, "creating the job cgroup")
    }),
    (cgroup) =>
      Effect.tryPromise({
        try: async (interrupted) => {
          const invocation = await build(cgroup)
          const abort = new AbortController()
          const forward = () => abort.abort()
          signal?.addEventListener("abort", forward, { once: true })
          interrupted.addEventListener("abort", forward, { once: true })
          if (signal?.aborted === true) abort.abort()
          try {
            const exit = await supervise({
              argv: invocation.enterCgroup ? enterCgroupArgv(cgroup, invocation.argv) : invocation.argv,
              env: invocation.env,
              cwd: invocation.cwd,
              extraFds: invocation.extraFds,
              timeoutMs: spec.limits.timeoutMs,
              maxOutputBytes: spec.limits.maxOutputBytes,
              signal: abort.signal,
              onOutput: spec.onOutput,
              killTree: async () => {
                await invocation.killTree?.()
                await cgroup?.killAll()
              }
            })
            if (exit.spawnError !== undefined) throw new Error(`cannot start ${invocation.argv[0]}: ${exit.spawnError}`)
            await cgroup?.killAll()
            const usage = await cgroup?.usage()
            // The OOM kill is counted in the victim's cgroup, which an OCI runtime deletes with the container;
            // the per-run parent still shows its peak at the limit, and the SIGKILL says the rest.
            const killed = exit.signal === "SIGKILL" || exit.exitCode === 137
            const limit = spec.limits.memoryBytes
            const atLimit =
              usage?.memoryLimitHit === true ||
              (limit !== undefined && (usage?.peakMemoryBytes ?? 0) >= limit - OOM_SLACK_BYTES)
            const oomKilled =
              usage !== undefined && (usage.oomKilled || (atLimit && killed && !exit.timedOut && !exit.canceled))
            const { files, missing } = await collectFiles(
              view,
              spec.filePaths,
              spec.limits.maxFileCount,
              spec.limits.maxOutputBytes
            )
            const outputLimitBytes = limitedOutputs.get(view.outputDir)
            return {
              exitCode: exit.signal === null ? exit.exitCode : null,
              signal: exit.signal,
              timedOut: exit.timedOut,
              oomKilled,
              canceled: exit.canceled,
              stdout: exit.stdout.buffer,
              stderr: exit.stderr.buffer,
              stdoutBytes: exit.stdout.total,
              stderrBytes: exit.stderr.total,
              stdoutTruncated: exit.stdout.truncated,
              stderrTruncated: exit.stderr.truncated,
              files,
              missingFiles: missing,
              outputLimitBytes,
              outputFull: await outputFull(view.outputDir),
              cpuTimeNs: usage?.cpuTimeNs,
              peakMemoryBytes: usage?.peakMemoryBytes,
              wallMs: exit.wallMs
            } satisfies RunResult
          } finally {
            signal?.removeEventListener("abort", forward)
            await invocation.cleanup?.().catch(() => undefined)
          }
        },
        catch: fail(kind, "running the sandbox")
      }).pipe(Effect.ensuring(Effect.promise(() => releaseOutputDir(view.outputDir).catch(() => undefined)))),
    (cgroup) => Effect.promise(() => (cgroup?.remove() ?? Promise.resolve()).catch(() => undefined))
  )

/** `KEY=VALUE` list to record. */
export const envList = (env: Readonly<Record<string, string>>): Array<string> =>
  Object.entries(env).map(([k, v]) => `${k}=${v}`)

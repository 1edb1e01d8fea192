import { spawn, type StdioOptions } from "node:child_process"
import { accessSync, constants } from "node:fs"
import type { Readable } from "node:stream"

/**
 * Keeps the first and the last half of `max` bytes of a stream (a benchmark's results are usually what it prints
 * last) and drains the middle, so a chatty child never blocks on a full pipe.
 */
class CappedBuffer {
  private readonly head: Array<Buffer> = []
  private headBytes = 0
  private tail: Array<Buffer> = []
  private tailBytes = 0
  total = 0
  constructor(private readonly max: number) {}
  push(chunk: Buffer) {
    this.total += chunk.length
    const headMax = Math.ceil(this.max / 2)
    const tailMax = this.max - headMax
    let rest = chunk
    if (this.headBytes < headMax) {
      const part = rest.subarray(0, headMax - this.headBytes)
      this.head.push(part)
      this.headBytes += part.length
      rest = rest.subarray(part.length)
    }
    if (rest.length === 0) return
    this.tail.push(rest)
    this.tailBytes += rest.length
    while (this.tailBytes > tailMax) {
      const first = this.tail[0] as Buffer
      const over = this.tailBytes - tailMax
      if (first.length <= over) this.tail.shift()
      else this.tail[0] = first.subarray(over)
      this.tailBytes -= Math.min(first.length, over)
    }
  }
  /** The head, then the tail: when truncated, the cut is after the first `ceil(max / 2)` bytes. */
  get buffer() {
    return Buffer.concat([...this.head, ...this.tail])
  }
  get truncated() {
    return this.total > this.max
  }
}

export interface SupervisedRun {
  readonly argv: ReadonlyArray<string>
  readonly env: Readonly<Record<string, string>>
  readonly cwd?: string | undefined
  readonly timeoutMs: number
  readonly maxOutputBytes: number
  readonly signal?: AbortSignal | undefined
  /** Extra fds after stdin/stdout/stderr (e.g. a seccomp program for bwrap on fd 3). */
  readonly extraFds?: ReadonlyArray<number> | undefined
  /** Each piece of stdout/stderr as it arrives, before any cap. */
  readonly onOutput?: ((stream: "stdout" | "stderr", chunk: Buffer) => void) | undefined
  /** Kills what the process group may not reach (a container, a cgroup); called on timeout and cancel. */
  readonly killTree?: (() => Promise<void>) | undefined
}

export interface SupervisedExit {
  readonly exitCode: number | null
  readonly signal: string | null
  readonly timedOut: boolean
  readonly canceled: boolean
  readonly spawnError: string | undefined
  readonly stdout: CappedBuffer
  readonly stderr: CappedBuffer
  readonly wallMs: number
}

/**
 * Spawns in its own process group and waits for exit and for both pipes to close. On timeout or cancel the
 * whole group gets SIGKILL (a process that ignores SIGTERM is no different), plus whatever `killTree` adds.
 */
export const supervise = (run: SupervisedRun): Promise<SupervisedExit> =>
  new Promise((resolve) => {
    const started = performance.now()
    const stdout = new CappedBuffer(run.maxOutputBytes)
    const stderr = new CappedBuffer(run.maxOutputBytes)
    const [file, ...args] = run.argv
    const stdio: StdioOptions = ["ignore", "pipe", "pipe", ...(run.extraFds ?? [])]
    let timedOut = false
    let canceled = false
    let settled = false
    const child = spawn(file ?? "/nonexistent", args, {
      env: { ...run.env },
      cwd: run.cwd,
      stdio,
      detached: true
    })
    const killAll = () => {
      if (child.pid !== undefined) {
        try {
          process.kill(-child.pid, "SIGKILL")
        } catch {
          // The group is already gone.
        }
      }
      void run.killTree?.().catch(() => undefined)
    }
    const timer = setTimeout(() => {
      timedOut = true
      killAll()
    }, run.timeoutMs)
    const onAbort = () => {
      canceled = true
      killAll()
    }
    if (run.signal?.aborted === true) onAbort()
    run.signal?.addEventListener("abort", onAbort, { once: true })
    ;(child.stdout as Readable | null)?.on("data", (c: Buffer) => {
      stdout.push(c)
      run.onOutput?.("stdout", c)
    })
    ;(child.stderr as Readable | null)?.on("data", (c: Buffer) => {
      stderr.push(c)
      run.onOutput?.("stderr", c)
    })

    const finish = (exitCode: number | null, signal: string | null, spawnError?: string) => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      run.signal?.removeEventListener("abort", onAbort)
      resolve({
        exitCode,
        signal,
        timedOut,
        canceled,
        spawnError,
        stdout,
        stderr,
        wallMs: performance.now() - started
      })
    }
    child.on("error", (e) => finish(null, null, e.message))
    child.on("exit", (code, signal) => {
      // A grandchild that escaped the group could hold the pipes open: give them a moment, then stop waiting.
      const grace = setTimeout(() => {
        child.stdout?.destroy()
        child.stderr?.destroy()
        finish(code, signal)
      }, 2000)
      child.on("close", () => {
        clearTimeout(grace)
        finish(code, signal)
      })
    })
  })

/** Runs a short helper command (runtime kill/delete, probes) and returns its exit code and output. */
export const runHelper = (argv: ReadonlyArray<string>, timeoutMs = 10_000, env: Record<string, string> = {}) =>
  supervise({
    argv,
    env: { PATH: "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", ...env },
    timeoutMs,
    maxOutputBytes: 64 * 1024
  }).then((r) => ({
    ok: r.exitCode === 0,
    exitCode: r.exitCode,
    output: `${r.spawnError ?? ""}${r.stdout.buffer.toString("utf8")}${r.stderr.buffer.toString("utf8")}`.trim(),
    timedOut: r.timedOut
  }))

/** Absolute path of a binary on PATH, or undefined. */
export const which = (name: string): string | undefined => {
  for (const dir of (process.env.PATH ?? "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin")
    .split(":")
    .concat(["/usr/sbin", "/sbin"])) {
    const candidate = `${dir}/${name}`
    try {
      accessSync(candidate, constants.X_OK)
      return candidate
    } catch {
      // Not here.
    }
  }
  return undefined
}

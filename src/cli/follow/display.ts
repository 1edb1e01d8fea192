import type { JobStatus } from "../../domain/job.js"

// What a person (or a CI log) sees while a remote job runs: status changes, and the benchmark's output as it
// arrives. Status goes to stderr, so stdout carries only the benchmark's stdout and the final report.

export interface StatusChange {
  readonly status: JobStatus
  readonly runner: string | null
  readonly error: string | null
}

export interface FollowDisplay {
  readonly status: (change: StatusChange) => void
  readonly output: (iteration: number, stream: "stdout" | "stderr", text: string) => void
  readonly note: (line: string) => void
  /** Stops (true) and restarts (false) redrawing a TTY's status line, while a question waits for an answer. */
  readonly pause: (paused: boolean) => void
  /** Clears a TTY's status line before the report is printed. */
  readonly close: () => void
}

export const describeStatus = (job: string, change: StatusChange): string => {
  switch (change.status) {
    case "claimed":
      return `Job ${job}: claimed${change.runner === null ? "" : ` by ${change.runner}`}`
    case "failed":
    case "canceled":
      return `Job ${job}: ${change.status}${change.error === null ? "" : ` (${change.error})`}`
    default:
      return `Job ${job}: ${change.status}`
  }
}

const SPINNER = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"]

interface Writers {
  readonly stdout: (text: string) => void
  readonly stderr: (text: string) => void
}

const processWriters: Writers = {
  stdout: (text) => void process.stdout.write(text),
  stderr: (text) => void process.stderr.write(text)
}

/**
 * Output lines, prefixed with `[n] ` (1-based iteration) when the job runs several iterations. Chunks need not end
 * at a line end, so whether the next character starts a line is kept per iteration and stream.
 */
const outputWriter = (prefixIterations: boolean, writers: Writers) => {
  const atLineStart = new Map<string, boolean>()
  return (iteration: number, stream: "stdout" | "stderr", text: string): boolean => {
    const key = `${iteration}:${stream}`
    let start = atLineStart.get(key) ?? true
    let out = text
    if (prefixIterations) {
      const prefix = `[${iteration + 1}] `
      out = ""
      for (const ch of text) {
        if (start) out += prefix
        out += ch
        start = ch === "\n"
      }
    } else if (text.length > 0) start = text.endsWith("\n")
    atLineStart.set(key, start)
    writers[stream](out)
    return start
  }
}

/** A CI log: one line per status change on stderr, output as it comes. */
export const lineDisplay = (
  job: string,
  options: { readonly prefixIterations: boolean; readonly writers?: Writers }
): FollowDisplay => {
  const writers = options.writers ?? processWriters
  const write = outputWriter(options.prefixIterations, writers)
  return {
    status: (change) => writers.stderr(describeStatus(job, change) + "\n"),
    output: (iteration, stream, text) => void write(iteration, stream, text),
    note: (line) => writers.stderr(line + "\n"),
    pause: () => undefined,
    close: () => undefined
  }
}

/** `--quiet`: nothing until the report. */
export const quietDisplay: FollowDisplay = {
  status: () => undefined,
  output: () => undefined,
  note: () => undefined,
  pause: () => undefined,
  close: () => undefined
}

/**
 * A terminal: one status line at the bottom (spinner, status, elapsed seconds), redrawn every 100 ms; output is
 * written above it. While the output stops mid-line, the status line waits, so it never splits a line.
 */
export const ttyDisplay = (
  job: string,
  options: { readonly prefixIterations: boolean; readonly startedAt: number }
): FollowDisplay => {
  const write = outputWriter(options.prefixIterations, processWriters)
  let current = `Job ${job}: submitted`
  let frame = 0
  let drawn = false
  let midLine = false
  let paused = false
  const clear = () => {
    if (drawn) process.stderr.write("\r\x1b[2K")
    drawn = false
  }
  const draw = () => {
    if (midLine || paused) return
    const elapsed = ((Date.now() - options.startedAt) / 1000).toFixed(1)
    process.stderr.write(`\r\x1b[2K${SPINNER[frame++ % SPINNER.length]} ${current} (${elapsed}s)`)
    drawn = true
  }
  const timer = setInterval(draw, 100)
  timer.unref()
  return {
    status: (change) => {
      clear()
      current = describeStatus(job, change)
      process.stderr.write(current + "\n")
      draw()
    },
    output: (iteration, stream, text) => {
      clear()
      midLine = !write(iteration, stream, text)
      draw()
    },
    note: (line) => {
      clear()
      process.stderr.write(line + "\n")
      draw()
    },
    pause: (pause) => {
      if (pause) clear()
      paused = pause
    },
    close: () => {
      clearInterval(timer)
      clear()
    }
  }
}

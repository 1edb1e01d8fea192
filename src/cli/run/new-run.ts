import { execFileSync } from "node:child_process"
import { basename } from "node:path"
import type { JsonNewRun, JsonReportThresholds, JsonUpdateStartPoint } from "../../domain/run.js"

export interface NewRunInput {
  readonly project: string | undefined
  readonly branch: string | undefined
  readonly hash: string | undefined
  readonly startPoint: typeof JsonUpdateStartPoint.Type | undefined
  readonly testbed: string | undefined
  readonly thresholds: typeof JsonReportThresholds.Type | undefined
  readonly startTime: Date
  readonly endTime: Date
  readonly results: ReadonlyArray<string>
  readonly adapter: string
  readonly average: "mean" | "median" | undefined
  readonly fold: "min" | "max" | "mean" | "median" | undefined
  readonly context: Readonly<Record<string, string>>
  readonly idempotencyKey: string
}

/**
 * The body of `POST /v0/run`: fields that were not given are left out, so the server applies its defaults. Keys
 * come in Bencher's order, which is what `--dry-run` shows.
 */
export const buildNewRun = (input: NewRunInput): JsonNewRun => ({
  ...(input.project !== undefined ? { project: input.project } : {}),
  ...(input.branch !== undefined ? { branch: input.branch } : {}),
  ...(input.hash !== undefined ? { hash: input.hash } : {}),
  ...(input.startPoint !== undefined ? { start_point: input.startPoint } : {}),
  ...(input.testbed !== undefined ? { testbed: input.testbed } : {}),
  ...(input.thresholds !== undefined ? { thresholds: input.thresholds } : {}),
  start_time: input.startTime.toISOString(),
  end_time: input.endTime.toISOString(),
  results: input.results,
  settings: {
    adapter: input.adapter,
    ...(input.average !== undefined ? { average: input.average } : {}),
    ...(input.fold !== undefined ? { fold: input.fold } : {})
  },
  ...(Object.keys(input.context).length > 0 ? { context: input.context } : {}),
  idempotency_key: input.idempotencyKey
})

/** Start and end of a run; with `--backdate <epoch seconds>` the start moves there and the elapsed time is kept. */
export const runTimes = (
  started: Date,
  ended: Date,
  backdateSeconds: number | undefined
): { start: Date; end: Date } => {
  if (backdateSeconds === undefined) return { start: started, end: ended }
  const start = new Date(backdateSeconds * 1000)
  return { start, end: new Date(start.getTime() + Math.max(0, ended.getTime() - started.getTime())) }
}

export const CONTEXT_PREFIX = "bencher.dev/v0/"

const operatingSystem = (): string =>
  process.platform === "darwin" ? "macos" : process.platform === "win32" ? "windows" : process.platform

const git = (args: ReadonlyArray<string>): string | undefined => {
  try {
    const out = execFileSync("git", args, {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "ignore"],
      timeout: 5_000
    }).trim()
    return out === "" ? undefined : out
  } catch {
    return undefined
  }
}

/**
 * Bencher's RunContext: what the server uses when `--branch`, `--hash` or `--testbed` are absent (the git branch,
 * the HEAD commit, the OS name). Git is asked best-effort: outside a repository only the OS is sent.
 */
export const currentRunContext = (): Record<string, string> => {
  const context: Record<string, string> = { [`${CONTEXT_PREFIX}testbed/os`]: operatingSystem() }
  const top = git(["rev-parse", "--show-toplevel"])
  if (top === undefined) return context
  context[`${CONTEXT_PREFIX}repo/name`] = basename(top)
  const root = git(["rev-list", "--max-parents=0", "HEAD"])?.split("\n")[0]
  if (root !== undefined) context[`${CONTEXT_PREFIX}repo/hash`] = root
  const ref = git(["symbolic-ref", "-q", "HEAD"])
  if (ref !== undefined) {
    context[`${CONTEXT_PREFIX}branch/ref`] = ref
    context[`${CONTEXT_PREFIX}branch/ref/name`] = ref.replace(/^refs\/heads\//, "")
  }
  const head = git(["rev-parse", "HEAD"])
  if (head !== undefined) context[`${CONTEXT_PREFIX}branch/hash`] = head
  return context
}

import { FAULTS, type FaultName } from "./faults.js"
import { runSeed, type SimOptions, type SimResult } from "./simulation.js"

export interface Shrunk {
  readonly options: SimOptions
  readonly command: string
  readonly trace: ReadonlyArray<string>
  readonly result: SimResult
}

export const replayCommand = (options: {
  readonly seed: number
  readonly steps?: number
  readonly jobs?: number
  readonly disabled?: ReadonlySet<FaultName>
}) =>
  [
    `npm run sim -- --seed ${options.seed}`,
    options.jobs === undefined ? "" : ` --jobs ${options.jobs}`,
    options.disabled === undefined || options.disabled.size === 0
      ? ""
      : ` --without ${[...options.disabled].join(",")}`,
    options.steps === undefined ? "" : ` --steps ${options.steps}`,
    " --verbose"
  ].join("")

const sameFailure = (a: SimResult, b: SimResult) => !b.ok && b.violation?.invariant === a.violation?.invariant

/**
 * Makes a failing seed smaller while it still fails the same invariant: fewer jobs (halving), then each fault
 * turned off in turn, then the run cut at the failing step. Every candidate is a full deterministic replay, so
 * the result is a command that reproduces the failure. The trace keeps the failing jobs' events and the faults.
 */
export const shrink = (failure: SimResult, base: Omit<SimOptions, "seed"> = {}, budget = 24): Shrunk => {
  let best: SimOptions = { ...base, seed: failure.seed }
  let bestResult = failure
  let tries = 0
  const attempt = (candidate: SimOptions) => {
    if (tries++ >= budget) return false
    const result = runSeed(candidate)
    if (!sameFailure(failure, result)) return false
    best = candidate
    bestResult = result
    return true
  }
  let jobs = best.jobs ?? 100
  while (jobs > 1 && attempt({ ...best, jobs: Math.max(1, Math.floor(jobs / 2)) }))
    jobs = Math.max(1, Math.floor(jobs / 2))
  for (const fault of FAULTS) {
    if (best.disabled?.has(fault) === true || bestResult.faults[fault] === 0) continue
    attempt({ ...best, disabled: new Set([...(best.disabled ?? []), fault]) })
  }
  const steps = bestResult.violation?.step
  if (steps !== undefined) attempt({ ...best, steps })
  const violation = bestResult.violation
  const tags = (violation?.jobs ?? []).map((uuid) => uuid.slice(0, 8))
  const keys = new Set<string>()
  for (const line of bestResult.trace) {
    for (const tag of tags) {
      if (!line.includes(tag)) continue
      const key = /\b(c\d+j\d+)\b/.exec(line)?.[1]
      if (key !== undefined) keys.add(key)
    }
  }
  const patterns = [...keys].map((k) => new RegExp(`\\b${k}\\b`))
  const relevant = bestResult.trace.filter(
    (line) =>
      line.includes("VIOLATION") ||
      / server +(up|down)/.test(line) ||
      line.includes("FAULT partition") ||
      line.includes("FAULT server_restart") ||
      patterns.some((p) => p.test(line)) ||
      tags.some((t) => line.includes(t))
  )
  return {
    options: best,
    command: replayCommand({
      seed: best.seed,
      ...(best.jobs === undefined ? {} : { jobs: best.jobs }),
      ...(best.disabled === undefined ? {} : { disabled: best.disabled }),
      ...(best.steps === undefined ? {} : { steps: best.steps })
    }),
    trace: relevant.slice(-200),
    result: bestResult
  }
}

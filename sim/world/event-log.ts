import { createHash } from "node:crypto"
import { FAULTS, type FaultName } from "../faults.js"

/** The event lines a long run keeps for its report (all of them for short runs). */
const TRACE_KEEP = 4000

/**
 * What happened in one seed, line by line: every line feeds the run's hash (what a replay must reproduce), the
 * last ones are kept for the failure report, and each injected fault is tallied.
 */
export class EventLog {
  private readonly hash = createHash("sha256")
  private readonly lines: Array<string> = []
  readonly faults = Object.fromEntries(FAULTS.map((f) => [f, 0])) as Record<FaultName, number>

  constructor(private readonly onLine?: (line: string) => void) {}

  add(line: string) {
    this.hash.update(line)
    this.hash.update("\n")
    this.lines.push(line)
    if (this.lines.length > TRACE_KEEP * 2) this.lines.splice(0, this.lines.length - TRACE_KEEP)
    this.onLine?.(line)
  }

  digest(): string {
    return this.hash.digest("hex")
  }

  trace(): ReadonlyArray<string> {
    return this.lines.slice(-TRACE_KEEP)
  }
}

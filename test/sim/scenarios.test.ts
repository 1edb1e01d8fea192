import { describe, expect, it } from "vitest"
import { FAULTS, type FaultName } from "../../sim/faults.js"
import { runSeed } from "../../sim/simulation.js"

/** What each fault must visibly cause in its scenario's event log, beyond the fault line itself. */
const effects: Record<FaultName, RegExp> = {
  crash_before_running: /crashed before Running/,
  crash_during: /crashed while running/,
  crash_after_completed: /crashed after sending (completed|failed)/,
  partition: /lost \(partition\)/,
  delay: /message delayed \d+ ms/,
  duplicate: /sent twice/,
  heartbeat_stop: /\(heartbeat_timeout\)/,
  slow_job: /-> canceled runner \S+ \(job_timeout_exceeded\)/,
  user_cancel: /cancel c\d+j\d+: canceled/,
  server_restart: /server +down \(restart\)[\s\S]*server +up \(recovery ran\)/,
  background_busy: /background transaction fails at (begin|commit)/,
  garbage_output: /completed -> failed runner \S+ \(Failed to convert results/,
  nonzero_exit: /-> failed runner \S+ \(sim: iteration exited 1/,
  disk_full: /storing a job's output failed; processing it from memory/
}

describe("simulator scenarios: each fault in a fixed seed, with every invariant holding", () => {
  FAULTS.forEach((fault, index) => {
    const seed = 101 + index
    it(`${fault} (seed ${seed})`, () => {
      const result = runSeed({ seed, jobs: 12, emphasize: fault })
      expect(result.violation).toBeUndefined()
      expect(result.ok).toBe(true)
      expect(result.faults[fault]).toBeGreaterThan(0)
      const log = result.trace.join("\n")
      expect(log).toContain(`FAULT ${fault}`)
      expect(log).toMatch(effects[fault])
      expect(log).toMatch(/world +done: 12 jobs/)
    }, 60_000)
  })
})

import type { AdapterName } from "../../src/adapters/index.js"
import { adapterFixtures, type ExpectedMetric, garbageOutput, generatedBmf, oracleMetrics } from "../fixtures.js"
import type { Rng } from "../rng.js"
import { GRACE_MS, SPECS, type World } from "./world.js"

/** What the client decided a job will do when a runner executes it. */
export interface JobPlan {
  readonly key: string
  readonly client: number
  readonly adapter: AdapterName
  readonly results: ReadonlyArray<{ readonly exit_code: number; readonly stdout: string }>
  /** The runner reports Failed with this error (a non-zero exit) instead of Completed. */
  readonly error: string | null
  readonly durationMs: number
  readonly spec: string
  readonly timeout: number
  /** Metrics the report must hold when processed, and when failed by the runner (exit-0 iterations only). */
  readonly expected: ReadonlyArray<ExpectedMetric> | undefined
}

/**
 * A client's next job: its spec, timeout and run time, and what each iteration prints (a fixture tool output or
 * generated BMF), with the faults of the job itself (too slow, garbage output, a non-zero exit).
 */
export const planJob = (world: World, client: number, index: number, r: Rng): JobPlan => {
  const key = `c${client}j${index}`
  const iterations = r.int(1, 3)
  const spec = r.pick(SPECS)
  const timeout = r.int(30, 60)
  const draws = {
    garbage: r.next(),
    nonzero: r.next(),
    slow: r.next(),
    over: r.int(5000, 60_000),
    normal: r.int(2000, Math.min(timeout * 1000 - 5000, 45_000))
  }
  const garbage = draws.garbage < world.rates.garbage_output
  const nonzero = !garbage && draws.nonzero < world.rates.nonzero_exit
  const slow = draws.slow < world.rates.slow_job
  const durationMs = slow ? timeout * 1000 + GRACE_MS + draws.over : draws.normal
  const fixtures = adapterFixtures()
  const useFixture = r.chance(0.5)
  const fixture = r.pick(fixtures)
  const adapter: AdapterName = useFixture ? fixture.adapter : "json"
  const results: Array<{ exit_code: number; stdout: string }> = []
  const direct: Array<ExpectedMetric> = []
  for (let i = 0; i < iterations; i++) {
    // A fixed number of draws per iteration (the generator's own stream), whatever this iteration becomes.
    const it = r.fork(`iteration-${i}`)
    const junk = garbageOutput(() => it.next())
    const failedHere = nonzero && (i === iterations - 1 || it.chance(0.3))
    const cut = it.next()
    const bmf = generatedBmf(() => it.next())
    if (garbage) {
      results.push({ exit_code: 0, stdout: junk })
      continue
    }
    if (useFixture) {
      results.push(
        failedHere
          ? { exit_code: 1, stdout: fixture.output.slice(0, Math.floor(cut * (fixture.output.length >> 1))) }
          : { exit_code: 0, stdout: fixture.output }
      )
    } else {
      results.push(
        failedHere
          ? { exit_code: 1, stdout: bmf.output.slice(0, Math.floor(cut * (bmf.output.length >> 1))) }
          : { exit_code: 0, stdout: bmf.output }
      )
      if (!failedHere)
        direct.push(
          ...bmf.metrics.map((m) => ({ ...m, iteration: results.filter((x) => x.exit_code === 0).length - 1 }))
        )
    }
  }
  const error = results.some((x) => x.exit_code !== 0) ? `sim: iteration exited 1 (${key})` : null
  const okOutputs = results.filter((x) => x.exit_code === 0).map((x) => x.stdout)
  // Fixtures: the adapter is the oracle. Generated BMF: the values the generator wrote, no adapter involved.
  const expected = garbage ? undefined : useFixture ? oracleMetrics(adapter, okOutputs) : direct
  if (slow)
    world.fault("slow_job", `client${client}`, `${key} will run ${durationMs} ms, over its ${timeout} s timeout`)
  if (garbage) world.fault("garbage_output", `client${client}`, `${key} will print output no adapter accepts`)
  if (nonzero) world.fault("nonzero_exit", `client${client}`, `${key} will exit 1 with partial output`)
  return { key, client, adapter, results, error, durationMs, spec, timeout, expected }
}

import type { Bmf } from "../../src/domain/bmf.js"

let clock = Date.parse("2026-01-01T00:00:00Z")

/** A JsonNewRun body for a run whose results are BMF iterations; each call is one second after the last. */
export const runBody = (iterations: ReadonlyArray<Bmf>, extra: Record<string, unknown> = {}) => {
  clock += 1000
  const at = new Date(clock).toISOString()
  return {
    start_time: at,
    end_time: at,
    results: iterations.map((b) => JSON.stringify(b)),
    settings: { adapter: "json" },
    ...extra
  }
}

export const latency = (name: string, value: number): Bmf => ({ [name]: { latency: { value } } })

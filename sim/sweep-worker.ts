import { parentPort, workerData } from "node:worker_threads"
import type { FaultName } from "./faults.js"
import { runSeed } from "./simulation.js"

/** One sweep worker: runs its share of the seeds and posts each result summary back. */
const { seeds, jobs, without } = workerData as {
  seeds: ReadonlyArray<number>
  jobs?: number
  without: ReadonlyArray<FaultName>
}
for (const seed of seeds) {
  const result = runSeed({ seed, disabled: new Set(without), ...(jobs === undefined ? {} : { jobs }) })
  parentPort?.postMessage({ ...result, trace: [] })
}

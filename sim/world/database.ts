import Sqlite from "better-sqlite3"
import { Cause, Effect, Exit, Layer, Runtime } from "effect"
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { threadId } from "node:worker_threads"
import { StoreLive } from "../../src/store/database.js"
import { TRIGGERS } from "../oracle/transitions.js"
import { SimScheduler, simRuntime } from "../runtime.js"

/** Seed databases live in memory-backed /dev/shm when there is one, one file per seed, removed after its run. */
const seedFile = (name: string) =>
  join(existsSync("/dev/shm") ? "/dev/shm" : tmpdir(), `bencher-sim-${process.pid}-${threadId}-${name}.db`)

export const removeDatabase = (file: string) => {
  for (const suffix of ["", "-wal", "-shm"]) rmSync(file + suffix, { force: true })
}

let template: Buffer | undefined

/**
 * A migrated database with the oracle's transition triggers, built once per process and kept in memory: each
 * seed starts from a copy of these bytes, so nothing is left on disk once the seeds are done.
 */
const templateBytes = (): Buffer => {
  if (template !== undefined) return template
  const file = seedFile("template")
  removeDatabase(file)
  try {
    const scheduler = new SimScheduler()
    const fiber = Runtime.runFork(simRuntime(scheduler))(
      Effect.scoped(Layer.build(StoreLive(file, { checkpoints: "inline" })))
    )
    scheduler.runUntilIdle()
    const exit = fiber.unsafePoll()
    if (exit === null || Exit.isFailure(exit))
      throw new Error(
        `cannot build the simulator's template database: ${exit === null ? "did not finish" : Cause.pretty(exit.cause)}`
      )
    const db = new Sqlite(file)
    for (const statement of TRIGGERS) db.exec(statement)
    db.pragma("wal_checkpoint(TRUNCATE)")
    db.close()
    template = readFileSync(file)
    return template
  } finally {
    removeDatabase(file)
  }
}

/** The seed's own database file, a fresh copy of the template; the caller removes it after the run. */
export const seedDatabase = (seed: number): string => {
  const file = seedFile(`seed-${seed}`)
  removeDatabase(file)
  writeFileSync(file, templateBytes())
  return file
}

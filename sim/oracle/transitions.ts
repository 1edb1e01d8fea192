import type { Reader } from "./reader.js"

/** One change of a job's status or runner, as the database committed it. */
export interface Transition {
  readonly seq: number
  readonly job_id: number
  readonly old_status: number | null
  readonly new_status: number
  readonly old_runner: number | null
  readonly new_runner: number | null
  readonly at: number
  readonly error: string | null
}

/** Triggers that record every transition in sim_transition, so the oracle sees each one however fast they came. */
export const TRIGGERS = [
  `CREATE TABLE IF NOT EXISTS sim_transition (seq INTEGER PRIMARY KEY AUTOINCREMENT, job_id INTEGER NOT NULL,
    old_status INTEGER, new_status INTEGER NOT NULL, old_runner INTEGER, new_runner INTEGER, at INTEGER NOT NULL, error TEXT)`,
  `CREATE TRIGGER IF NOT EXISTS sim_job_insert AFTER INSERT ON job BEGIN
    INSERT INTO sim_transition (job_id, old_status, new_status, old_runner, new_runner, at, error)
    VALUES (new.id, NULL, new.status, NULL, new.runner_id, new.modified, new.error); END`,
  `CREATE TRIGGER IF NOT EXISTS sim_job_update AFTER UPDATE ON job
    WHEN old.status IS NOT new.status OR old.runner_id IS NOT new.runner_id BEGIN
    INSERT INTO sim_transition (job_id, old_status, new_status, old_runner, new_runner, at, error)
    VALUES (new.id, old.status, new.status, old.runner_id, new.runner_id, new.modified, new.error); END`
]

/** The transitions committed since the last read, in commit order. */
export class TransitionFeed {
  private lastSeq = 0
  private dataVersion = -1

  constructor(private readonly reader: Reader) {}

  /** SQLite's data_version moves whenever another connection commits, so most steps (a timer that wrote nothing) skip the query. */
  read(): ReadonlyArray<Transition> {
    const version = this.reader.stmt("PRAGMA data_version").pluck().get() as number
    if (version === this.dataVersion) return []
    this.dataVersion = version
    const transitions = this.reader
      .stmt(`SELECT * FROM sim_transition WHERE seq > ? ORDER BY seq`)
      .all(this.lastSeq) as Array<Transition>
    this.lastSeq = transitions.at(-1)?.seq ?? this.lastSeq
    return transitions
  }
}

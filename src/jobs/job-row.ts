import { type JobStatus, jobStatusFromInt } from "../domain/job.js"

/** A `job` row as the store holds it (status as its integer code). */
export interface JobRow {
  readonly id: number
  readonly uuid: string
  readonly report_id: number
  readonly organization_id: number
  readonly source_ip: string | null
  readonly spec_id: number
  readonly config: string
  readonly timeout: number
  readonly priority: number
  readonly status: number
  readonly runner_id: number | null
  readonly claimed: number | null
  readonly started: number | null
  readonly completed: number | null
  readonly last_heartbeat: number | null
  readonly last_billed_minute: number
  readonly error: string | null
  readonly created: number
  readonly modified: number
}

export const statusOf = (row: Pick<JobRow, "status">): JobStatus => jobStatusFromInt(row.status) ?? "failed"

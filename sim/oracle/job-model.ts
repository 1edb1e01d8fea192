import type { JobStatus } from "../../src/domain/job.js"
import type { JobPlan } from "../world/job-plan.js"

/** The oracle's model of a job: what it was submitted with, and where the committed transitions have taken it. */
export interface JobModel {
  readonly id: number
  readonly uuid: string
  readonly specId: number
  readonly priority: number
  readonly organizationId: number
  readonly sourceIp: string
  readonly created: number
  readonly timeoutMs: number
  readonly reportId: number
  plan: JobPlan | undefined
  status: JobStatus
  runnerId: number | null
  lastEventAt: number
  /** The server's total downtime at the last event, so deadlines stretch by the downtime since. */
  downtimeAtEvent: number
  error: string | null
  /** Billing oracle: the highest minute any accepted heartbeat billed. */
  billed: number
}

export const jobName = (job: JobModel): string => job.plan?.key ?? job.uuid

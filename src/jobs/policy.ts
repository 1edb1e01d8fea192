import { SqlClient } from "@effect/sql"
import { Context, Effect, Layer } from "effect"
import { type JobPriority, jobPriorityToInt } from "../domain/job.js"

/** What an organization's plan allows a job: its priority tier and its timeout bounds (seconds). */
export interface JobAllowance {
  readonly tier: JobPriority
  readonly priority: number
  readonly defaultTimeout: number
  /** null: no upper bound beyond the database's. */
  readonly maxTimeout: number | null
}

export const allowanceFor = (tier: JobPriority): JobAllowance => {
  switch (tier) {
    case "unclaimed":
      return { tier, priority: jobPriorityToInt(tier), defaultTimeout: 60, maxTimeout: 60 }
    case "free":
      return { tier, priority: jobPriorityToInt(tier), defaultTimeout: 300, maxTimeout: 300 }
    case "team":
      return { tier, priority: jobPriorityToInt(tier), defaultTimeout: 3600, maxTimeout: null }
    case "enterprise":
      return { tier, priority: jobPriorityToInt(tier), defaultTimeout: 3600, maxTimeout: null }
  }
}

/**
 * The seam to the identity issue's plans: which tier an organization's jobs run at, and whether its projects may
 * use a spec. The default knows no plans: an organization with members is free, one without is unclaimed, and
 * every live spec is usable.
 */
export class JobPolicy extends Context.Tag("bencher/jobs/JobPolicy")<
  JobPolicy,
  {
    readonly allowance: (organizationId: number) => Effect.Effect<JobAllowance>
    readonly mayUseSpec: (organizationId: number, specId: number) => Effect.Effect<boolean>
  }
>() {
  static readonly Default = Layer.effect(
    this,
    Effect.gen(function* () {
      const sql = yield* SqlClient.SqlClient
      return {
        allowance: (organizationId: number) =>
          sql<{
            n: number
          }>`SELECT count(*) AS n FROM organization_role WHERE organization_id = ${organizationId}`.pipe(
            Effect.map(([row]) => allowanceFor((row?.n ?? 0) > 0 ? "free" : "unclaimed")),
            Effect.orDie
          ),
        mayUseSpec: () => Effect.succeed(true)
      }
    })
  )
}

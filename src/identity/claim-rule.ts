import type { SqlClient } from "@effect/sql"
import { PRIORITY } from "./plan.js"

/** Job statuses that hold a tier's concurrency slot (docs/reference.md §5.3: claimed=1, running=2). */
const ACTIVE_STATUSES = [1, 2] as const

/**
 * The tier rules of the claim query (docs/reference.md §5.4, §5.9), as a condition on the pending job
 * row named `alias`: team and enterprise unlimited; free at most one claimed/running job per organization;
 * unclaimed at most one per source IP. Combine with `status = 0`, the runner's specs and CLAIM_ORDER.
 */
export const tierClaimCondition = (sql: SqlClient.SqlClient, alias = "job") => {
  const j = sql(alias)
  return sql`(
    ${j}.priority >= ${PRIORITY.team}
    OR (${j}.priority >= ${PRIORITY.free} AND NOT EXISTS (
      SELECT 1 FROM job AS active WHERE active.organization_id = ${j}.organization_id
        AND active.status IN ${sql.in(ACTIVE_STATUSES)}))
    OR (${j}.priority < ${PRIORITY.free} AND NOT EXISTS (
      SELECT 1 FROM job AS active WHERE active.source_ip IS ${j}.source_ip AND active.priority < ${PRIORITY.free}
        AND active.status IN ${sql.in(ACTIVE_STATUSES)}))
  )`
}

/** Highest tier first (enterprise before team before free before unclaimed), then oldest. */
export const claimOrder = (sql: SqlClient.SqlClient, alias = "job") => {
  const j = sql(alias)
  return sql`${j}.priority DESC, ${j}.created ASC, ${j}.id ASC`
}

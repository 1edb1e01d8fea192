import { SqlClient } from "@effect/sql"
import { Effect } from "effect"

/**
 * The source address of an unauthenticated run's report (NULL for every other report), and two partial indexes that
 * count such reports per address and per project over a recent window: the anonymous run rate limit of
 * src/runs/submit.ts, counted from the database as the unclaimed-organization limit is.
 */
export default Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient
  yield* sql.unsafe("ALTER TABLE report ADD COLUMN source_ip TEXT")
  yield* sql.unsafe("CREATE INDEX report_anonymous_ip ON report (source_ip, created) WHERE source_ip IS NOT NULL")
  yield* sql.unsafe("CREATE INDEX report_anonymous_project ON report (project_id, created) WHERE source_ip IS NOT NULL")
})

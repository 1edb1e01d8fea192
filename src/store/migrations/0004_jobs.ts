import { SqlClient } from "@effect/sql"
import { Effect } from "effect"

// The raw output of finished jobs (JobOutputStore's default), one row per job, replaced by a later resend.
export default Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient
  yield* sql.unsafe(`CREATE TABLE job_output (
    job_id INTEGER PRIMARY KEY REFERENCES job (id) ON DELETE CASCADE,
    output TEXT NOT NULL,
    created INTEGER NOT NULL
  )`)
})

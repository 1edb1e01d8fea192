import { SqlClient } from "@effect/sql"
import { Effect } from "effect"

// Identity, plans and usage. Keys are stored only as SHA-256 hex; times are epoch milliseconds.
const statements = [
  `CREATE TABLE user_key (
    id INTEGER PRIMARY KEY,
    uuid TEXT NOT NULL UNIQUE,
    user_id INTEGER NOT NULL REFERENCES user (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    key_hash TEXT NOT NULL UNIQUE,
    created INTEGER NOT NULL,
    expiration INTEGER,
    revoked INTEGER
  )`,
  `CREATE INDEX user_key_user ON user_key (user_id)`,
  `CREATE TABLE project_key (
    id INTEGER PRIMARY KEY,
    uuid TEXT NOT NULL UNIQUE,
    project_id INTEGER NOT NULL REFERENCES project (id) ON DELETE CASCADE,
    creator_id INTEGER REFERENCES user (id) ON DELETE SET NULL,
    name TEXT NOT NULL,
    key_hash TEXT NOT NULL UNIQUE,
    created INTEGER NOT NULL,
    expiration INTEGER,
    revoked INTEGER
  )`,
  `CREATE INDEX project_key_project ON project_key (project_id)`,
  // An organization is unclaimed while `claimed` is NULL; `source_ip` is who created it unauthenticated.
  `ALTER TABLE organization ADD COLUMN claimed INTEGER`,
  `ALTER TABLE organization ADD COLUMN source_ip TEXT`,
  `UPDATE organization SET claimed = created`,
  `CREATE INDEX organization_source_ip ON organization (source_ip, created)`,
  // No row means the free plan; level is 'team' or 'enterprise'.
  `CREATE TABLE plan (
    organization_id INTEGER PRIMARY KEY REFERENCES organization (id) ON DELETE CASCADE,
    level TEXT NOT NULL CHECK (level IN ('team', 'enterprise')),
    created INTEGER NOT NULL,
    modified INTEGER NOT NULL
  )`,
  // Append-only: one row per billed delta; through_minute makes a replayed heartbeat a no-op.
  // No foreign keys to job or report: the ledger outlives what it bills.
  `CREATE TABLE usage_runner_minutes (
    id INTEGER PRIMARY KEY,
    organization_id INTEGER NOT NULL,
    job_id INTEGER NOT NULL,
    minutes INTEGER NOT NULL CHECK (minutes > 0),
    through_minute INTEGER NOT NULL,
    recorded_at INTEGER NOT NULL,
    UNIQUE (job_id, through_minute)
  )`,
  `CREATE INDEX usage_runner_minutes_org ON usage_runner_minutes (organization_id, recorded_at)`,
  `CREATE TABLE usage_metrics (
    id INTEGER PRIMARY KEY,
    organization_id INTEGER NOT NULL,
    project_id INTEGER NOT NULL,
    report_id INTEGER NOT NULL UNIQUE,
    metrics INTEGER NOT NULL CHECK (metrics >= 0),
    recorded_at INTEGER NOT NULL
  )`,
  `CREATE INDEX usage_metrics_org ON usage_metrics (organization_id, recorded_at)`
]

export default Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient
  for (const statement of statements) yield* sql.unsafe(statement)
})

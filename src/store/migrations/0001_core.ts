import { SqlClient } from "@effect/sql"
import { Effect } from "effect"

// Core tables of docs/reference.md §8. Times are epoch milliseconds; enums are INTEGER as in Bencher.
const statements = [
  `CREATE TABLE server (
    id INTEGER PRIMARY KEY,
    uuid TEXT NOT NULL UNIQUE,
    created INTEGER NOT NULL
  )`,
  `CREATE TABLE user (
    id INTEGER PRIMARY KEY,
    uuid TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    slug TEXT NOT NULL UNIQUE,
    email TEXT NOT NULL UNIQUE,
    admin INTEGER NOT NULL DEFAULT 0,
    locked INTEGER NOT NULL DEFAULT 0,
    created INTEGER NOT NULL,
    modified INTEGER NOT NULL
  )`,
  `CREATE TABLE organization (
    id INTEGER PRIMARY KEY,
    uuid TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    slug TEXT NOT NULL UNIQUE,
    license TEXT,
    created INTEGER NOT NULL,
    modified INTEGER NOT NULL,
    deleted INTEGER
  )`,
  `CREATE TABLE organization_role (
    id INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES user (id) ON DELETE CASCADE,
    organization_id INTEGER NOT NULL REFERENCES organization (id) ON DELETE CASCADE,
    role TEXT NOT NULL,
    created INTEGER NOT NULL,
    modified INTEGER NOT NULL,
    UNIQUE (user_id, organization_id)
  )`,
  `CREATE TABLE project (
    id INTEGER PRIMARY KEY,
    uuid TEXT NOT NULL UNIQUE,
    organization_id INTEGER NOT NULL REFERENCES organization (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    slug TEXT NOT NULL UNIQUE,
    url TEXT,
    visibility INTEGER NOT NULL DEFAULT 0,
    created INTEGER NOT NULL,
    modified INTEGER NOT NULL,
    deleted INTEGER
  )`,
  `CREATE TABLE project_role (
    id INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES user (id) ON DELETE CASCADE,
    project_id INTEGER NOT NULL REFERENCES project (id) ON DELETE CASCADE,
    role TEXT NOT NULL,
    created INTEGER NOT NULL,
    modified INTEGER NOT NULL,
    UNIQUE (user_id, project_id)
  )`,
  `CREATE TABLE branch (
    id INTEGER PRIMARY KEY,
    uuid TEXT NOT NULL UNIQUE,
    project_id INTEGER NOT NULL REFERENCES project (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    slug TEXT NOT NULL,
    head_id INTEGER REFERENCES head (id) ON DELETE SET NULL,
    created INTEGER NOT NULL,
    modified INTEGER NOT NULL,
    archived INTEGER,
    UNIQUE (project_id, name),
    UNIQUE (project_id, slug)
  )`,
  `CREATE TABLE version (
    id INTEGER PRIMARY KEY,
    uuid TEXT NOT NULL UNIQUE,
    project_id INTEGER NOT NULL REFERENCES project (id) ON DELETE CASCADE,
    number INTEGER NOT NULL,
    hash TEXT
  )`,
  `CREATE INDEX version_project_number ON version (project_id, number)`,
  `CREATE INDEX version_project_hash ON version (project_id, hash)`,
  `CREATE TABLE head (
    id INTEGER PRIMARY KEY,
    uuid TEXT NOT NULL UNIQUE,
    branch_id INTEGER NOT NULL REFERENCES branch (id) ON DELETE CASCADE,
    start_point_id INTEGER REFERENCES head_version (id) ON DELETE SET NULL,
    created INTEGER NOT NULL,
    replaced INTEGER
  )`,
  `CREATE INDEX head_branch ON head (branch_id)`,
  `CREATE TABLE head_version (
    id INTEGER PRIMARY KEY,
    head_id INTEGER NOT NULL REFERENCES head (id) ON DELETE CASCADE,
    version_id INTEGER NOT NULL REFERENCES version (id) ON DELETE CASCADE,
    UNIQUE (head_id, version_id)
  )`,
  `CREATE INDEX head_version_version ON head_version (version_id)`,
  `CREATE TABLE spec (
    id INTEGER PRIMARY KEY,
    uuid TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    slug TEXT NOT NULL UNIQUE,
    os TEXT NOT NULL DEFAULT 'linux',
    architecture TEXT NOT NULL DEFAULT 'x86_64',
    sandbox TEXT,
    cpu INTEGER NOT NULL,
    memory INTEGER NOT NULL,
    disk INTEGER NOT NULL,
    network INTEGER NOT NULL DEFAULT 0,
    fallback INTEGER,
    created INTEGER NOT NULL,
    modified INTEGER NOT NULL,
    archived INTEGER
  )`,
  `CREATE TABLE testbed (
    id INTEGER PRIMARY KEY,
    uuid TEXT NOT NULL UNIQUE,
    project_id INTEGER NOT NULL REFERENCES project (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    slug TEXT NOT NULL,
    spec_id INTEGER REFERENCES spec (id) ON DELETE SET NULL,
    created INTEGER NOT NULL,
    modified INTEGER NOT NULL,
    archived INTEGER,
    UNIQUE (project_id, name),
    UNIQUE (project_id, slug)
  )`,
  `CREATE TABLE measure (
    id INTEGER PRIMARY KEY,
    uuid TEXT NOT NULL UNIQUE,
    project_id INTEGER NOT NULL REFERENCES project (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    slug TEXT NOT NULL,
    units TEXT NOT NULL,
    created INTEGER NOT NULL,
    modified INTEGER NOT NULL,
    archived INTEGER,
    UNIQUE (project_id, name),
    UNIQUE (project_id, slug)
  )`,
  `CREATE TABLE benchmark (
    id INTEGER PRIMARY KEY,
    uuid TEXT NOT NULL UNIQUE,
    project_id INTEGER NOT NULL REFERENCES project (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    slug TEXT NOT NULL,
    created INTEGER NOT NULL,
    modified INTEGER NOT NULL,
    archived INTEGER,
    UNIQUE (project_id, name),
    UNIQUE (project_id, slug)
  )`,
  `CREATE TABLE report (
    id INTEGER PRIMARY KEY,
    uuid TEXT NOT NULL UNIQUE,
    idempotency_key TEXT,
    user_id INTEGER REFERENCES user (id) ON DELETE SET NULL,
    project_id INTEGER NOT NULL REFERENCES project (id) ON DELETE CASCADE,
    head_id INTEGER NOT NULL REFERENCES head (id) ON DELETE CASCADE,
    version_id INTEGER NOT NULL REFERENCES version (id) ON DELETE CASCADE,
    testbed_id INTEGER NOT NULL REFERENCES testbed (id) ON DELETE CASCADE,
    spec_id INTEGER REFERENCES spec (id) ON DELETE SET NULL,
    adapter INTEGER NOT NULL,
    average INTEGER,
    fold INTEGER,
    partial INTEGER NOT NULL DEFAULT 0,
    start_time INTEGER NOT NULL,
    end_time INTEGER NOT NULL,
    created INTEGER NOT NULL,
    UNIQUE (project_id, idempotency_key)
  )`,
  `CREATE INDEX report_version ON report (version_id)`,
  `CREATE INDEX report_testbed_start ON report (testbed_id, start_time)`,
  `CREATE TABLE report_benchmark (
    id INTEGER PRIMARY KEY,
    uuid TEXT NOT NULL UNIQUE,
    report_id INTEGER NOT NULL REFERENCES report (id) ON DELETE CASCADE,
    iteration INTEGER NOT NULL,
    benchmark_id INTEGER NOT NULL REFERENCES benchmark (id) ON DELETE CASCADE,
    UNIQUE (report_id, iteration, benchmark_id)
  )`,
  `CREATE INDEX report_benchmark_benchmark ON report_benchmark (benchmark_id, report_id)`,
  `CREATE TABLE metric (
    id INTEGER PRIMARY KEY,
    uuid TEXT NOT NULL UNIQUE,
    report_benchmark_id INTEGER NOT NULL REFERENCES report_benchmark (id) ON DELETE CASCADE,
    measure_id INTEGER NOT NULL REFERENCES measure (id) ON DELETE CASCADE,
    value REAL NOT NULL,
    lower_value REAL,
    upper_value REAL,
    UNIQUE (report_benchmark_id, measure_id)
  )`,
  `CREATE TABLE threshold (
    id INTEGER PRIMARY KEY,
    uuid TEXT NOT NULL UNIQUE,
    project_id INTEGER NOT NULL REFERENCES project (id) ON DELETE CASCADE,
    branch_id INTEGER NOT NULL REFERENCES branch (id) ON DELETE CASCADE,
    testbed_id INTEGER NOT NULL REFERENCES testbed (id) ON DELETE CASCADE,
    measure_id INTEGER NOT NULL REFERENCES measure (id) ON DELETE CASCADE,
    model_id INTEGER REFERENCES model (id) ON DELETE SET NULL,
    created INTEGER NOT NULL,
    modified INTEGER NOT NULL,
    UNIQUE (branch_id, testbed_id, measure_id)
  )`,
  `CREATE TABLE model (
    id INTEGER PRIMARY KEY,
    uuid TEXT NOT NULL UNIQUE,
    threshold_id INTEGER NOT NULL REFERENCES threshold (id) ON DELETE CASCADE,
    test INTEGER NOT NULL,
    min_sample_size INTEGER,
    max_sample_size INTEGER,
    window INTEGER,
    lower_boundary REAL,
    upper_boundary REAL,
    created INTEGER NOT NULL,
    replaced INTEGER
  )`,
  `CREATE TABLE boundary (
    id INTEGER PRIMARY KEY,
    uuid TEXT NOT NULL UNIQUE,
    metric_id INTEGER NOT NULL UNIQUE REFERENCES metric (id) ON DELETE CASCADE,
    threshold_id INTEGER NOT NULL REFERENCES threshold (id) ON DELETE CASCADE,
    model_id INTEGER NOT NULL REFERENCES model (id) ON DELETE CASCADE,
    baseline REAL,
    lower_limit REAL,
    upper_limit REAL
  )`,
  `CREATE TABLE alert (
    id INTEGER PRIMARY KEY,
    uuid TEXT NOT NULL UNIQUE,
    boundary_id INTEGER NOT NULL UNIQUE REFERENCES boundary (id) ON DELETE CASCADE,
    boundary_limit INTEGER NOT NULL,
    status INTEGER NOT NULL DEFAULT 0,
    created INTEGER NOT NULL,
    modified INTEGER NOT NULL
  )`,
  `CREATE VIEW metric_boundary AS
    SELECT metric.id AS metric_id, metric.uuid AS metric_uuid, metric.report_benchmark_id, metric.measure_id,
      metric.value, metric.lower_value, metric.upper_value,
      boundary.id AS boundary_id, boundary.uuid AS boundary_uuid, boundary.threshold_id, boundary.model_id,
      boundary.baseline, boundary.lower_limit, boundary.upper_limit
    FROM metric LEFT JOIN boundary ON boundary.metric_id = metric.id`,
  `CREATE TABLE runner (
    id INTEGER PRIMARY KEY,
    uuid TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    slug TEXT NOT NULL UNIQUE,
    key_hash TEXT NOT NULL UNIQUE,
    last_heartbeat INTEGER,
    created INTEGER NOT NULL,
    modified INTEGER NOT NULL,
    archived INTEGER
  )`,
  `CREATE TABLE runner_spec (
    id INTEGER PRIMARY KEY,
    runner_id INTEGER NOT NULL REFERENCES runner (id) ON DELETE CASCADE,
    spec_id INTEGER NOT NULL REFERENCES spec (id) ON DELETE CASCADE,
    UNIQUE (runner_id, spec_id)
  )`,
  `CREATE TABLE job (
    id INTEGER PRIMARY KEY,
    uuid TEXT NOT NULL UNIQUE,
    report_id INTEGER NOT NULL UNIQUE REFERENCES report (id) ON DELETE CASCADE,
    organization_id INTEGER NOT NULL REFERENCES organization (id) ON DELETE CASCADE,
    source_ip TEXT,
    spec_id INTEGER NOT NULL REFERENCES spec (id),
    config TEXT NOT NULL,
    timeout INTEGER NOT NULL,
    priority INTEGER NOT NULL,
    status INTEGER NOT NULL DEFAULT 0,
    runner_id INTEGER REFERENCES runner (id) ON DELETE SET NULL,
    claimed INTEGER,
    started INTEGER,
    completed INTEGER,
    last_heartbeat INTEGER,
    last_billed_minute INTEGER NOT NULL DEFAULT 0,
    error TEXT,
    created INTEGER NOT NULL,
    modified INTEGER NOT NULL
  )`,
  `CREATE INDEX job_status_order ON job (status, priority DESC, created, id)`,
  `CREATE INDEX job_runner ON job (runner_id, status)`
]

export default Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient
  for (const statement of statements) yield* sql.unsafe(statement)
})

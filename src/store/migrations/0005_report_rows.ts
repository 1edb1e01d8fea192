import { SqlClient } from "@effect/sql"
import { Effect } from "effect"

/**
 * Leaner rows for the two tables every report writes one row per metric into, report_benchmark and boundary.
 *
 * - report_benchmark loses its index led by benchmark_id. It was the only index of a report's rows that is not
 *   append-ordered: every report put one entry next to each of its benchmarks' earlier entries, so a report of
 *   1,000 benchmarks dirtied up to 1,000 scattered pages of it (most of a report's commit, and growing with
 *   history). Every query that reads a series reaches report_benchmark from its reports (testbed, head, then one
 *   seek per report), so the table is keyed (report_id, benchmark_id, iteration) for that seek.
 * - Without that index, a foreign key on benchmark_id would make each benchmark delete scan the whole table
 *   (SQLite looks up the children of every deleted parent), and a project delete do so once per benchmark. So
 *   benchmark_id has no foreign key; a trigger deletes a benchmark's rows through its project's reports instead
 *   (a benchmark's rows only ever belong to reports of its own project).
 * - Neither table keeps a uuid: nothing reads one (Bencher's JSON names a boundary by its metric, and a report's
 *   results by benchmark and iteration), and each was a 36-byte column plus a unique index on every metric.
 *
 * SQLite cannot drop a constraint in place, so both tables are rebuilt (https://sqlite.org/lang_altertable.html,
 * "other kinds of table schema changes"). That needs foreign keys off: with them on, dropping an old table would
 * delete its children by cascade (every metric, boundary and alert). The store runs migrations with foreign keys
 * off and this one refuses to run otherwise; it checks the references of the rebuilt tables before its
 * transaction commits. A later rebuild of report_benchmark must drop the trigger first (SQLite refuses to rename a
 * table while a trigger names a missing one), as this one drops and recreates the metric_boundary view.
 */
export default Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient
  const [fk] = yield* sql.unsafe<{ foreign_keys: number }>("PRAGMA foreign_keys")
  if (fk?.foreign_keys !== 0) {
    return yield* Effect.dieMessage(
      "migration 0005 rebuilds report_benchmark and boundary and must run with foreign keys off"
    )
  }
  yield* sql.unsafe("DROP VIEW metric_boundary")

  yield* sql.unsafe(`CREATE TABLE report_benchmark_rebuilt (
    id INTEGER PRIMARY KEY,
    report_id INTEGER NOT NULL REFERENCES report (id) ON DELETE CASCADE,
    iteration INTEGER NOT NULL,
    benchmark_id INTEGER NOT NULL,
    UNIQUE (report_id, benchmark_id, iteration)
  )`)
  yield* sql.unsafe(`INSERT INTO report_benchmark_rebuilt (id, report_id, iteration, benchmark_id)
    SELECT id, report_id, iteration, benchmark_id FROM report_benchmark ORDER BY id`)
  yield* sql.unsafe("DROP TABLE report_benchmark")
  yield* sql.unsafe("ALTER TABLE report_benchmark_rebuilt RENAME TO report_benchmark")
  yield* sql.unsafe(`CREATE TRIGGER benchmark_delete_report_benchmark AFTER DELETE ON benchmark BEGIN
    DELETE FROM report_benchmark
    WHERE benchmark_id = OLD.id AND report_id IN (SELECT id FROM report WHERE project_id = OLD.project_id);
  END`)

  yield* sql.unsafe(`CREATE TABLE boundary_rebuilt (
    id INTEGER PRIMARY KEY,
    metric_id INTEGER NOT NULL UNIQUE REFERENCES metric (id) ON DELETE CASCADE,
    threshold_id INTEGER NOT NULL REFERENCES threshold (id) ON DELETE CASCADE,
    model_id INTEGER NOT NULL REFERENCES model (id) ON DELETE CASCADE,
    baseline REAL,
    lower_limit REAL,
    upper_limit REAL
  )`)
  yield* sql.unsafe(`INSERT INTO boundary_rebuilt (id, metric_id, threshold_id, model_id, baseline, lower_limit, upper_limit)
    SELECT id, metric_id, threshold_id, model_id, baseline, lower_limit, upper_limit FROM boundary ORDER BY id`)
  yield* sql.unsafe("DROP TABLE boundary")
  yield* sql.unsafe("ALTER TABLE boundary_rebuilt RENAME TO boundary")

  yield* sql.unsafe(`CREATE VIEW metric_boundary AS
    SELECT metric.id AS metric_id, metric.uuid AS metric_uuid, metric.report_benchmark_id, metric.measure_id,
      metric.value, metric.lower_value, metric.upper_value,
      boundary.id AS boundary_id, boundary.threshold_id, boundary.model_id,
      boundary.baseline, boundary.lower_limit, boundary.upper_limit
    FROM metric LEFT JOIN boundary ON boundary.metric_id = metric.id`)

  for (const table of ["report_benchmark", "metric", "boundary", "alert"]) {
    const broken = yield* sql.unsafe(`PRAGMA foreign_key_check(${table})`)
    if (broken.length > 0)
      return yield* Effect.dieMessage(`migration 0005: ${broken.length} rows of ${table} lost their references`)
  }
})

import { SqlClient } from "@effect/sql"
import { Effect } from "effect"

/**
 * report_benchmark without an index led by benchmark_id. That index was the only one of a report's rows that is
 * not append-ordered: every report put one entry next to each of its benchmarks' earlier entries, so a report of
 * 1,000 benchmarks dirtied up to 1,000 scattered pages of it (most of a report's commit, and growing with history).
 * Every query that reads a series reaches report_benchmark from its reports (testbed, head, then one seek per
 * report), so the table is now keyed (report_id, benchmark_id, iteration) for that seek.
 *
 * Without that index a foreign key on benchmark_id would make each benchmark delete scan the whole table (SQLite
 * looks up the children of every deleted parent), and a project delete do so once per benchmark. So benchmark_id
 * has no foreign key; a trigger deletes a benchmark's rows through its project's reports instead. A benchmark's
 * rows only ever belong to reports of its own project.
 *
 * SQLite cannot drop a constraint in place, so the table is rebuilt (https://sqlite.org/lang_altertable.html,
 * "other kinds of table schema changes"). That needs foreign keys off: with them on, dropping the old table would
 * delete, by cascade, every metric, boundary and alert. The store runs migrations with foreign keys off and this
 * one refuses to run otherwise; it checks the rebuilt table's references before its transaction commits.
 */
export default Effect.gen(function*() {
  const sql = yield* SqlClient.SqlClient
  const [fk] = yield* sql.unsafe<{ foreign_keys: number }>("PRAGMA foreign_keys")
  if (fk?.foreign_keys !== 0) {
    return yield* Effect.dieMessage("migration 0005 rebuilds report_benchmark and must run with foreign keys off")
  }
  yield* sql.unsafe(`CREATE TABLE report_benchmark_rebuilt (
    id INTEGER PRIMARY KEY,
    uuid TEXT NOT NULL UNIQUE,
    report_id INTEGER NOT NULL REFERENCES report (id) ON DELETE CASCADE,
    iteration INTEGER NOT NULL,
    benchmark_id INTEGER NOT NULL,
    UNIQUE (report_id, benchmark_id, iteration)
  )`)
  yield* sql.unsafe(`INSERT INTO report_benchmark_rebuilt (id, uuid, report_id, iteration, benchmark_id)
    SELECT id, uuid, report_id, iteration, benchmark_id FROM report_benchmark ORDER BY id`)
  yield* sql.unsafe("DROP TABLE report_benchmark")
  yield* sql.unsafe("ALTER TABLE report_benchmark_rebuilt RENAME TO report_benchmark")
  yield* sql.unsafe(`CREATE TRIGGER benchmark_delete_report_benchmark AFTER DELETE ON benchmark BEGIN
    DELETE FROM report_benchmark
    WHERE benchmark_id = OLD.id AND report_id IN (SELECT id FROM report WHERE project_id = OLD.project_id);
  END`)
  for (const table of ["report_benchmark", "metric"]) {
    const broken = yield* sql.unsafe(`PRAGMA foreign_key_check(${table})`)
    if (broken.length > 0) return yield* Effect.dieMessage(`migration 0005: ${broken.length} rows of ${table} lost their references`)
  }
})

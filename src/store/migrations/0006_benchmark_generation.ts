import { SqlClient } from "@effect/sql"
import { Effect } from "effect"

/**
 * A per-project counter that every insert, update and delete of one of its benchmarks bumps (src/projects
 * benchmark cache): a report reads it in its transaction, and when it equals the counter its cached name -> row
 * map was taken at, no benchmark of the project changed since, whichever code path or rolled-back transaction
 * touched them.
 */
export default Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient
  yield* sql.unsafe("ALTER TABLE project ADD COLUMN benchmark_generation INTEGER NOT NULL DEFAULT 0")
  yield* sql.unsafe(`CREATE TRIGGER benchmark_generation_insert AFTER INSERT ON benchmark BEGIN
    UPDATE project SET benchmark_generation = benchmark_generation + 1 WHERE id = NEW.project_id;
  END`)
  yield* sql.unsafe(`CREATE TRIGGER benchmark_generation_update AFTER UPDATE ON benchmark BEGIN
    UPDATE project SET benchmark_generation = benchmark_generation + 1 WHERE id IN (OLD.project_id, NEW.project_id);
  END`)
  yield* sql.unsafe(`CREATE TRIGGER benchmark_generation_delete AFTER DELETE ON benchmark BEGIN
    UPDATE project SET benchmark_generation = benchmark_generation + 1 WHERE id = OLD.project_id;
  END`)
})

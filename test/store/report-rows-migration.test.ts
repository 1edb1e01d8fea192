// Migration 0005 rebuilds report_benchmark (no uuid, no index led by benchmark_id, no foreign key on it, a trigger
// instead) and boundary (no uuid): on a database written under 0004 it keeps every row and reference, and afterwards
// deleting a benchmark or a project still takes its rows with it.
import { describe, expect, it } from "@effect/vitest"
import { NodeContext } from "@effect/platform-node"
import { SqlClient } from "@effect/sql"
import * as Migrator from "@effect/sql/Migrator"
import { SqliteClient, SqliteMigrator } from "@effect/sql-sqlite-node"
import { Effect, Layer } from "effect"
import { join } from "node:path"
import core from "../../src/store/migrations/0001_core.js"
import identity from "../../src/store/migrations/0002_identity.js"
import registry from "../../src/store/migrations/0003_registry.js"
import jobs from "../../src/store/migrations/0004_jobs.js"
import reportRows from "../../src/store/migrations/0005_report_rows.js"
import { StoreLive } from "../../src/store/database.js"
import { tempDir } from "../helpers/server.js"

/** The schema as it was before 0005, migrated the way the store used to (foreign keys on). */
const migrateTo0004 = (file: string) =>
  Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    yield* sql.unsafe("PRAGMA foreign_keys = ON")
    yield* SqliteMigrator.run({
      loader: Migrator.fromRecord({
        "0001_core": core,
        "0002_identity": identity,
        "0003_registry": registry,
        "0004_jobs": jobs
      })
    })
  }).pipe(Effect.provide(SqliteClient.layer({ filename: file })), Effect.provide(NodeContext.layer), Effect.scoped)

const uuid = () => crypto.randomUUID()

/** Two projects; each has 3 benchmarks and 2 reports with a metric, a boundary and an alert per benchmark. */
const seed = Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient
  yield* sql`INSERT INTO organization (id, uuid, name, slug, created, modified) VALUES (1, ${uuid()}, 'o', 'o', 0, 0)`
  for (const p of [1, 2]) {
    yield* sql`INSERT INTO project (id, uuid, organization_id, name, slug, created, modified) VALUES (${p}, ${uuid()}, 1, ${`p${p}`}, ${`p${p}`}, 0, 0)`
    yield* sql`INSERT INTO branch (id, uuid, project_id, name, slug, created, modified) VALUES (${p}, ${uuid()}, ${p}, 'main', 'main', 0, 0)`
    yield* sql`INSERT INTO head (id, uuid, branch_id, created) VALUES (${p}, ${uuid()}, ${p}, 0)`
    yield* sql`UPDATE branch SET head_id = ${p} WHERE id = ${p}`
    yield* sql`INSERT INTO version (id, uuid, project_id, number) VALUES (${p}, ${uuid()}, ${p}, 1)`
    yield* sql`INSERT INTO head_version (head_id, version_id) VALUES (${p}, ${p})`
    yield* sql`INSERT INTO testbed (id, uuid, project_id, name, slug, created, modified) VALUES (${p}, ${uuid()}, ${p}, 'ci', 'ci', 0, 0)`
    yield* sql`INSERT INTO measure (id, uuid, project_id, name, slug, units, created, modified) VALUES (${p}, ${uuid()}, ${p}, 'latency', 'latency', 'ns', 0, 0)`
    yield* sql`INSERT INTO threshold (id, uuid, project_id, branch_id, testbed_id, measure_id, created, modified) VALUES (${p}, ${uuid()}, ${p}, ${p}, ${p}, ${p}, 0, 0)`
    yield* sql`INSERT INTO model (id, uuid, threshold_id, test, created) VALUES (${p}, ${uuid()}, ${p}, 0, 0)`
    for (let b = 1; b <= 3; b++) {
      yield* sql`INSERT INTO benchmark (id, uuid, project_id, name, slug, created, modified) VALUES (${p * 10 + b}, ${uuid()}, ${p}, ${`b${b}`}, ${`b${b}`}, 0, 0)`
    }
    for (let r = 1; r <= 2; r++) {
      const reportId = p * 10 + r
      yield* sql`INSERT INTO report (id, uuid, project_id, head_id, version_id, testbed_id, adapter, start_time, end_time, created)
        VALUES (${reportId}, ${uuid()}, ${p}, ${p}, ${p}, ${p}, 0, ${r}, ${r}, ${r})`
      for (let b = 1; b <= 3; b++) {
        const rb = reportId * 10 + b
        yield* sql`INSERT INTO report_benchmark (id, uuid, report_id, iteration, benchmark_id) VALUES (${rb}, ${uuid()}, ${reportId}, 0, ${p * 10 + b})`
        yield* sql`INSERT INTO metric (id, uuid, report_benchmark_id, measure_id, value) VALUES (${rb}, ${uuid()}, ${rb}, ${p}, ${rb})`
        yield* sql`INSERT INTO boundary (id, uuid, metric_id, threshold_id, model_id, baseline) VALUES (${rb}, ${uuid()}, ${rb}, ${p}, ${p}, 1)`
        yield* sql`INSERT INTO alert (id, uuid, boundary_id, boundary_limit, created, modified) VALUES (${rb}, ${uuid()}, ${rb}, 1, 0, 0)`
      }
    }
  }
})

interface Snapshot {
  readonly reportBenchmarks: ReadonlyArray<unknown>
  readonly metrics: ReadonlyArray<unknown>
  readonly boundaries: ReadonlyArray<unknown>
  readonly alerts: number
}

const snapshot = Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient
  const count = (table: string) =>
    Effect.map(sql.unsafe<{ n: number }>(`SELECT count(*) AS n FROM ${table}`), (r) => r[0]?.n ?? -1)
  return {
    reportBenchmarks: yield* sql`SELECT id, report_id, iteration, benchmark_id FROM report_benchmark ORDER BY id`,
    metrics: yield* sql`SELECT id, uuid, report_benchmark_id, value FROM metric ORDER BY id`,
    boundaries: yield* sql`SELECT id, metric_id, threshold_id, model_id, baseline FROM boundary ORDER BY id`,
    alerts: yield* count("alert")
  } satisfies Snapshot
})

const onStore = <A, E>(file: string, body: Effect.Effect<A, E, SqlClient.SqlClient>) =>
  Effect.scoped(Effect.flatMap(Layer.build(StoreLive(file)), (ctx) => Effect.provide(body, ctx)))

const orphans = Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient
  const broken = yield* sql`PRAGMA foreign_key_check`
  const [rows] = yield* sql<{
    n: number
  }>`SELECT count(*) AS n FROM report_benchmark WHERE benchmark_id NOT IN (SELECT id FROM benchmark)`
  return { broken: broken.length, withoutBenchmark: rows?.n ?? -1 }
})

/** A database seeded under 0004, opened by the store (which migrates it), then `statement` run on it. */
const migratedThenDeleting = (statement: string) =>
  Effect.gen(function* () {
    const file = join(yield* tempDir, "old.db")
    yield* migrateTo0004(file)
    yield* seed.pipe(Effect.provide(SqliteClient.layer({ filename: file })), Effect.scoped)
    const result = yield* onStore(
      file,
      Effect.gen(function* () {
        const sql = yield* SqlClient.SqlClient
        yield* sql.unsafe(statement)
        return { rows: yield* snapshot, orphans: yield* orphans }
      })
    )
    return {
      ...result,
      benchmarks: result.rows.reportBenchmarks.map((r) => (r as { benchmark_id: number }).benchmark_id)
    }
  })

describe("migration 0005: leaner report rows", () => {
  it.scopedLive("keeps every row and reference of a database written under 0004", () =>
    Effect.gen(function* () {
      const file = join(yield* tempDir, "old.db")
      yield* migrateTo0004(file)
      const before = yield* Effect.zipRight(seed, snapshot).pipe(
        Effect.provide(SqliteClient.layer({ filename: file })),
        Effect.scoped
      )
      expect(before.reportBenchmarks).toHaveLength(12)
      const after = yield* onStore(
        file,
        Effect.gen(function* () {
          const sql = yield* SqlClient.SqlClient
          const indexes = yield* sql<{ name: string }>`SELECT name FROM pragma_index_list('report_benchmark')`
          const keys = yield* Effect.forEach(
            indexes,
            (i) => sql<{ name: string }>`SELECT name FROM pragma_index_info(${i.name})`
          )
          const references = yield* sql<{
            table: string
          }>`SELECT "table" FROM pragma_foreign_key_list('report_benchmark')`
          const columns = yield* sql<{
            name: string
          }>`SELECT name FROM pragma_table_info('report_benchmark') UNION ALL SELECT name FROM pragma_table_info('boundary')`
          const view = yield* sql`SELECT * FROM metric_boundary`
          const [fk] = yield* sql<{ foreign_keys: number }>`PRAGMA foreign_keys`
          return {
            rows: yield* snapshot,
            leading: keys.map((k) => k[0]?.name),
            references: references.map((r) => r.table),
            columns: columns.map((c) => c.name),
            view: view.length,
            fk: fk?.foreign_keys,
            orphans: yield* orphans
          }
        })
      )
      expect(after.rows).toEqual(before)
      // (report_id, benchmark_id, iteration) alone: nothing led by benchmark_id, no uuid
      expect(after.leading).toEqual(["report_id"])
      expect(after.columns).not.toContain("uuid")
      expect(after.view).toBe(12)
      expect(after.references).toEqual(["report"])
      expect(after.fk).toBe(1)
      expect(after.orphans).toEqual({ broken: 0, withoutBenchmark: 0 })
    })
  )

  it.scopedLive("deleting a benchmark deletes its rows, metrics, boundaries and alerts, and no other benchmark's", () =>
    Effect.gen(function* () {
      const result = yield* migratedThenDeleting("DELETE FROM benchmark WHERE id = 12")
      expect(result.benchmarks).toEqual([11, 13, 11, 13, 21, 22, 23, 21, 22, 23])
      expect(result.rows.metrics).toHaveLength(10)
      expect(result.rows.boundaries).toHaveLength(10)
      expect(result.rows.alerts).toBe(10)
      expect(result.orphans).toEqual({ broken: 0, withoutBenchmark: 0 })
    })
  )

  it.scopedLive("deleting a project leaves no row of it behind and the other project whole", () =>
    Effect.gen(function* () {
      const result = yield* migratedThenDeleting("DELETE FROM project WHERE id = 1")
      expect(result.benchmarks).toEqual([21, 22, 23, 21, 22, 23])
      expect(result.rows.alerts).toBe(6)
      expect(result.orphans).toEqual({ broken: 0, withoutBenchmark: 0 })
    })
  )

  it.scopedLive("refuses to run with foreign keys on, where dropping the old table would cascade into metrics", () =>
    Effect.gen(function* () {
      const file = join(yield* tempDir, "old.db")
      yield* migrateTo0004(file)
      yield* seed.pipe(Effect.provide(SqliteClient.layer({ filename: file })), Effect.scoped)
      const exit = yield* Effect.gen(function* () {
        const sql = yield* SqlClient.SqlClient
        yield* sql.unsafe("PRAGMA foreign_keys = ON")
        return yield* sql.withTransaction(reportRows)
      }).pipe(Effect.provide(SqliteClient.layer({ filename: file })), Effect.scoped, Effect.exit)
      expect(exit._tag).toBe("Failure")
      expect(String(exit._tag === "Failure" ? exit.cause : "")).toContain("foreign keys off")
      const rows = yield* snapshot.pipe(Effect.provide(SqliteClient.layer({ filename: file })), Effect.scoped)
      expect(rows.metrics).toHaveLength(12)
      expect(rows.reportBenchmarks).toHaveLength(12)
    })
  )
})

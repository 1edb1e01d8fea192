import { SqlClient } from "@effect/sql"
import { Clock, Context, Effect, Layer } from "effect"
import { DEFAULT_START_POINT_MAX_VERSIONS } from "../domain/limits.js"
import { toIso, toIsoOrNull } from "../domain/time.js"
import { newUuid } from "../store/ids.js"
import { single } from "../store/rows.js"
import { makeDimension } from "./dimensions.js"
import { type BranchRow, dimensionJson, type HeadRow, versionJson, type VersionRow } from "./rows.js"
import { PersistenceError } from "../domain/errors.js"

/** Where a new head starts: another branch's history, optionally up to one hash. */
export interface StartPoint {
  readonly branch: BranchRow
  readonly hash?: string | null | undefined
  readonly maxVersions?: number | null | undefined
  readonly cloneThresholds?: boolean | null | undefined
}

const ALERT_SILENCED = 10

const make = Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient
  const base = yield* makeDimension<BranchRow>("branch", "Branch")

  const headById = (id: number) =>
    sql<HeadRow>`SELECT * FROM head WHERE id = ${id}`.pipe(Effect.flatMap(single("head")))

  /** The newest version on a head (its versions include those shallow-copied from the start point). */
  const latestVersion = (headId: number) =>
    sql<VersionRow>`SELECT version.* FROM version JOIN head_version ON head_version.version_id = version.id
      WHERE head_version.head_id = ${headId} ORDER BY version.number DESC LIMIT 1`.pipe(Effect.map((r) => r[0]))

  const versionWithHash = (headId: number, hash: string) =>
    sql<VersionRow>`SELECT version.* FROM version JOIN head_version ON head_version.version_id = version.id
      WHERE head_version.head_id = ${headId} AND version.hash = ${hash} ORDER BY version.number DESC LIMIT 1`.pipe(
      Effect.map((r) => r[0])
    )

  /**
   * A new head for the branch, replacing the current one (whose alerts are silenced). With a start point, the
   * start branch's versions up to the start version (newest max_versions of them) are linked to the new head so
   * their history counts for thresholds, and its thresholds are deep-copied when asked.
   */
  const newHead = (branch: BranchRow, startPoint?: StartPoint) =>
    Effect.gen(function* () {
      const now = yield* Clock.currentTimeMillis
      if (branch.head_id !== null) {
        yield* sql`UPDATE head SET replaced = ${now} WHERE id = ${branch.head_id} AND replaced IS NULL`
        yield* sql`UPDATE alert SET status = ${ALERT_SILENCED}, modified = ${now} WHERE status = 0 AND boundary_id IN (
          SELECT boundary.id FROM boundary JOIN metric ON metric.id = boundary.metric_id
          JOIN report_benchmark ON report_benchmark.id = metric.report_benchmark_id
          JOIN report ON report.id = report_benchmark.report_id
          WHERE report.head_id = ${branch.head_id})`
      }
      const head = yield* sql<HeadRow>`INSERT INTO head ${sql.insert({
        uuid: yield* newUuid,
        branch_id: branch.id,
        start_point_id: null,
        created: now
      })} RETURNING *`.pipe(Effect.flatMap(single("head")))

      if (startPoint !== undefined && startPoint.branch.head_id !== null) {
        const startHead = startPoint.branch.head_id
        const startVersion =
          startPoint.hash !== undefined && startPoint.hash !== null
            ? yield* versionWithHash(startHead, startPoint.hash)
            : yield* latestVersion(startHead)
        if (startVersion !== undefined) {
          const limit = startPoint.maxVersions ?? DEFAULT_START_POINT_MAX_VERSIONS
          yield* sql`INSERT INTO head_version (head_id, version_id)
            SELECT ${head.id}, version.id FROM version JOIN head_version ON head_version.version_id = version.id
            WHERE head_version.head_id = ${startHead} AND version.number <= ${startVersion.number}
            ORDER BY version.number DESC LIMIT ${limit}`
          const [startRow] = yield* sql<{ id: number }>`SELECT id FROM head_version
            WHERE head_id = ${startHead} AND version_id = ${startVersion.id}`
          if (startRow !== undefined) yield* sql`UPDATE head SET start_point_id = ${startRow.id} WHERE id = ${head.id}`
        }
        if (startPoint.cloneThresholds === true) yield* cloneThresholds(startPoint.branch, branch, now)
      }
      yield* sql`UPDATE branch SET head_id = ${head.id}, modified = ${now} WHERE id = ${branch.id}`
      return yield* base.byId(branch.id)
    })

  const cloneThresholds = (from: BranchRow, to: BranchRow, now: number) =>
    Effect.gen(function* () {
      const thresholds = yield* sql<{ id: number; testbed_id: number; measure_id: number; model_id: number | null }>`
        SELECT id, testbed_id, measure_id, model_id FROM threshold WHERE branch_id = ${from.id}`
      for (const t of thresholds) {
        const exists =
          yield* sql`SELECT 1 FROM threshold WHERE branch_id = ${to.id} AND testbed_id = ${t.testbed_id} AND measure_id = ${t.measure_id}`
        if (exists.length > 0) continue
        const created = yield* sql<{ id: number }>`INSERT INTO threshold ${sql.insert({
          uuid: yield* newUuid,
          project_id: to.project_id,
          branch_id: to.id,
          testbed_id: t.testbed_id,
          measure_id: t.measure_id,
          model_id: null,
          created: now,
          modified: now
        })} RETURNING id`.pipe(Effect.flatMap(single("threshold")))
        if (t.model_id !== null) {
          const modelUuid = yield* newUuid
          const model = yield* sql<{
            id: number
          }>`INSERT INTO model (uuid, threshold_id, test, min_sample_size, max_sample_size,
            window, lower_boundary, upper_boundary, created)
            SELECT ${modelUuid}, ${created.id}, test, min_sample_size, max_sample_size, window, lower_boundary, upper_boundary, ${now}
            FROM model WHERE id = ${t.model_id} RETURNING id`.pipe(Effect.flatMap(single("model")))
          yield* sql`UPDATE threshold SET model_id = ${model.id} WHERE id = ${created.id}`
        }
      }
    })

  const create = (projectId: number, name: string, slug: string | null | undefined, startPoint?: StartPoint) =>
    Effect.flatMap(base.insert(projectId, name, slug), (branch) => newHead(branch, startPoint))

  /** The version a report belongs to: an existing one with the same hash on this head, else the next number. */
  const versionFor = (projectId: number, headId: number, hash: string | null | undefined) =>
    Effect.gen(function* () {
      if (hash !== undefined && hash !== null) {
        const existing = yield* versionWithHash(headId, hash)
        if (existing !== undefined) return existing
      }
      const latest = yield* latestVersion(headId)
      const version = yield* sql<VersionRow>`INSERT INTO version ${sql.insert({
        uuid: yield* newUuid,
        project_id: projectId,
        number: (latest?.number ?? -1) + 1,
        hash: hash ?? null
      })} RETURNING *`.pipe(Effect.flatMap(single("version")))
      yield* sql`INSERT INTO head_version (head_id, version_id) VALUES (${headId}, ${version.id})`
      return version
    })

  /** The current start point of a head, as stored: the head_version it started from. */
  const startPointOf = (head: HeadRow) =>
    head.start_point_id === null
      ? Effect.succeed(undefined)
      : sql<{
          branch_id: number
          branch_uuid: string
          head_uuid: string
          version_id: number
          number: number
          hash: string | null
        }>`
        SELECT head.branch_id, branch.uuid AS branch_uuid, head.uuid AS head_uuid, version.id AS version_id, version.number, version.hash
        FROM head_version JOIN head ON head.id = head_version.head_id JOIN branch ON branch.id = head.branch_id
        JOIN version ON version.id = head_version.version_id WHERE head_version.id = ${head.start_point_id}`.pipe(
          Effect.map((r) => r[0])
        )

  /**
   * The branch a run reports to (Bencher's `--branch` with `--start-point*`): created if missing, seeded from the
   * start point; an existing branch gets a new head when the start point changed or a reset is asked for.
   */
  const forRun = (projectId: number, nameId: string, startPoint: StartPoint | undefined, reset: boolean) =>
    Effect.gen(function* () {
      const existing = yield* base.find(projectId, nameId)
      if (existing === undefined) return yield* create(projectId, nameId, null, startPoint)
      if (existing.head_id === null) return yield* newHead(existing, startPoint)
      if (reset) return yield* newHead(existing, startPoint)
      if (startPoint === undefined || startPoint.branch.id === existing.id) return existing
      const head = yield* headById(existing.head_id)
      const current = yield* startPointOf(head)
      const wantedHash = startPoint.hash ?? null
      const changed =
        current === undefined ||
        current.branch_id !== startPoint.branch.id ||
        (wantedHash !== null && current.hash !== wantedHash)
      return changed ? yield* newHead(existing, startPoint) : existing
    })

  /** Bencher's JsonBranch with its current head, or with the head a report was made on. */
  const toJson = (projectUuid: string, branch: BranchRow, headId: number | null = branch.head_id) =>
    Effect.gen(function* () {
      if (headId === null) return yield* Effect.dieMessage(`branch ${branch.uuid} has no head`)
      const head = yield* headById(headId)
      const start = yield* startPointOf(head)
      const latest = yield* latestVersion(head.id)
      return {
        ...dimensionJson(projectUuid, branch),
        head: {
          uuid: head.uuid,
          start_point:
            start === undefined
              ? null
              : { branch: start.branch_uuid, head: start.head_uuid, version: versionJson(start) },
          version: latest === undefined ? null : versionJson(latest),
          created: toIso(head.created),
          replaced: toIsoOrNull(head.replaced)
        }
      }
    })

  return PersistenceError.refailService({
    ...base,
    create,
    newHead,
    forRun,
    versionFor,
    headById,
    latestVersion,
    toJson
  } as const)
})

export class Branches extends Context.Tag("bencher/projects/Branches")<Branches, Effect.Effect.Success<typeof make>>() {
  static readonly Live = Layer.effect(this, make)
}

import { SqlClient } from "@effect/sql"
import { Clock, Context, Effect, Layer, Option } from "effect"
import { toIso, toIsoOrNull } from "../domain/time.js"
import { type Model, modelTestFromInt, modelTestToInt } from "../stats/index.js"
import { retryBusy } from "../store/database.js"
import { newUuid } from "../store/ids.js"
import { toPage, type PageParams } from "../store/pagination.js"
import { single } from "../store/rows.js"
import { PersistenceError } from "../domain/errors.js"

export interface ThresholdRow {
  readonly id: number
  readonly uuid: string
  readonly project_id: number
  readonly branch_id: number
  readonly testbed_id: number
  readonly measure_id: number
  readonly model_id: number | null
  readonly created: number
  readonly modified: number
}

export interface ModelRow {
  readonly id: number
  readonly uuid: string
  readonly threshold_id: number
  readonly test: number
  readonly min_sample_size: number | null
  readonly max_sample_size: number | null
  readonly window: number | null
  readonly lower_boundary: number | null
  readonly upper_boundary: number | null
  readonly created: number
  readonly replaced: number | null
}

export const modelFromRow = (row: ModelRow): Model => {
  const test = Option.getOrThrowWith(modelTestFromInt(row.test), () => new Error(`unknown model test ${row.test}`))
  return {
    test,
    ...(row.min_sample_size === null ? {} : { min_sample_size: row.min_sample_size }),
    ...(row.max_sample_size === null ? {} : { max_sample_size: row.max_sample_size }),
    ...(row.window === null ? {} : { window: row.window }),
    lower_boundary: row.lower_boundary,
    upper_boundary: row.upper_boundary
  }
}

export const modelJson = (row: ModelRow) => ({
  uuid: row.uuid,
  ...modelFromRow(row),
  created: toIso(row.created),
  replaced: toIsoOrNull(row.replaced)
})

const sameModel = (row: ModelRow, model: Model): boolean =>
  row.test === modelTestToInt(model.test) &&
  row.min_sample_size === (model.min_sample_size ?? null) &&
  row.max_sample_size === (model.max_sample_size ?? null) &&
  row.window === (model.window ?? null) &&
  row.lower_boundary === (model.lower_boundary ?? null) &&
  row.upper_boundary === (model.upper_boundary ?? null)

export interface ThresholdListQuery extends PageParams {
  readonly sort?: "created" | "modified" | undefined
  readonly branchId?: number | undefined
  readonly testbedId?: number | undefined
  readonly measureId?: number | undefined
}

const make = Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient

  const byId = (id: number) =>
    sql<ThresholdRow>`SELECT * FROM threshold WHERE id = ${id}`.pipe(Effect.flatMap(single("threshold")))
  const findByUuid = (projectId: number, uuid: string) =>
    sql<ThresholdRow>`SELECT * FROM threshold WHERE project_id = ${projectId} AND uuid = ${uuid.toLowerCase()}`.pipe(
      Effect.map((r) => r[0])
    )
  const modelById = (id: number) =>
    sql<ModelRow>`SELECT * FROM model WHERE id = ${id}`.pipe(Effect.flatMap(single("model")))

  const find = (branchId: number, testbedId: number, measureId: number) =>
    sql<ThresholdRow>`SELECT * FROM threshold WHERE branch_id = ${branchId} AND testbed_id = ${testbedId} AND measure_id = ${measureId}`.pipe(
      Effect.map((r) => r[0])
    )

  /** The threshold and its current model for a (branch, testbed, measure), when one is set. */
  const detectorFor = (branchId: number, testbedId: number, measureId: number) =>
    Effect.gen(function* () {
      const threshold = yield* find(branchId, testbedId, measureId)
      if (threshold === undefined || threshold.model_id === null) return undefined
      return { threshold, model: yield* modelById(threshold.model_id) }
    })

  /** Replaces the threshold's model when it differs; the old model is kept, marked replaced (models are versioned). */
  const setModel = (threshold: ThresholdRow, model: Model | null) =>
    Effect.gen(function* () {
      const now = yield* Clock.currentTimeMillis
      if (threshold.model_id !== null) {
        const current = yield* modelById(threshold.model_id)
        if (model !== null && sameModel(current, model)) return threshold
        yield* sql`UPDATE model SET replaced = ${now} WHERE id = ${current.id}`
      }
      let modelId: number | null = null
      if (model !== null) {
        const inserted = yield* sql<{ id: number }>`INSERT INTO model ${sql.insert({
          uuid: yield* newUuid,
          threshold_id: threshold.id,
          test: modelTestToInt(model.test),
          min_sample_size: model.min_sample_size ?? null,
          max_sample_size: model.max_sample_size ?? null,
          window: model.window ?? null,
          lower_boundary: model.lower_boundary ?? null,
          upper_boundary: model.upper_boundary ?? null,
          created: now
        })} RETURNING id`.pipe(Effect.flatMap(single("model")))
        modelId = inserted.id
      }
      yield* sql`UPDATE threshold SET model_id = ${modelId}, modified = ${now} WHERE id = ${threshold.id}`
      return yield* byId(threshold.id)
    })

  const create = (projectId: number, branchId: number, testbedId: number, measureId: number) =>
    Effect.gen(function* () {
      const now = yield* Clock.currentTimeMillis
      return yield* sql<ThresholdRow>`INSERT INTO threshold ${sql.insert({
        uuid: yield* newUuid,
        project_id: projectId,
        branch_id: branchId,
        testbed_id: testbedId,
        measure_id: measureId,
        model_id: null,
        created: now,
        modified: now
      })} RETURNING *`.pipe(Effect.flatMap(single("threshold")))
    })

  /** A threshold for (branch, testbed, measure) with this model, created if missing. */
  const upsert = (projectId: number, branchId: number, testbedId: number, measureId: number, model: Model) =>
    Effect.gen(function* () {
      const existing = yield* find(branchId, testbedId, measureId)
      const threshold = existing ?? (yield* create(projectId, branchId, testbedId, measureId))
      return yield* setModel(threshold, model)
    })

  /**
   * A new threshold for (branch, testbed, measure) with this model, in one transaction retried on SQLITE_BUSY;
   * undefined when that combination already has one.
   */
  const createIfAbsent = (projectId: number, branchId: number, testbedId: number, measureId: number, model: Model) =>
    retryBusy(
      sql.withTransaction(
        Effect.gen(function* () {
          if ((yield* find(branchId, testbedId, measureId)) !== undefined) return undefined
          return yield* upsert(projectId, branchId, testbedId, measureId, model)
        })
      )
    )

  /** `--thresholds-reset`: every threshold of the branch and testbed not listed loses its current model. */
  const resetExcept = (branchId: number, testbedId: number, keepMeasureIds: ReadonlyArray<number>) =>
    Effect.gen(function* () {
      const thresholds =
        yield* sql<ThresholdRow>`SELECT * FROM threshold WHERE branch_id = ${branchId} AND testbed_id = ${testbedId}
        AND model_id IS NOT NULL`
      for (const t of thresholds) {
        if (!keepMeasureIds.includes(t.measure_id)) yield* setModel(t, null)
      }
    })

  const remove = (threshold: ThresholdRow) => sql`DELETE FROM threshold WHERE id = ${threshold.id}`.pipe(Effect.asVoid)

  const list = (projectId: number, query: ThresholdListQuery) =>
    Effect.gen(function* () {
      const page = toPage(query)
      const where = ["project_id = ?"]
      const args: Array<number> = [projectId]
      for (const [column, value] of [
        ["branch_id", query.branchId],
        ["testbed_id", query.testbedId],
        ["measure_id", query.measureId]
      ] as const) {
        if (value !== undefined) {
          where.push(`${column} = ?`)
          args.push(value)
        }
      }
      const clause = where.join(" AND ")
      const [count] = yield* sql.unsafe<{ n: number }>(`SELECT count(*) AS n FROM threshold WHERE ${clause}`, args)
      const rows = yield* sql.unsafe<ThresholdRow>(
        `SELECT * FROM threshold WHERE ${clause} ORDER BY ${query.sort === "modified" ? "modified" : "created"} ${page.direction}, id LIMIT ? OFFSET ?`,
        [...args, page.limit, page.offset]
      )
      return { rows, total: count?.n ?? 0 }
    })

  return PersistenceError.refailService({
    byId,
    findByUuid,
    find,
    modelById,
    detectorFor,
    setModel,
    upsert,
    createIfAbsent,
    resetExcept,
    remove,
    list
  } as const)
})

export class Thresholds extends Context.Tag("bencher/thresholds/Thresholds")<
  Thresholds,
  Effect.Effect.Success<typeof make>
>() {
  static readonly Live = Layer.effect(this, make)
}

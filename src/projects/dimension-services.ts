import { SqlClient } from "@effect/sql"
import { Context, Effect, Layer } from "effect"
import { DEFAULT_UNITS, findBuiltInMeasure } from "../domain/measures.js"
import { type BulkRow, makeDimension } from "./dimensions.js"
import type { DimensionRow, MeasureRow, TestbedRow } from "./rows.js"
import { PersistenceError } from "../domain/errors.js"

const makeTestbeds = Effect.map(makeDimension<TestbedRow>("testbed", "Testbed"), PersistenceError.refailService)
export class Testbeds extends Context.Tag("bencher/projects/Testbeds")<
  Testbeds,
  Effect.Effect.Success<typeof makeTestbeds>
>() {
  static readonly Live = Layer.effect(this, makeTestbeds)
}

/**
 * Bound on the benchmark keys cached over all projects (an entry is a key and a small row: about 200 bytes);
 * past it the least recently used projects are dropped, and a project with more keys than this is not cached.
 */
const MAX_CACHED_KEYS = 100_000

/** Which project (its uuid: ids may be reused) at which benchmark generation. */
interface BenchmarkState {
  readonly uuid: string
  readonly generation: number
}

const sameState = (a: BenchmarkState | undefined, b: BenchmarkState | undefined): boolean =>
  a !== undefined && b !== undefined && a.uuid === b.uuid && a.generation === b.generation

const makeBenchmarks = Effect.gen(function* () {
  const base = yield* makeDimension<DimensionRow>("benchmark", "Benchmark")
  const sql = yield* SqlClient.SqlClient
  // project id -> how each key of its reports resolved, valid while the project is in that state. Least recently used
  // first.
  const cache = new Map<number, BenchmarkState & { readonly rows: ReadonlyMap<string, BulkRow> }>()
  let cachedKeys = 0

  const generationOf = (projectId: number) =>
    Effect.map(
      sql<BenchmarkState>`SELECT uuid, benchmark_generation AS generation FROM project WHERE id = ${projectId}`,
      (rows) => rows[0]
    )

  /**
   * bulkGetOrCreate for a report's benchmark keys, answered from memory while no benchmark of the project changed:
   * every insert, update and delete of a benchmark bumps the project's benchmark_generation (a trigger, so every code
   * path counts), and a cached key is used only when the generation read in the caller's transaction equals the one
   * it was cached at. Only a lookup that wrote nothing is cached (one that created or unarchived a benchmark has
   * already moved the generation past the one it read; the next report caches its keys). `publish` caches it; the
   * caller runs it only once its transaction has committed: a generation names one state of the table only among
   * committed transactions (one that created a benchmark and rolled back, and a later one that created another,
   * reach the same generation with different rows).
   */
  const cachedBulkGetOrCreate = (projectId: number, keys: ReadonlyArray<string>) =>
    Effect.gen(function* () {
      const before = yield* generationOf(projectId)
      const entry = cache.get(projectId)
      const known = sameState(entry, before) ? entry?.rows : undefined
      const found = new Map<string, BulkRow>()
      const rest: Array<string> = []
      for (const key of keys) {
        const row = known?.get(key)
        if (row === undefined) rest.push(key)
        else found.set(key, row)
      }
      if (known !== undefined && entry !== undefined) {
        cache.delete(projectId)
        cache.set(projectId, entry)
      }
      if (rest.length === 0) return { rows: found, publish: () => {} }
      const fetched = yield* base.bulkGetOrCreate(projectId, rest)
      for (const [key, row] of fetched) found.set(key, row)
      const after = yield* generationOf(projectId)
      const publish = () => {
        if (!sameState(before, after) || before === undefined) return
        const rows = new Map(known ?? [])
        for (const [key, row] of fetched) rows.set(key, row)
        cachedKeys -= cache.get(projectId)?.rows.size ?? 0
        cache.delete(projectId)
        if (rows.size > MAX_CACHED_KEYS) return
        cache.set(projectId, { uuid: before.uuid, generation: before.generation, rows })
        cachedKeys += rows.size
        for (const [oldest, evicted] of cache) {
          if (cachedKeys <= MAX_CACHED_KEYS) break
          cache.delete(oldest)
          cachedKeys -= evicted.rows.size
        }
      }
      return { rows: found, publish }
    })

  return PersistenceError.refailService({ ...base, cachedBulkGetOrCreate } as const)
})
export class Benchmarks extends Context.Tag("bencher/projects/Benchmarks")<
  Benchmarks,
  Effect.Effect.Success<typeof makeBenchmarks>
>() {
  static readonly Live = Layer.effect(this, makeBenchmarks)
}

const makeMeasures = Effect.gen(function* () {
  const base = yield* makeDimension<MeasureRow>("measure", "Measure")
  const sql = yield* SqlClient.SqlClient
  /**
   * A key naming a built-in measure (its slug, name or display name) creates it with the built-in's name, slug
   * and units; any other key makes a measure with default units (docs/reference.md §1.3).
   */
  const getOrCreate = (projectId: number, key: string) =>
    Effect.gen(function* () {
      const builtIn = findBuiltInMeasure(key)
      if (builtIn === undefined) return yield* base.getOrCreate(projectId, key, () => ({ units: DEFAULT_UNITS }))
      const existing = yield* base.find(projectId, builtIn.slug)
      if (existing !== undefined) {
        if (existing.archived !== null) yield* sql`UPDATE measure SET archived = NULL WHERE id = ${existing.id}`
        return existing.archived === null ? existing : yield* base.byId(existing.id)
      }
      const byKey = yield* base.find(projectId, key)
      if (byKey !== undefined) return byKey
      return yield* base.insert(projectId, builtIn.name, builtIn.slug, { units: builtIn.units })
    })
  return PersistenceError.refailService({ ...base, getOrCreate } as const)
})
export class Measures extends Context.Tag("bencher/projects/Measures")<
  Measures,
  Effect.Effect.Success<typeof makeMeasures>
>() {
  static readonly Live = Layer.effect(this, makeMeasures)
}

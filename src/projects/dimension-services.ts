import { SqlClient } from "@effect/sql"
import { Context, Effect, Layer } from "effect"
import { DEFAULT_UNITS, findBuiltInMeasure } from "../domain/measures.js"
import { makeDimension } from "./dimensions.js"
import type { DimensionRow, MeasureRow, TestbedRow } from "./rows.js"

const makeTestbeds = makeDimension<TestbedRow>("testbed", "Testbed")
export class Testbeds extends Context.Tag("bencher/projects/Testbeds")<Testbeds, Effect.Effect.Success<typeof makeTestbeds>>() {
  static readonly Live = Layer.effect(this, makeTestbeds)
}

const makeBenchmarks = makeDimension<DimensionRow>("benchmark", "Benchmark")
export class Benchmarks extends Context.Tag("bencher/projects/Benchmarks")<Benchmarks, Effect.Effect.Success<typeof makeBenchmarks>>() {
  static readonly Live = Layer.effect(this, makeBenchmarks)
}

const makeMeasures = Effect.gen(function*() {
  const base = yield* makeDimension<MeasureRow>("measure", "Measure")
  const sql = yield* SqlClient.SqlClient
  /**
   * A key naming a built-in measure (its slug, name or display name) creates it with the built-in's name, slug
   * and units; any other key makes a measure with default units (reference/bencher.md §1.3).
   */
  const getOrCreate = (projectId: number, key: string) =>
    Effect.gen(function*() {
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
  return { ...base, getOrCreate } as const
})
export class Measures extends Context.Tag("bencher/projects/Measures")<Measures, Effect.Effect.Success<typeof makeMeasures>>() {
  static readonly Live = Layer.effect(this, makeMeasures)
}

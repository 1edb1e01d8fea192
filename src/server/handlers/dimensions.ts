import { HttpApiBuilder } from "@effect/platform"
import { Effect } from "effect"
import { BencherApi } from "../../api/index.js"
import { Branches } from "../../projects/branches.js"
import { Benchmarks, Measures, Testbeds } from "../../projects/dimension-services.js"
import { dimensionJson, measureJson } from "../../projects/rows.js"
import { ReportViews } from "../../reports/views.js"
import { setTotalCount } from "../../store/pagination.js"
import { projectWith } from "./support.js"

export const BranchesHandlersLive = HttpApiBuilder.group(BencherApi, "branches", (handlers) =>
  Effect.gen(function* () {
    const branches = yield* Branches
    const startPointOf = (
      projectId: number,
      sp:
        | {
            readonly branch?: string | null | undefined
            readonly hash?: string | null | undefined
            readonly max_versions?: number | null | undefined
            readonly clone_thresholds?: boolean | null | undefined
          }
        | null
        | undefined
    ) =>
      Effect.gen(function* () {
        if (sp === null || sp === undefined || sp.branch === null || sp.branch === undefined) return undefined
        const branch = yield* branches.resolve(projectId, sp.branch)
        return { branch, hash: sp.hash, maxVersions: sp.max_versions, cloneThresholds: sp.clone_thresholds }
      })
    return handlers
      .handle("list", ({ path, urlParams }) =>
        Effect.gen(function* () {
          const project = yield* projectWith(path.project, "view")
          const { rows, total } = yield* branches.list(project.id, urlParams)
          yield* setTotalCount(total)
          return yield* Effect.forEach(rows, (b) => branches.toJson(project.uuid, b))
        })
      )
      .handle("create", ({ path, payload }) =>
        Effect.gen(function* () {
          const project = yield* projectWith(path.project, "create")
          const startPoint = yield* startPointOf(project.id, payload.start_point)
          const branch = yield* branches.create(project.id, payload.name, payload.slug, startPoint)
          return yield* branches.toJson(project.uuid, branch)
        })
      )
      .handle("view", ({ path }) =>
        Effect.gen(function* () {
          const project = yield* projectWith(path.project, "view")
          return yield* branches.toJson(project.uuid, yield* branches.resolve(project.id, path.branch))
        })
      )
      .handle("update", ({ path, payload }) =>
        Effect.gen(function* () {
          const project = yield* projectWith(path.project, "edit")
          let branch = yield* branches.update(yield* branches.resolve(project.id, path.branch), payload)
          if (payload.start_point !== undefined && payload.start_point !== null) {
            const startPoint = yield* startPointOf(project.id, payload.start_point)
            branch = yield* branches.forRun(project.id, branch.uuid, startPoint, payload.start_point.reset === true)
          }
          return yield* branches.toJson(project.uuid, branch)
        })
      )
      .handle("remove", ({ path }) =>
        Effect.gen(function* () {
          const project = yield* projectWith(path.project, "delete")
          yield* branches.remove(yield* branches.resolve(project.id, path.branch))
        })
      )
  })
)

export const TestbedsHandlersLive = HttpApiBuilder.group(BencherApi, "testbeds", (handlers) =>
  Effect.gen(function* () {
    const testbeds = yield* Testbeds
    const views = yield* ReportViews
    return handlers
      .handle("list", ({ path, urlParams }) =>
        Effect.gen(function* () {
          const project = yield* projectWith(path.project, "view")
          const { rows, total } = yield* testbeds.list(project.id, urlParams)
          yield* setTotalCount(total)
          return rows.map((t) => views.testbedJson(project.uuid, t))
        })
      )
      .handle("create", ({ path, payload }) =>
        Effect.gen(function* () {
          const project = yield* projectWith(path.project, "create")
          return views.testbedJson(project.uuid, yield* testbeds.insert(project.id, payload.name, payload.slug))
        })
      )
      .handle("view", ({ path }) =>
        Effect.gen(function* () {
          const project = yield* projectWith(path.project, "view")
          return views.testbedJson(project.uuid, yield* testbeds.resolve(project.id, path.testbed))
        })
      )
      .handle("update", ({ path, payload }) =>
        Effect.gen(function* () {
          const project = yield* projectWith(path.project, "edit")
          const testbed = yield* testbeds.resolve(project.id, path.testbed)
          return views.testbedJson(project.uuid, yield* testbeds.update(testbed, payload))
        })
      )
      .handle("remove", ({ path }) =>
        Effect.gen(function* () {
          const project = yield* projectWith(path.project, "delete")
          yield* testbeds.remove(yield* testbeds.resolve(project.id, path.testbed))
        })
      )
  })
)

export const MeasuresHandlersLive = HttpApiBuilder.group(BencherApi, "measures", (handlers) =>
  Effect.gen(function* () {
    const measures = yield* Measures
    return handlers
      .handle("list", ({ path, urlParams }) =>
        Effect.gen(function* () {
          const project = yield* projectWith(path.project, "view")
          const { rows, total } = yield* measures.list(project.id, urlParams)
          yield* setTotalCount(total)
          return rows.map((m) => measureJson(project.uuid, m))
        })
      )
      .handle("create", ({ path, payload }) =>
        Effect.gen(function* () {
          const project = yield* projectWith(path.project, "create")
          return measureJson(
            project.uuid,
            yield* measures.insert(project.id, payload.name, payload.slug, { units: payload.units })
          )
        })
      )
      .handle("view", ({ path }) =>
        Effect.gen(function* () {
          const project = yield* projectWith(path.project, "view")
          return measureJson(project.uuid, yield* measures.resolve(project.id, path.measure))
        })
      )
      .handle("update", ({ path, payload }) =>
        Effect.gen(function* () {
          const project = yield* projectWith(path.project, "edit")
          const measure = yield* measures.resolve(project.id, path.measure)
          const units = payload.units ?? measure.units
          return measureJson(project.uuid, yield* measures.update(measure, payload, { units }))
        })
      )
      .handle("remove", ({ path }) =>
        Effect.gen(function* () {
          const project = yield* projectWith(path.project, "delete")
          yield* measures.remove(yield* measures.resolve(project.id, path.measure))
        })
      )
  })
)

export const BenchmarksHandlersLive = HttpApiBuilder.group(BencherApi, "benchmarks", (handlers) =>
  Effect.gen(function* () {
    const benchmarks = yield* Benchmarks
    return handlers
      .handle("list", ({ path, urlParams }) =>
        Effect.gen(function* () {
          const project = yield* projectWith(path.project, "view")
          const { rows, total } = yield* benchmarks.list(project.id, urlParams)
          yield* setTotalCount(total)
          return rows.map((b) => dimensionJson(project.uuid, b))
        })
      )
      .handle("create", ({ path, payload }) =>
        Effect.gen(function* () {
          const project = yield* projectWith(path.project, "create")
          return dimensionJson(project.uuid, yield* benchmarks.insert(project.id, payload.name, payload.slug))
        })
      )
      .handle("view", ({ path }) =>
        Effect.gen(function* () {
          const project = yield* projectWith(path.project, "view")
          return dimensionJson(project.uuid, yield* benchmarks.resolve(project.id, path.benchmark))
        })
      )
      .handle("update", ({ path, payload }) =>
        Effect.gen(function* () {
          const project = yield* projectWith(path.project, "edit")
          const benchmark = yield* benchmarks.resolve(project.id, path.benchmark)
          return dimensionJson(project.uuid, yield* benchmarks.update(benchmark, payload))
        })
      )
      .handle("remove", ({ path }) =>
        Effect.gen(function* () {
          const project = yield* projectWith(path.project, "delete")
          yield* benchmarks.remove(yield* benchmarks.resolve(project.id, path.benchmark))
        })
      )
  })
)

import { Args, Command, Options } from "@effect/cli"
import { Effect, Option } from "effect"
import { clientOptions } from "../backend.js"
import {
  archiveFlags,
  archivedFlag,
  archivedOf,
  orUndefined,
  pagination,
  paginationParams,
  projectArg,
  withClient
} from "./common.js"

// `bencher branch|testbed|benchmark|measure {list,create,view,update,delete}` and `bencher archive|unarchive`, with
// Bencher's names and flags (docs/reference.md §4.3). Each prints the server's JSON body.

const listFilters = {
  name: Options.text("name").pipe(Options.withDescription("Exact name"), Options.optional),
  search: Options.text("search").pipe(Options.withDescription("Search string"), Options.optional),
  archived: archivedFlag,
  ...pagination(["name"] as const)
}
const listParams = (o: Command.Command.ParseConfig<typeof listFilters>) => ({
  ...paginationParams(o),
  name: orUndefined(o.name),
  search: orUndefined(o.search),
  archived: o.archived ? true : undefined
})
const slug = Options.text("slug").pipe(Options.withDescription("URL-friendly slug"), Options.optional)
const optionalName = Options.text("name").pipe(Options.withDescription("New name"), Options.optional)
const nameId = (name: string, what: string) =>
  Args.text({ name }).pipe(Args.withDescription(`${what} slug, name or UUID`))

// ---- branch ----

const branchArg = nameId("branch", "Branch")
const startPoint = {
  startPointBranch: Options.text("start-point-branch").pipe(
    Options.withDescription("Branch to start from"),
    Options.optional
  ),
  startPointHash: Options.text("start-point-hash").pipe(
    Options.withDescription("Git hash of the start point version"),
    Options.optional
  ),
  startPointMaxVersions: Options.integer("start-point-max-versions").pipe(
    Options.withDescription("Versions to copy (default 255)"),
    Options.optional
  ),
  startPointCloneThresholds: Options.boolean("start-point-clone-thresholds").pipe(
    Options.withDescription("Also copy the start point's thresholds")
  )
}

const branchList = Command.make("list", { ...clientOptions, project: projectArg, ...listFilters }, (o) =>
  withClient(o, (c) => c.branches.list({ path: { project: o.project }, urlParams: listParams(o) }))
).pipe(Command.withDescription("List a project's branches"))

const branchCreate = Command.make(
  "create",
  {
    ...clientOptions,
    project: projectArg,
    name: Options.text("name").pipe(Options.withDescription("Branch name")),
    slug,
    ...startPoint
  },
  (o) =>
    withClient(o, (c) =>
      c.branches.create({
        path: { project: o.project },
        payload: {
          name: o.name,
          slug: orUndefined(o.slug),
          start_point: Option.match(o.startPointBranch, {
            onNone: () => undefined,
            onSome: (branch) => ({
              branch,
              hash: orUndefined(o.startPointHash),
              max_versions: orUndefined(o.startPointMaxVersions),
              clone_thresholds: o.startPointCloneThresholds || undefined
            })
          })
        }
      })
    )
).pipe(Command.withDescription("Create a branch"))

const branchView = Command.make("view", { ...clientOptions, project: projectArg, branch: branchArg }, (o) =>
  withClient(o, (c) => c.branches.view({ path: { project: o.project, branch: o.branch } }))
).pipe(Command.withDescription("View a branch"))

const branchUpdate = Command.make(
  "update",
  {
    ...clientOptions,
    project: projectArg,
    branch: branchArg,
    name: optionalName,
    slug,
    ...startPoint,
    startPointReset: Options.boolean("start-point-reset").pipe(Options.withDescription("Start a new empty head")),
    ...archiveFlags
  },
  (o) =>
    withClient(o, (c) => {
      const hasStartPoint =
        Option.isSome(o.startPointBranch) ||
        Option.isSome(o.startPointHash) ||
        Option.isSome(o.startPointMaxVersions) ||
        o.startPointCloneThresholds ||
        o.startPointReset
      return c.branches.update({
        path: { project: o.project, branch: o.branch },
        payload: {
          name: orUndefined(o.name),
          slug: orUndefined(o.slug),
          start_point: hasStartPoint
            ? {
                branch: orUndefined(o.startPointBranch),
                hash: orUndefined(o.startPointHash),
                max_versions: orUndefined(o.startPointMaxVersions),
                clone_thresholds: o.startPointCloneThresholds || undefined,
                reset: o.startPointReset || undefined
              }
            : undefined,
          archived: archivedOf(o)
        }
      })
    })
).pipe(Command.withDescription("Update a branch"))

const branchDelete = Command.make("delete", { ...clientOptions, project: projectArg, branch: branchArg }, (o) =>
  withClient(o, (c) => c.branches.remove({ path: { project: o.project, branch: o.branch } }))
).pipe(Command.withDescription("Delete a branch"))

export const branchCommand = Command.make("branch").pipe(
  Command.withDescription("Branches: list, create, view, update, delete"),
  Command.withSubcommands([branchList, branchCreate, branchView, branchUpdate, branchDelete])
)

// ---- testbed ----

const testbedArg = nameId("testbed", "Testbed")
const spec = Options.text("spec").pipe(Options.withDescription("Hardware spec slug or UUID"), Options.optional)

const testbedList = Command.make("list", { ...clientOptions, project: projectArg, ...listFilters }, (o) =>
  withClient(o, (c) => c.testbeds.list({ path: { project: o.project }, urlParams: listParams(o) }))
).pipe(Command.withDescription("List a project's testbeds"))

const testbedCreate = Command.make(
  "create",
  {
    ...clientOptions,
    project: projectArg,
    name: Options.text("name").pipe(Options.withDescription("Testbed name")),
    slug,
    spec
  },
  (o) =>
    withClient(o, (c) =>
      c.testbeds.create({
        path: { project: o.project },
        payload: { name: o.name, slug: orUndefined(o.slug), spec: orUndefined(o.spec) }
      })
    )
).pipe(Command.withDescription("Create a testbed"))

const testbedView = Command.make("view", { ...clientOptions, project: projectArg, testbed: testbedArg }, (o) =>
  withClient(o, (c) => c.testbeds.view({ path: { project: o.project, testbed: o.testbed } }))
).pipe(Command.withDescription("View a testbed"))

const testbedUpdate = Command.make(
  "update",
  { ...clientOptions, project: projectArg, testbed: testbedArg, name: optionalName, slug, spec, ...archiveFlags },
  (o) =>
    withClient(o, (c) =>
      c.testbeds.update({
        path: { project: o.project, testbed: o.testbed },
        payload: {
          name: orUndefined(o.name),
          slug: orUndefined(o.slug),
          spec: orUndefined(o.spec),
          archived: archivedOf(o)
        }
      })
    )
).pipe(Command.withDescription("Update a testbed"))

const testbedDelete = Command.make("delete", { ...clientOptions, project: projectArg, testbed: testbedArg }, (o) =>
  withClient(o, (c) => c.testbeds.remove({ path: { project: o.project, testbed: o.testbed } }))
).pipe(Command.withDescription("Delete a testbed"))

export const testbedCommand = Command.make("testbed").pipe(
  Command.withDescription("Testbeds: list, create, view, update, delete"),
  Command.withSubcommands([testbedList, testbedCreate, testbedView, testbedUpdate, testbedDelete])
)

// ---- benchmark ----

const benchmarkArg = nameId("benchmark", "Benchmark")

const benchmarkList = Command.make("list", { ...clientOptions, project: projectArg, ...listFilters }, (o) =>
  withClient(o, (c) => c.benchmarks.list({ path: { project: o.project }, urlParams: listParams(o) }))
).pipe(Command.withDescription("List a project's benchmarks"))

const benchmarkCreate = Command.make(
  "create",
  {
    ...clientOptions,
    project: projectArg,
    name: Options.text("name").pipe(Options.withDescription("Benchmark name")),
    slug
  },
  (o) =>
    withClient(o, (c) =>
      c.benchmarks.create({ path: { project: o.project }, payload: { name: o.name, slug: orUndefined(o.slug) } })
    )
).pipe(Command.withDescription("Create a benchmark"))

const benchmarkView = Command.make("view", { ...clientOptions, project: projectArg, benchmark: benchmarkArg }, (o) =>
  withClient(o, (c) => c.benchmarks.view({ path: { project: o.project, benchmark: o.benchmark } }))
).pipe(Command.withDescription("View a benchmark"))

const benchmarkUpdate = Command.make(
  "update",
  { ...clientOptions, project: projectArg, benchmark: benchmarkArg, name: optionalName, slug, ...archiveFlags },
  (o) =>
    withClient(o, (c) =>
      c.benchmarks.update({
        path: { project: o.project, benchmark: o.benchmark },
        payload: { name: orUndefined(o.name), slug: orUndefined(o.slug), archived: archivedOf(o) }
      })
    )
).pipe(Command.withDescription("Update a benchmark"))

const benchmarkDelete = Command.make(
  "delete",
  { ...clientOptions, project: projectArg, benchmark: benchmarkArg },
  (o) => withClient(o, (c) => c.benchmarks.remove({ path: { project: o.project, benchmark: o.benchmark } }))
).pipe(Command.withDescription("Delete a benchmark"))

export const benchmarkCommand = Command.make("benchmark").pipe(
  Command.withDescription("Benchmarks: list, create, view, update, delete"),
  Command.withSubcommands([benchmarkList, benchmarkCreate, benchmarkView, benchmarkUpdate, benchmarkDelete])
)

// ---- measure ----

const measureArg = nameId("measure", "Measure")

const measureList = Command.make("list", { ...clientOptions, project: projectArg, ...listFilters }, (o) =>
  withClient(o, (c) => c.measures.list({ path: { project: o.project }, urlParams: listParams(o) }))
).pipe(Command.withDescription("List a project's measures"))

const measureCreate = Command.make(
  "create",
  {
    ...clientOptions,
    project: projectArg,
    name: Options.text("name").pipe(Options.withDescription("Measure name")),
    slug,
    units: Options.text("units").pipe(Options.withDescription("Units of measure, e.g. nanoseconds (ns)"))
  },
  (o) =>
    withClient(o, (c) =>
      c.measures.create({
        path: { project: o.project },
        payload: { name: o.name, slug: orUndefined(o.slug), units: o.units }
      })
    )
).pipe(Command.withDescription("Create a measure"))

const measureView = Command.make("view", { ...clientOptions, project: projectArg, measure: measureArg }, (o) =>
  withClient(o, (c) => c.measures.view({ path: { project: o.project, measure: o.measure } }))
).pipe(Command.withDescription("View a measure"))

const measureUpdate = Command.make(
  "update",
  {
    ...clientOptions,
    project: projectArg,
    measure: measureArg,
    name: optionalName,
    slug,
    units: Options.text("units").pipe(Options.withDescription("New units"), Options.optional),
    ...archiveFlags
  },
  (o) =>
    withClient(o, (c) =>
      c.measures.update({
        path: { project: o.project, measure: o.measure },
        payload: {
          name: orUndefined(o.name),
          slug: orUndefined(o.slug),
          units: orUndefined(o.units),
          archived: archivedOf(o)
        }
      })
    )
).pipe(Command.withDescription("Update a measure"))

const measureDelete = Command.make("delete", { ...clientOptions, project: projectArg, measure: measureArg }, (o) =>
  withClient(o, (c) => c.measures.remove({ path: { project: o.project, measure: o.measure } }))
).pipe(Command.withDescription("Delete a measure"))

export const measureCommand = Command.make("measure").pipe(
  Command.withDescription("Measures: list, create, view, update, delete"),
  Command.withSubcommands([measureList, measureCreate, measureView, measureUpdate, measureDelete])
)

// ---- archive / unarchive ----

const dimensionFlags = {
  branch: Options.text("branch").pipe(Options.withDescription("Branch slug, name or UUID"), Options.optional),
  testbed: Options.text("testbed").pipe(Options.withDescription("Testbed slug, name or UUID"), Options.optional),
  benchmark: Options.text("benchmark").pipe(Options.withDescription("Benchmark slug, name or UUID"), Options.optional),
  measure: Options.text("measure").pipe(Options.withDescription("Measure slug, name or UUID"), Options.optional)
}

const setArchived =
  (archived: boolean) =>
  (o: Command.Command.ParseConfig<typeof dimensionFlags> & { readonly project: string } & ClientConfig) => {
    const chosen = [o.branch, o.testbed, o.benchmark, o.measure].filter(Option.isSome).length
    if (chosen !== 1) {
      return Effect.fail(new Error("give exactly one of --branch, --testbed, --benchmark or --measure"))
    }
    const payload = { archived }
    const project = o.project
    return withClient(
      o,
      (c): Effect.Effect<unknown, unknown> =>
        Option.isSome(o.branch)
          ? c.branches.update({ path: { project, branch: o.branch.value }, payload })
          : Option.isSome(o.testbed)
            ? c.testbeds.update({ path: { project, testbed: o.testbed.value }, payload })
            : Option.isSome(o.benchmark)
              ? c.benchmarks.update({ path: { project, benchmark: o.benchmark.value }, payload })
              : c.measures.update({ path: { project, measure: Option.getOrElse(o.measure, () => "") }, payload })
    )
  }
type ClientConfig = Command.Command.ParseConfig<typeof clientOptions>

export const archiveCommand = Command.make(
  "archive",
  { ...clientOptions, project: projectArg, ...dimensionFlags },
  setArchived(true)
).pipe(Command.withDescription("Archive a branch, testbed, benchmark or measure"))

export const unarchiveCommand = Command.make(
  "unarchive",
  { ...clientOptions, project: projectArg, ...dimensionFlags },
  setArchived(false)
).pipe(Command.withDescription("Unarchive a branch, testbed, benchmark or measure"))

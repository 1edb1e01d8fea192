import { Args, Command, Options } from "@effect/cli"
import { Console, Effect, Option } from "effect"
import type { JsonPerf } from "../../domain/resources.js"
import { clientOptions, connect, printJson } from "../backend.js"
import { orUndefined } from "./common.js"

// `bencher perf <project> --branches .. --testbeds .. --benchmarks .. --measures ..` (docs/reference.md §4.3, §7.1):
// the perf query, printed as one table per series, or the JSON body with `--format json`.

/** A repeatable flag whose values may also be comma-separated, as the query takes them. */
const list = (name: string, what: string) =>
  Options.text(name).pipe(
    Options.withDescription(`${what} UUIDs, slugs or names (repeatable or comma-separated)`),
    Options.repeated,
    Options.map((values) => values.flatMap((v) => v.split(",")).filter((v) => v !== ""))
  )
const required = (name: string, what: string) =>
  list(name, what).pipe(
    Options.filterMap((v) => (v.length > 0 ? Option.some(v) : Option.none()), `--${name} is required`)
  )

const epochMs = (name: string) =>
  Options.text(name).pipe(
    Options.withDescription("Epoch milliseconds or an RFC 3339 date"),
    Options.filterMap((s) => {
      const ms = /^-?\d+$/.test(s) ? Number(s) : Date.parse(s)
      return Number.isFinite(ms) ? Option.some(ms) : Option.none()
    }, `--${name} must be epoch milliseconds or an RFC 3339 date`),
    Options.optional
  )

const cell = (n: number | null | undefined): string => (n === null || n === undefined ? "" : String(n))

/** One table per series: its dimensions as a title, then a row per metric. */
export const perfTables = (perf: JsonPerf): string => {
  if (perf.results.length === 0) return "No results"
  return perf.results
    .map((series) => {
      const title = `${series.benchmark.name} · ${series.measure.name} (${series.measure.units}) · branch ${series.branch.name} · testbed ${series.testbed.name}`
      const header = [
        "date",
        "version",
        "iteration",
        "value",
        "lower value",
        "upper value",
        "lower limit",
        "upper limit",
        "alert"
      ]
      const rows = series.metrics.map((m) => [
        m.start_time,
        `${m.version.number}${m.version.hash ? ` ${m.version.hash.slice(0, 7)}` : ""}`,
        String(m.iteration),
        cell(m.metric.value),
        cell(m.metric.lower_value),
        cell(m.metric.upper_value),
        cell(m.boundary?.lower_limit),
        cell(m.boundary?.upper_limit),
        m.alert ? `${m.alert.limit} (${m.alert.status})` : ""
      ])
      const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]?.length ?? 0)))
      const line = (cells: ReadonlyArray<string>) =>
        cells
          .map((c, i) => c.padEnd(widths[i] ?? 0))
          .join("  ")
          .trimEnd()
      return [title, line(header), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)].join("\n")
    })
    .join("\n\n")
}

export const perfCommand = Command.make(
  "perf",
  {
    ...clientOptions,
    project: Args.text({ name: "project" }).pipe(Args.withDescription("Project slug or UUID")),
    branches: required("branches", "Branch"),
    heads: list("heads", "Branch head (_ for the current one)"),
    testbeds: required("testbeds", "Testbed"),
    specs: list("specs", "Spec"),
    benchmarks: required("benchmarks", "Benchmark"),
    measures: required("measures", "Measure"),
    startTime: epochMs("start-time"),
    endTime: epochMs("end-time"),
    format: Options.choice("format", ["table", "json"] as const).pipe(
      Options.withDescription("table (one per series) or json (the body)"),
      Options.withDefault("table" as const)
    )
  },
  (o) =>
    Effect.gen(function* () {
      const client = yield* connect(o)
      const perf = yield* client.reports.perf({
        path: { project: o.project },
        urlParams: {
          branches: o.branches,
          heads: o.heads.length > 0 ? o.heads : undefined,
          testbeds: o.testbeds,
          specs: o.specs.length > 0 ? o.specs : undefined,
          benchmarks: o.benchmarks,
          measures: o.measures,
          start_time: orUndefined(o.startTime),
          end_time: orUndefined(o.endTime)
        }
      })
      yield* o.format === "json" ? printJson(perf) : Console.log(perfTables(perf))
    })
).pipe(Command.withDescription("Query a project's performance series: a table per series, or --format json"))

// What every adapter is: a pure function from one iteration of tool output to BMF.
import { Either } from "effect"
import type { Bmf, BmfMetric } from "../domain/bmf.js"
import { AdapterMismatch, NoBenchmarksFound, type ParseError, UnsupportedAverage } from "./errors.js"

export type Average = "mean" | "median"
export type Fold = "min" | "max" | "mean" | "median"

export interface Settings {
  readonly average?: Average | undefined
}

/** A line that looked like one of the adapter's results but did not parse (1-based line number). */
export interface SkippedLine {
  readonly line: number
  readonly text: string
}

/**
 * An adapter's result: the benchmarks, and the lines it skipped. A skipped line never fails the input;
 * only an input where nothing parses does. `skipped` keeps the first few lines, `skippedCount` counts all.
 */
export interface Parsed {
  readonly bmf: Bmf
  readonly skipped: ReadonlyArray<SkippedLine>
  readonly skippedCount: number
}

export type Parse = (input: string, settings: Settings) => Either.Either<Parsed, ParseError>

/** A result with nothing skipped. */
export const parsed = (bmf: Bmf): Parsed => ({ bmf, skipped: [], skippedCount: 0 })

/** How many skipped lines a result keeps, and how much of each. */
export const MAX_SKIPPED_LINES = 20
const MAX_SKIPPED_TEXT = 200

/** Built-in measure slugs, exactly as Bencher emits them (docs/reference.md §1.3). */
export const Measure = {
  latency: "latency",
  throughput: "throughput",
  allocated: "allocated",
  gen0Collects: "gen0-collects",
  gen1Collects: "gen1-collects",
  gen2Collects: "gen2-collects",
  totalOperations: "total-operations",
  instructions: "instructions",
  l1Accesses: "l1-accesses",
  l2Accesses: "l2-accesses",
  ramAccesses: "ram-accesses",
  estimatedCycles: "estimated-cycles",
  allocations: "allocations",
  mbPerSecond: "mb-per-second"
} as const

/**
 * Collects benchmark -> measure -> metric. A Map keeps any name (even `__proto__`) safe and,
 * like Bencher's HashMap insert, a later result for the same key replaces the earlier one.
 */
export class ResultsBuilder {
  // a bare number stands for `{ value }`, made when the result is built
  private readonly benchmarks = new Map<string, Map<string, BmfMetric | number>>()
  // adapters add several measures of one benchmark in a row
  private lastName: string | undefined
  private lastMeasures: Map<string, BmfMetric | number> | undefined
  private readonly skippedLines: Array<SkippedLine> = []
  private skippedCount = 0

  private measuresOf(benchmark: string): Map<string, BmfMetric | number> {
    if (benchmark === this.lastName && this.lastMeasures !== undefined) return this.lastMeasures
    let measures = this.benchmarks.get(benchmark)
    if (measures === undefined) {
      measures = new Map()
      this.benchmarks.set(benchmark, measures)
    }
    this.lastName = benchmark
    this.lastMeasures = measures
    return measures
  }

  add(benchmark: string, measure: string, metric: BmfMetric): void {
    this.measuresOf(benchmark).set(measure, metric)
  }

  /** Same as `add(benchmark, measure, metric(value))`. */
  addValue(benchmark: string, measure: string, value: number): void {
    this.measuresOf(benchmark).set(measure, value)
  }

  /** Notes a line that looked like a result but did not parse (`line` is 1-based). */
  skip(line: number, text: string): void {
    this.skippedCount++
    if (this.skippedLines.length >= MAX_SKIPPED_LINES) return
    const t = text.trim()
    this.skippedLines.push({ line, text: t.length > MAX_SKIPPED_TEXT ? `${t.slice(0, MAX_SKIPPED_TEXT)}…` : t })
  }

  get size(): number {
    return this.benchmarks.size
  }

  build(): Bmf {
    const out: Array<readonly [string, Record<string, BmfMetric>]> = []
    for (const [name, measures] of this.benchmarks) {
      if (measures.size === 0) continue
      const entries: Array<readonly [string, BmfMetric]> = []
      for (const [measure, m] of measures) entries.push([measure, typeof m === "number" ? { value: m } : m])
      out.push([name, Object.fromEntries(entries)])
    }
    return Object.fromEntries(out)
  }

  /** Zero benchmarks is "not this adapter" in Bencher (`AdapterResults::new` returns None). */
  result(adapter: string, unsupported?: Either.Either<never, ParseError>): Either.Either<Parsed, ParseError> {
    const bmf = this.build()
    // the format matched but the tool does not print the requested statistic
    for (const _ in bmf) {
      return unsupported ?? Either.right({ bmf, skipped: this.skippedLines, skippedCount: this.skippedCount })
    }
    return Either.left(new NoBenchmarksFound({ adapter }))
  }
}

/** Adapters that print one statistic reject the other one (Bencher returns None). */
export const requireAverage = (
  adapter: string,
  settings: Settings,
  accepted: ReadonlyArray<Average>
): Either.Either<never, ParseError> | undefined =>
  settings.average === undefined || accepted.includes(settings.average)
    ? undefined
    : Either.left(new UnsupportedAverage({ adapter, average: settings.average }))

export const mismatch = (adapter: string, reason: string): Either.Either<never, ParseError> =>
  Either.left(new AdapterMismatch({ adapter, reason }))

/** JSON.parse without exceptions. */
export const parseJson = (input: string): unknown => {
  try {
    return JSON.parse(input) as unknown
  } catch {
    return undefined
  }
}

export const isRecord = (u: unknown): u is Record<string, unknown> =>
  typeof u === "object" && u !== null && !Array.isArray(u)

export const finite = (u: unknown): number | undefined => (typeof u === "number" && Number.isFinite(u) ? u : undefined)

/** First non-whitespace character, without scanning the whole input. */
export const firstSignificantChar = (input: string): string | undefined => {
  for (let i = 0; i < input.length; i++) {
    const c = input.charCodeAt(i)
    // space, tab, CR, LF, BOM
    if (c !== 32 && c !== 9 && c !== 13 && c !== 10 && c !== 0xfeff) return input[i]
  }
  return undefined
}

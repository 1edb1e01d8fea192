import { Command, Options } from "@effect/cli"
import { Console, Data, Effect, Option } from "effect"
import type { Bmf } from "./run/bmf.js"

// `bencher mock` (docs/reference.md §4.3): deterministic BMF for demos and tests. Benchmarks `bencher::mock_{c}`,
// c = 0..count-1, value ~ U[10^pow·c, 10^pow·(c+1)), lower/upper = value ∓ 10%.

/** SplitMix64: a tiny PRNG whose whole state is the seed, so a seed replays the same numbers everywhere. */
export const splitMix64 = (seed: bigint): (() => number) => {
  let state = BigInt.asUintN(64, seed)
  return () => {
    state = BigInt.asUintN(64, state + 0x9e3779b97f4a7c15n)
    let z = state
    z = BigInt.asUintN(64, (z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n)
    z = BigInt.asUintN(64, (z ^ (z >> 27n)) * 0x94d049bb133111ebn)
    z = z ^ (z >> 31n)
    // The top 53 bits as a double in [0, 1).
    return Number(z >> 11n) / 2 ** 53
  }
}

export const DEFAULT_MOCK_COUNT = 5
export const DEFAULT_MOCK_MEASURE = "latency"

export interface MockOptions {
  readonly seed: bigint
  readonly count: number
  readonly measures: ReadonlyArray<string>
  readonly pow: number
}

export const mockBenchmarkName = (c: number): string => `bencher::mock_${c}`

/** The BMF for a seed: the same options always give the same values. */
export const mockBmf = (options: MockOptions): Bmf => {
  const random = splitMix64(options.seed)
  const scale = 10 ** options.pow
  const measures = options.measures.length === 0 ? [DEFAULT_MOCK_MEASURE] : options.measures
  const bmf: Bmf = {}
  for (let c = 0; c < options.count; c++) {
    const metrics: Bmf[string] = {}
    for (const measure of measures) {
      const value = scale * (c + random())
      metrics[measure] = { value, lower_value: value * 0.9, upper_value: value * 1.1 }
    }
    bmf[mockBenchmarkName(c)] = metrics
  }
  return bmf
}

/** `--flaky` fails about half of the seeds, decided by a stream of its own so the values do not depend on it. */
export const mockIsFlakyFailure = (seed: bigint): boolean => splitMix64(seed ^ 0x5eed_f1a4n)() < 0.5

export class MockFailure extends Data.TaggedError("MockFailure")<{ readonly message: string }> {
  readonly exitCode = 1
}

const randomSeed = (): bigint => {
  const bytes = crypto.getRandomValues(new Uint32Array(2))
  return (BigInt(bytes[0] ?? 0) << 32n) | BigInt(bytes[1] ?? 0)
}

const parseSeed = (raw: string): Option.Option<bigint> =>
  /^\d+$/.test(raw) && BigInt(raw) < 2n ** 64n ? Option.some(BigInt(raw)) : Option.none()

export const mockOptions = {
  seed: Options.text("seed").pipe(
    Options.withDescription("Seed (an unsigned 64-bit integer) for reproducible values; random when absent"),
    Options.filterMap(parseSeed, "--seed must be an unsigned 64-bit integer"),
    Options.optional
  ),
  count: Options.integer("count").pipe(
    Options.withDescription(`Number of benchmarks (default ${DEFAULT_MOCK_COUNT})`),
    Options.withDefault(DEFAULT_MOCK_COUNT),
    Options.filterMap((n) => (n >= 0 ? Option.some(n) : Option.none()), "--count must not be negative")
  ),
  measures: Options.text("measure").pipe(
    Options.withDescription(`Measure (repeatable; default ${DEFAULT_MOCK_MEASURE})`),
    Options.repeated
  ),
  pow: Options.integer("pow").pipe(
    Options.withDescription("Values are scaled by 10^pow (default 1)"),
    Options.withDefault(1)
  ),
  fail: Options.boolean("fail").pipe(Options.withDescription("Fail (exit 1) instead of printing results")),
  flaky: Options.boolean("flaky").pipe(Options.withDescription("Fail about half of the time (decided by the seed)"))
}

export const mockCommand = Command.make("mock", mockOptions, (options) =>
  Effect.gen(function* () {
    if (options.fail && options.flaky)
      return yield* new MockFailure({ message: "--fail and --flaky cannot be used together" })
    const seed = Option.getOrElse(options.seed, randomSeed)
    if (options.fail) return yield* new MockFailure({ message: "Mock failure (--fail)" })
    if (options.flaky && mockIsFlakyFailure(seed)) {
      return yield* new MockFailure({ message: `Mock flaky failure (--flaky, seed ${seed})` })
    }
    yield* Console.log(
      JSON.stringify(mockBmf({ seed, count: options.count, measures: options.measures, pow: options.pow }), null, 2)
    )
  })
).pipe(Command.withDescription("Print mock benchmark results (BMF JSON), reproducible with --seed"))

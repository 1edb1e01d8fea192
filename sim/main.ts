import { FAULTS, type FaultName, isFaultName } from "./faults.js"
import { replayCommand, shrink } from "./shrink.js"
import { runSeed, type SimResult } from "./simulation.js"

/**
 * `npm run sim -- --seed <n> [--steps <k>] [--jobs <j>] [--without a,b] [--verbose]` replays one seed;
 * `npm run sim -- --seeds <count> [--from <n>] [--jobs <j>]` sweeps seeds and reports throughput.
 * A single seed's output depends on the seed alone: no wall-clock figure is printed.
 */
const usage = "usage: npm run sim -- --seed <n> [--steps <k>] [--jobs <j>] [--without fault,fault] [--verbose]\n" +
  "       npm run sim -- --seeds <count> [--from <n>] [--jobs <j>]"

interface Args {
  readonly seed?: number
  readonly seeds?: number
  readonly from: number
  readonly steps?: number
  readonly jobs?: number
  readonly without: ReadonlySet<FaultName>
  readonly verbose: boolean
}

const parseArgs = (argv: ReadonlyArray<string>): Args => {
  const values = new Map<string, string>()
  let verbose = false
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? ""
    if (arg === "--verbose") verbose = true
    else if (arg === "--help" || arg === "-h") {
      console.log(usage)
      process.exit(0)
    } else if (arg.startsWith("--") && i + 1 < argv.length) values.set(arg.slice(2), argv[++i] ?? "")
    else {
      console.error(`unknown argument ${arg}\n${usage}`)
      process.exit(2)
    }
  }
  const int = (name: string): number | undefined => {
    const raw = values.get(name)
    if (raw === undefined) return undefined
    const n = Number(raw)
    if (!Number.isSafeInteger(n) || n < 0) {
      console.error(`--${name}: ${raw} is not a non-negative integer`)
      process.exit(2)
    }
    return n
  }
  const without = new Set<FaultName>()
  for (const name of (values.get("without") ?? "").split(",").filter((x) => x !== "")) {
    if (!isFaultName(name)) {
      console.error(`--without: unknown fault ${name}; faults are ${FAULTS.join(", ")}`)
      process.exit(2)
    }
    without.add(name)
  }
  const seed = int("seed")
  const seeds = int("seeds")
  const steps = int("steps")
  const jobs = int("jobs")
  if ((seed === undefined) === (seeds === undefined)) {
    console.error(usage)
    process.exit(2)
  }
  return {
    from: int("from") ?? 1,
    without,
    verbose,
    ...(seed === undefined ? {} : { seed }),
    ...(seeds === undefined ? {} : { seeds }),
    ...(steps === undefined ? {} : { steps }),
    ...(jobs === undefined ? {} : { jobs })
  }
}

const faultLine = (result: SimResult) =>
  FAULTS.filter((f) => result.faults[f] > 0).map((f) => `${f} ${result.faults[f]}`).join(", ") || "none"

const reportFailure = (result: SimResult, options: { readonly jobs?: number; readonly without: ReadonlySet<FaultName> }) => {
  const violation = result.violation
  if (violation === undefined) return
  console.log(`FAIL seed ${result.seed}: ${violation.invariant}: ${violation.message}`)
  console.log(`replay: ${replayCommand({ seed: result.seed, ...(options.jobs === undefined ? {} : { jobs: options.jobs }), disabled: options.without })}`)
  const shrunk = shrink(result, { ...(options.jobs === undefined ? {} : { jobs: options.jobs }), disabled: options.without })
  console.log(`shrunk: ${shrunk.command}`)
  console.log(`shrunk trace (${shrunk.trace.length} events):`)
  for (const line of shrunk.trace) console.log(`  ${line}`)
}

const main = () => {
  const args = parseArgs(process.argv.slice(2))
  if (args.seed !== undefined) {
    const result = runSeed({
      seed: args.seed,
      disabled: args.without,
      ...(args.steps === undefined ? {} : { steps: args.steps }),
      ...(args.jobs === undefined ? {} : { jobs: args.jobs }),
      ...(args.verbose ? { onLine: (line: string) => console.log(line) } : {})
    })
    const verdict = result.ok ? (result.complete ? "ok" : "ok so far (cut by --steps)") : "FAIL"
    console.log(`seed ${result.seed}: ${verdict}, ${result.steps} steps, ${result.jobs} jobs, ${(result.simulatedMs / 1000).toFixed(3)} simulated s`)
    console.log(`faults: ${faultLine(result)}`)
    console.log(`hash ${result.hash}`)
    if (!result.ok) {
      reportFailure(result, { ...(args.jobs === undefined ? {} : { jobs: args.jobs }), without: args.without })
      process.exit(1)
    }
    return
  }
  const count = args.seeds ?? 0
  const started = performance.now()
  let jobs = 0
  let failed = 0
  let steps = 0
  const faults = Object.fromEntries(FAULTS.map((f) => [f, 0])) as Record<FaultName, number>
  for (let seed = args.from; seed < args.from + count; seed++) {
    const result = runSeed({ seed, disabled: args.without, ...(args.jobs === undefined ? {} : { jobs: args.jobs }) })
    jobs += result.jobs
    steps += result.steps
    for (const f of FAULTS) faults[f] += result.faults[f]
    if (!result.ok) {
      failed++
      reportFailure(result, { ...(args.jobs === undefined ? {} : { jobs: args.jobs }), without: args.without })
      if (failed >= 3) break
    }
  }
  const seconds = (performance.now() - started) / 1000
  const done = Math.min(count, Math.max(1, jobs === 0 ? count : count))
  console.log(`faults injected: ${FAULTS.map((f) => `${f} ${faults[f]}`).join(", ")}`)
  console.log(`${done} seeds, ${failed} failed, ${jobs} jobs, ${steps} steps in ${seconds.toFixed(1)} s`)
  console.log(JSON.stringify({
    seeds: done,
    failed,
    jobs,
    seeds_per_s: Number((done / seconds).toFixed(2)),
    jobs_per_s: Number((jobs / seconds).toFixed(1)),
    target_seeds_per_s: 20,
    ratio: Number(((done / seconds) / 20).toFixed(3))
  }))
  if (failed > 0) process.exit(1)
}

main()

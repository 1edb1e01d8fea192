// `npm run bench -- changepoints`: change-point analysis (src/stats/changepoints.ts) of a 20,000-point series with
// window 30 and p 0.01, in full and as one incremental append at its end. Targets (issue 23): full < 300 ms, append
// < 1 ms. The same-run baseline is one plain mean/standard-deviation pass over the series. `ratio` is append_ms /
// full_ms (lower is better: the share of a full analysis one append costs); `full_target_ratio` is full_ms / 300 and
// `append_target_ratio` append_ms / 1 (each below 1 meets its target). Times are wall-clock medians; the `_cpu_ms`
// twins are the process's CPU time for the same runs. Also measured: an append to a pure-noise series (nothing
// survives the merge, so nothing bounds what an append re-merges) and one append to each of 1,000 series of 1,000
// points (a report; median of the reports after the first).
import { changePoints, type ChangePointOptions, ChangePointSeries } from "../src/stats/changepoints.js"

const POINTS = 20_000
const APPENDS = 400
const FULL_RUNS = 5
const OPTIONS: ChangePointOptions = { window: 30, maxPValue: 0.01, minMagnitude: 0 }

// One seeded stream (xorshift32), so every run analyses the same series.
const random = (seed: number) => {
  let s = seed >>> 0 || 1
  return () => {
    s ^= s << 13
    s >>>= 0
    s ^= s >>> 17
    s ^= s << 5
    s >>>= 0
    return s / 4294967296
  }
}
const gaussian = (next: () => number) => () => Math.sqrt(-2 * Math.log(1 - next())) * Math.cos(2 * Math.PI * next())

/** A benchmark's history: regimes of 500–3,000 points at levels ±3–20 % apart, 2 % noise, rare 3× outliers. */
const steppedSeries = (length: number, seed: number): Array<number> => {
  const next = random(seed)
  const noise = gaussian(next)
  const out: Array<number> = []
  let level = 1_000_000
  let left = 0
  while (out.length < length) {
    if (left === 0) {
      level *= 1 + (next() < 0.5 ? -1 : 1) * (0.03 + 0.17 * next())
      left = 500 + Math.floor(next() * 2_500)
    }
    left--
    out.push(next() < 0.002 ? 3 * level : level * (1 + 0.02 * noise()))
  }
  return out
}

/** Pure noise, 2 % around one level. */
const noiseSeries = (length: number, seed: number): Array<number> => {
  const noise = gaussian(random(seed))
  return Array.from({ length }, () => 1_000_000 * (1 + 0.02 * noise()))
}

const median = (xs: ReadonlyArray<number>): number => {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.floor((s.length - 1) / 2)] ?? Number.NaN
}
const round = (ms: number): number => Number(ms.toPrecision(3))

// Wall-clock time of `f`; `cpuMs` keeps the process's CPU time for the same call, which a busy machine inflates less.
let cpuMs = 0
const time = (f: () => void): number => {
  const cpu = process.cpuUsage()
  const start = performance.now()
  f()
  const wall = performance.now() - start
  const used = process.cpuUsage(cpu)
  cpuMs = (used.user + used.system) / 1000
  return wall
}

/** Per-append times of `APPENDS` points pushed one by one onto a series already holding `history`. */
const appendTimes = (history: ReadonlyArray<number>, extra: ReadonlyArray<number>, options = OPTIONS) => {
  const tracked = new ChangePointSeries(options)
  tracked.pushAll(history)
  const times: Array<number> = []
  const cpuTimes: Array<number> = []
  for (const v of extra) {
    times.push(time(() => tracked.push(v)))
    cpuTimes.push(cpuMs)
  }
  return { times, cpuTimes, tracked }
}

let sink = 0
const all = steppedSeries(POINTS + APPENDS, 20261208)
const series = all.slice(0, POINTS)

// Warm-up: compile every path once.
changePoints(series.slice(0, 5_000), OPTIONS)
appendTimes(series.slice(0, 2_000), series.slice(2_000, 2_200))

const baselineMs = median(
  Array.from({ length: 21 }, () =>
    time(() => {
      let sum = 0
      let squares = 0
      for (const v of series) sum += v
      const mean = sum / series.length
      for (const v of series) squares += (v - mean) ** 2
      sink += Math.sqrt(squares / series.length)
    })
  )
)
let found = 0
const fullRuns = Array.from({ length: FULL_RUNS }, () => {
  const wall = time(() => {
    found = changePoints(series, OPTIONS).length
  })
  return { wall, cpu: cpuMs }
})
const fullMs = median(fullRuns.map((r) => r.wall))
const fullCpuMs = median(fullRuns.map((r) => r.cpu))

const { times, cpuTimes, tracked } = appendTimes(series, all.slice(POINTS))
const agrees = JSON.stringify(tracked.changePoints) === JSON.stringify(changePoints(all, OPTIONS))
const firstAppendMs = times[0] ?? Number.NaN
const appendMs = median(times)
const appendCpuMs = median(cpuTimes)

// Pure noise at p 0.01 still keeps a few false change points, which bound what an append re-merges. With a 5 %
// magnitude floor none stays: nothing bounds the merge, and every append re-merges all weak points (the worst case).
const noise = noiseSeries(POINTS + APPENDS, 7)
const noiseAppendMs = median(appendTimes(noise.slice(0, POINTS), noise.slice(POINTS)).times)
const unboundedAppendMs = median(
  appendTimes(noise.slice(0, POINTS), noise.slice(POINTS), { ...OPTIONS, minMagnitude: 0.05 }).times
)

// A report of 1,000 series of 1,000 points each: one append to every series.
// The series' state is kept between reports, so the first report after a cold start (each state rebuilt by one full
// analysis) is timed apart from the next ones.
const REPORTS = 5
const reportSeries = Array.from({ length: 1_000 }, (_, k) => {
  const s = steppedSeries(1_000 + REPORTS, 1_000 + k)
  const tracked = new ChangePointSeries(OPTIONS)
  tracked.pushAll(s.slice(0, 1_000))
  return { tracked, s }
})
const reports = Array.from({ length: REPORTS }, () => {
  const wall = time(() => {
    for (const { tracked, s } of reportSeries) sink += tracked.push(s[tracked.length] ?? 0).length
  })
  return { wall, cpu: cpuMs }
})
const firstReportMs = reports[0]?.wall ?? Number.NaN
const reportMs = median(reports.slice(1).map((r) => r.wall))
const reportCpuMs = median(reports.slice(1).map((r) => r.cpu))

console.log(
  `full ${fullMs.toFixed(1)} ms (cpu ${fullCpuMs.toFixed(1)} ms) (${found} change points in ${POINTS} points), baseline ${baselineMs.toFixed(3)} ms`
)
console.log(
  `append median ${appendMs.toFixed(4)} ms, first ${firstAppendMs.toFixed(4)} ms, max ${Math.max(...times).toFixed(4)} ms over ${APPENDS}; agrees with full: ${agrees}`
)
console.log(
  `pure-noise append median ${noiseAppendMs.toFixed(4)} ms, with a 5 % floor ${unboundedAppendMs.toFixed(4)} ms; 1,000-series report append ${reportMs.toFixed(2)} ms (cpu ${reportCpuMs.toFixed(2)} ms), first after a cold start ${firstReportMs.toFixed(2)} ms (${sink > 0})`
)
console.log(
  JSON.stringify({
    points: POINTS,
    window: OPTIONS.window,
    max_p_value: OPTIONS.maxPValue,
    change_points: found,
    full_ms: round(fullMs),
    full_cpu_ms: round(fullCpuMs),
    append_ms: round(appendMs),
    append_cpu_ms: round(appendCpuMs),
    append_first_ms: round(firstAppendMs),
    append_max_ms: round(Math.max(...times)),
    append_max_cpu_ms: round(Math.max(...cpuTimes)),
    append_pure_noise_ms: round(noiseAppendMs),
    append_unbounded_ms: round(unboundedAppendMs),
    report_1000_series_append_ms: round(reportMs),
    report_1000_series_append_cpu_ms: round(reportCpuMs),
    report_1000_series_first_append_ms: round(firstReportMs),
    baseline_ms: round(baselineMs),
    full_target_ratio: round(fullMs / 300),
    append_target_ratio: round(appendMs / 1),
    agrees,
    ratio: round(appendMs / fullMs)
  })
)

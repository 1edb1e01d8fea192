// Built-in measures (docs/reference.md §1.3): created lazily the first time a report uses one of these keys.
// A key matches a built-in when it equals its slug, its name, or its display name.

export interface BuiltInMeasure {
  readonly name: string
  readonly slug: string
  readonly units: string
}

const m = (name: string, slug: string, units: string): BuiltInMeasure => ({ name, slug, units })

export const NANOSECONDS = "nanoseconds (ns)"
export const SECONDS = "seconds (s)"
export const BYTES = "bytes (B)"
export const OPS_PER_SECOND = "operations / second (ops/s)"
export const DEFAULT_UNITS = "Measure (units)"

export const builtInMeasures: ReadonlyArray<BuiltInMeasure> = [
  m("Latency", "latency", NANOSECONDS),
  m("Throughput", "throughput", OPS_PER_SECOND),
  m("Build Time", "build-time", SECONDS),
  m("File Size", "file-size", BYTES),
  // BenchmarkDotNet
  m("Allocated", "allocated", BYTES),
  m("Gen0 Collects", "gen0-collects", "collects"),
  m("Gen1 Collects", "gen1-collects", "collects"),
  m("Gen2 Collects", "gen2-collects", "collects"),
  m("Total Operations", "total-operations", "operations"),
  // Go and Julia allocation counts, Go's MB/s (ours)
  m("Allocations", "allocations", "allocations"),
  m("MB per Second", "mb-per-second", "megabytes / second (MB/s)"),
  // iai
  m("Instructions", "instructions", "instructions"),
  m("L1 Accesses", "l1-accesses", "accesses"),
  m("L2 Accesses", "l2-accesses", "accesses"),
  m("RAM Accesses", "ram-accesses", "accesses"),
  m("Estimated Cycles", "estimated-cycles", "cycles"),
  // noise
  m("Compute Jitter", "compute-jitter", "percentage (%)"),
  m("Cache Jitter", "cache-jitter", "percentage (%)"),
  m("I/O Jitter", "io-jitter", "percentage (%)"),
  m("CPU Steal", "cpu-steal", "percentage (%)"),
  m("Noise Score", "noise-score", "decibels (dB)"),
  // gungraun callgrind / cachegrind
  m("L1 Hits", "l1-hits", "hits"),
  m("L2 Hits", "l2-hits", "hits"),
  m("LL Hits", "ll-hits", "hits"),
  m("RAM Hits", "ram-hits", "hits"),
  m("Total read+write", "total-read-write", "reads/writes"),
  m("Ge", "global-bus-events", "events"),
  m("Dr", "dr", "reads"),
  m("Dw", "dw", "writes"),
  m("I1mr", "i1mr", "misses (reads)"),
  m("D1mr", "d1mr", "misses (reads)"),
  m("D1mw", "d1mw", "misses (writes)"),
  m("ILmr", "ilmr", "misses (reads)"),
  m("DLmr", "dlmr", "misses (reads)"),
  m("DLmw", "dlmw", "misses (writes)"),
  m("I1 Miss Rate", "i1-miss-rate", "misses (%)"),
  m("LLi Miss Rate", "lli-miss-rate", "misses (%)"),
  m("D1 Miss Rate", "d1-miss-rate", "misses (%)"),
  m("LLd Miss Rate", "lld-miss-rate", "misses (%)"),
  m("LL Miss Rate", "ll-miss-rate", "misses (%)"),
  m("L1 Hit Rate", "l1-hit-rate", "hits (%)"),
  m("LL Hit Rate", "ll-hit-rate", "hits (%)"),
  m("RAM Hit Rate", "ram-hit-rate", "hits (%)"),
  m("SysCount", "sys-count", "syscalls"),
  m("SysTime", "sys-time", "nsec"),
  m("SysCpuTime", "sys-cpu-time", "nsec"),
  m("Bc", "bc", "branches"),
  m("Bcm", "bcm", "mispredictions"),
  m("Bi", "bi", "branches"),
  m("Bim", "bim", "mispredictions"),
  m("ILdmr", "ildmr", "misses (reads)"),
  m("DLdmr", "dldmr", "misses (reads)"),
  m("DLdmw", "dldmw", "misses (writes)"),
  m("AcCost1", "accost1", "cost"),
  m("AcCost2", "accost2", "cost"),
  m("SpLoss1", "sploss1", "loss"),
  m("SpLoss2", "sploss2", "loss"),
  // gungraun DHAT
  m("Total bytes", "total-bytes", "bytes"),
  m("Total blocks", "total-blocks", "blocks"),
  m("Total units", "total-units", "units"),
  m("Total events", "total-events", "events"),
  m("Total lifetimes", "total-lifetimes", "lifetimes"),
  m("At t-gmax bytes", "at-t-gmax-bytes", "bytes"),
  m("At t-gmax blocks", "at-t-gmax-blocks", "blocks"),
  m("At t-end bytes", "at-t-end-bytes", "bytes"),
  m("At t-end blocks", "at-t-end-blocks", "blocks"),
  m("Reads bytes", "reads-bytes", "bytes"),
  m("Writes bytes", "writes-bytes", "bytes"),
  m("Maximum bytes", "maximum-bytes", "bytes"),
  m("Maximum blocks", "maximum-blocks", "blocks"),
  // gungraun Memcheck / Helgrind / DRD
  ...["Memcheck", "Helgrind", "DRD"].flatMap((tool) => [
    m(`${tool} Errors`, `${tool.toLowerCase()}-errors`, "errors"),
    m(`${tool} Contexts`, `${tool.toLowerCase()}-contexts`, "contexts"),
    m(`${tool} Suppressed Errors`, `${tool.toLowerCase()}-suppressed-errors`, "errors"),
    m(`${tool} Suppressed Contexts`, `${tool.toLowerCase()}-suppressed-contexts`, "contexts")
  ])
]

const byKey = new Map<string, BuiltInMeasure>()
for (const measure of builtInMeasures) {
  for (const key of [measure.slug, measure.name, measure.name.toLowerCase()]) {
    if (!byKey.has(key)) byKey.set(key, measure)
  }
}

export const findBuiltInMeasure = (key: string): BuiltInMeasure | undefined =>
  byKey.get(key) ?? byKey.get(key.toLowerCase())

// gungraun (formerly iai-callgrind) metric names -> Bencher's built-in measure slugs, for the summary
// JSON keys and for the names printed on stdout (docs/reference.md §1.3).

/** Callgrind and Cachegrind share one set of event kinds. */
export const cacheMeasures: ReadonlyArray<readonly [json: string, printed: string, slug: string]> = [
  ["Ir", "Instructions", "instructions"],
  ["Dr", "Dr", "dr"],
  ["Dw", "Dw", "dw"],
  ["I1mr", "I1mr", "i1mr"],
  ["D1mr", "D1mr", "d1mr"],
  ["D1mw", "D1mw", "d1mw"],
  ["ILmr", "ILmr", "ilmr"],
  ["DLmr", "DLmr", "dlmr"],
  ["DLmw", "DLmw", "dlmw"],
  ["I1MissRate", "I1 Miss Rate", "i1-miss-rate"],
  ["LLiMissRate", "LLi Miss Rate", "lli-miss-rate"],
  ["D1MissRate", "D1 Miss Rate", "d1-miss-rate"],
  ["LLdMissRate", "LLd Miss Rate", "lld-miss-rate"],
  ["LLMissRate", "LL Miss Rate", "ll-miss-rate"],
  ["L1hits", "L1 Hits", "l1-hits"],
  ["L2hits", "L2 Hits", "l2-hits"],
  ["LLhits", "LL Hits", "ll-hits"],
  ["RamHits", "RAM Hits", "ram-hits"],
  ["L1HitRate", "L1 Hit Rate", "l1-hit-rate"],
  ["LLHitRate", "LL Hit Rate", "ll-hit-rate"],
  ["RamHitRate", "RAM Hit Rate", "ram-hit-rate"],
  ["TotalRW", "Total read+write", "total-read-write"],
  ["EstimatedCycles", "Estimated Cycles", "estimated-cycles"],
  ["SysCount", "SysCount", "sys-count"],
  ["SysTime", "SysTime", "sys-time"],
  ["SysCpuTime", "SysCpuTime", "sys-cpu-time"],
  ["Ge", "Ge", "global-bus-events"],
  ["Bc", "Bc", "bc"],
  ["Bcm", "Bcm", "bcm"],
  ["Bi", "Bi", "bi"],
  ["Bim", "Bim", "bim"],
  ["ILdmr", "ILdmr", "ildmr"],
  ["DLdmr", "DLdmr", "dldmr"],
  ["DLdmw", "DLdmw", "dldmw"],
  ["AcCost1", "AcCost1", "accost1"],
  ["AcCost2", "AcCost2", "accost2"],
  ["SpLoss1", "SpLoss1", "sploss1"],
  ["SpLoss2", "SpLoss2", "sploss2"]
]

export const dhatMeasures: ReadonlyArray<readonly [json: string, printed: string, slug: string]> = [
  ["TotalBytes", "Total bytes", "total-bytes"],
  ["TotalBlocks", "Total blocks", "total-blocks"],
  ["TotalUnits", "Total units", "total-units"],
  ["TotalEvents", "Total events", "total-events"],
  ["TotalLifetimes", "Total lifetimes", "total-lifetimes"],
  ["AtTGmaxBytes", "At t-gmax bytes", "at-t-gmax-bytes"],
  ["AtTGmaxBlocks", "At t-gmax blocks", "at-t-gmax-blocks"],
  ["AtTEndBytes", "At t-end bytes", "at-t-end-bytes"],
  ["AtTEndBlocks", "At t-end blocks", "at-t-end-blocks"],
  ["ReadsBytes", "Reads bytes", "reads-bytes"],
  ["WritesBytes", "Writes bytes", "writes-bytes"],
  ["MaximumBytes", "Maximum bytes", "maximum-bytes"],
  ["MaximumBlocks", "Maximum blocks", "maximum-blocks"]
]

/** Memcheck, Helgrind and DRD print the same four counts; the slug is prefixed by the tool. */
export const errorMeasures: ReadonlyArray<readonly [json: string, printed: string, slug: string]> = [
  ["Errors", "Errors", "errors"],
  ["Contexts", "Contexts", "contexts"],
  ["SuppressedErrors", "Suppressed Errors", "suppressed-errors"],
  ["SuppressedContexts", "Suppressed Contexts", "suppressed-contexts"]
]

export type Tool = "callgrind" | "cachegrind" | "dhat" | "memcheck" | "helgrind" | "drd"

export const toolFromName = (name: string): Tool | undefined => {
  switch (name.toLowerCase()) {
    case "callgrind":
      return "callgrind"
    case "cachegrind":
      return "cachegrind"
    case "dhat":
      return "dhat"
    case "memcheck":
      return "memcheck"
    case "helgrind":
      return "helgrind"
    case "drd":
      return "drd"
    default:
      return undefined
  }
}

const index = (
  table: ReadonlyArray<readonly [string, string, string]>,
  column: 0 | 1,
  prefix: string
): ReadonlyMap<string, string> => new Map(table.map((row) => [row[column], prefix + row[2]]))

const byTool = (column: 0 | 1): Record<Tool, ReadonlyMap<string, string>> => ({
  callgrind: index(cacheMeasures, column, ""),
  cachegrind: index(cacheMeasures, column, ""),
  dhat: index(dhatMeasures, column, ""),
  memcheck: index(errorMeasures, column, "memcheck-"),
  helgrind: index(errorMeasures, column, "helgrind-"),
  drd: index(errorMeasures, column, "drd-")
})

export const jsonKeyToSlug = byTool(0)
export const printedNameToSlug = byTool(1)

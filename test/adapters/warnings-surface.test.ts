// Where the adapters' warnings surface outside `bencher adapter parse`: the local `bencher run` (stderr) and the
// server's report pipeline (a warning in the server log; the report keeps what parses).
import { afterEach, describe, expect, it, vi } from "@effect/vitest"
import { Effect, Logger } from "effect"
import { warnSkippedLines } from "../../src/cli/run/results.js"
import { parseReportResults } from "../../src/reports/pipeline.js"

const mixed = "test a ... bench: 10 ns/iter (+/- 1)\ntest b ... bench: ? ns/iter\n"
const warning =
  "iteration 0: rust_bench skipped 1 line that looks like a result but does not parse:\n  line 2: test b ... bench: ? ns/iter"

describe("adapter warnings", () => {
  afterEach(() => vi.restoreAllMocks())

  it("bencher run names the skipped lines on stderr before sending", async () => {
    const err: Array<string> = []
    vi.spyOn(console, "error").mockImplementation((...xs: Array<unknown>) => void err.push(xs.join(" ")))
    await Effect.runPromise(warnSkippedLines([mixed], "magic", undefined))
    // an unknown adapter or output with no results is the server's to answer
    await Effect.runPromise(warnSkippedLines([mixed], "no_such_adapter", undefined))
    await Effect.runPromise(warnSkippedLines(["nothing here"], "magic", undefined))
    expect(err).toEqual([`warning: ${warning}`])
  })

  it("the report pipeline keeps what parses and logs the skipped lines", async () => {
    const logged: Array<unknown> = []
    const logger = Logger.make(({ logLevel, message }) => void logged.push([logLevel.label, message]))
    const parsed = await Effect.runPromise(
      parseReportResults({ adapter: "magic", average: undefined, fold: undefined, results: [mixed] }).pipe(
        Effect.provide(Logger.replace(Logger.defaultLogger, logger))
      )
    )
    expect(parsed.iterations.map((bmf) => Object.keys(bmf))).toEqual([["a"]])
    expect(logged).toEqual([["WARN", [`report results: ${warning}`]]])
  })
})

import { describe, expect, it } from "vitest"
import { describeStatus, lineDisplay } from "../../src/cli/follow/display.js"

const capture = (prefixIterations: boolean) => {
  const out = { stdout: "", stderr: "" }
  const display = lineDisplay("j1", {
    prefixIterations,
    writers: { stdout: (t) => void (out.stdout += t), stderr: (t) => void (out.stderr += t) }
  })
  return { out, display }
}

describe("the follow display", () => {
  it("prefixes every line with its iteration when there are several, across chunks that split lines", () => {
    const { out, display } = capture(true)
    display.output(0, "stdout", "first li")
    display.output(1, "stdout", "other\n")
    display.output(0, "stdout", "ne\nsecond line\n")
    display.output(0, "stderr", "warn\n")
    expect(out.stdout).toBe("[1] first li[2] other\nne\n[1] second line\n")
    expect(out.stderr).toBe("[1] warn\n")
  })

  it("writes output untouched for a single iteration, and one line per status change on stderr", () => {
    const { out, display } = capture(false)
    display.output(0, "stdout", "plain\nout")
    display.status({ status: "claimed", runner: "box", error: null })
    display.status({ status: "failed", runner: "box", error: "heartbeat_timeout" })
    expect(out.stdout).toBe("plain\nout")
    expect(out.stderr).toBe("Job j1: claimed by box\nJob j1: failed (heartbeat_timeout)\n")
    expect(describeStatus("j1", { status: "running", runner: null, error: null })).toBe("Job j1: running")
  })
})

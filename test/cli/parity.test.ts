import { execFileSync } from "node:child_process"
import { join } from "node:path"
import { describe, expect, it } from "vitest"
import { repoRoot } from "../helpers/process.js"

// `npm run parity` over the source tree: it loads, counts Bencher's 117 commands and 138 REST operations, and finds the
// resource commands of src/cli/resources.

describe("npm run parity", () => {
  it("prints N of M for commands, run flags and REST operations", () => {
    const script = join(repoRoot, "scripts", "parity.mjs")
    const figures = JSON.parse(
      execFileSync(process.execPath, ["--import", "tsx", script, "--json"], { cwd: repoRoot, encoding: "utf8" })
    )
    expect(figures.commands.of).toBe(117)
    expect(figures.operations.of).toBe(138)
    expect(figures.runFlags.have).toBeGreaterThan(40)
    const text = execFileSync(process.execPath, ["--import", "tsx", script, "--missing"], {
      cwd: repoRoot,
      encoding: "utf8"
    })
    for (const command of [
      "branch list",
      "threshold update",
      "alert update",
      "metric view",
      "archive",
      "report create"
    ]) {
      expect(text).not.toMatch(new RegExp(`^${command} `, "m"))
    }
    expect(text).toMatch(/^commands: \d+ of 117/m)
    expect(text).toMatch(/^run flags: \d+ of 62/m)
    expect(text).toMatch(/^REST operations: \d+ of 138/m)
  }, 60_000)
})

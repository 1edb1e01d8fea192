import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { mkdtempSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { commentTag, renderComment, verdictLine } from "../../src/cli/render/comment.js"
import type { JsonReport } from "../../src/domain/report.js"
import { runBencher } from "../helpers/process.js"
import { emptyReport, sampleReport } from "../cli/fixtures.js"

// The report comment (docs/ci.md): verdict line, alerts first, unchanged results collapsed, hidden tag, the cut to
// GitHub's limit; and, as a process, the unknown-flag usage error of `bencher run`.

const render = { host: "http://bencher.test", onTheFly: false }

describe("report comment", () => {
  it("starts with the verdict and puts the alerted rows before the collapsed unchanged ones", () => {
    const html = renderComment(sampleReport, render)
    expect(verdictLine(sampleReport)).toBe("1 regression over 2 benchmarks")
    const verdict = html.indexOf("1 regression over 2 benchmarks")
    const alerts = html.indexOf("🚨 1 Alert")
    const details = html.indexOf("<details>")
    expect(verdict).toBeGreaterThan(0)
    expect(alerts).toBeGreaterThan(verdict)
    expect(details).toBeGreaterThan(alerts)
    expect(html).toContain("<td>Project</td><td>Demo Project</td>")
    expect(html).toContain("bench::parse (iteration 2)")
    expect(html).toContain("/perf?")
    expect(html.endsWith(`<div id="${commentTag(sampleReport)}"></div>`)).toBe(true)
  })

  it("names improvements (an alert on the good side) and reports no benchmarks", () => {
    const alert = sampleReport.alerts?.[0]
    expect(alert).toBeDefined()
    const lower = {
      ...sampleReport,
      alerts: alert === undefined ? [] : [{ ...alert, limit: "lower" as const }]
    } as JsonReport
    expect(verdictLine(lower)).toBe("1 improvement over 2 benchmarks")
    expect(verdictLine(emptyReport)).toBe("No benchmarks found")
  })

  it("the tag carries --ci-id, so two jobs keep two comments", () => {
    expect(commentTag(sampleReport, "arm64")).toBe("bencher.dev/projects/demo-project/id/arm64")
    expect(commentTag(sampleReport)).not.toBe(commentTag(sampleReport, "arm64"))
  })

  it("is cut to the limit with a truncation warning and the tag kept", () => {
    const cut = renderComment(sampleReport, { ...render, maxLength: 1500 })
    expect(cut.length).toBeLessThanOrEqual(1500)
    expect(cut).toContain("Truncated view")
    expect(cut.endsWith(`<div id="${commentTag(sampleReport)}"></div>`)).toBe(true)
  })
})

describe("bencher run: unknown flags and the compatibility flags (process)", () => {
  it.live(
    "an unknown flag before the command is a usage error naming it (exit 2), not the command",
    () =>
      Effect.gen(function* () {
        const r = yield* Effect.promise(() =>
          runBencher(["run", "--host", "http://127.0.0.1:1", "--github-action", "t", "echo", "hi"], { CI: "false" })
        )
        expect(r.code).toBe(2)
        expect(r.stderr).toContain("unexpected argument '--github-action'")
        expect(r.stdout).not.toContain("hi")
      }),
    60_000
  )

  it.live(
    "--spec-reset sends spec_reset: true and conflicts with --image; --insecure-host, --native-tls, --strict are accepted",
    () =>
      Effect.gen(function* () {
        const dir = mkdtempSync(join(tmpdir(), "bencher-ci-"))
        const file = join(dir, "bmf.json")
        writeFileSync(file, JSON.stringify({ "bench::a": { latency: { value: 1 } } }))
        const r = yield* Effect.promise(() =>
          runBencher(
            [
              "run",
              "--host",
              "http://127.0.0.1:1",
              "--dry-run",
              "--quiet",
              "--spec-reset",
              "--insecure-host",
              "--native-tls",
              "--strict",
              "--adapter",
              "json",
              "--file",
              file
            ],
            { CI: "false" }
          )
        )
        expect(r.stderr).toBe("")
        expect(r.code).toBe(0)
        expect(JSON.parse(r.stdout)).toMatchObject({ spec_reset: true })
        const conflict = yield* Effect.promise(() =>
          runBencher(["run", "--host", "http://127.0.0.1:1", "--dry-run", "--spec-reset", "--image", "p:v1"], {
            CI: "false"
          })
        )
        expect(conflict.code).toBe(1)
        expect(conflict.stderr).toContain("--spec-reset cannot be used with --image")
      }),
    60_000
  )
})

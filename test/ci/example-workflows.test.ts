import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { spawn } from "node:child_process"
import { chmodSync, copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { binPath, repoRoot } from "../helpers/process.js"
import { startTestServer, tempDir } from "../helpers/server.js"
import { type FakeGitHub, startFakeGitHub } from "./fake-forges.js"

// The example workflows of examples/github-actions/ are what this test runs: it reads each workflow file, and runs
// its job's `run:` lines in order with /bin/sh, with the job's and step's `env:` (GitHub expressions replaced by this
// test's values), GitHub's default variables, $GITHUB_ENV carried between steps, against the real server and the fake
// GitHub. `uses:` steps are played by the test (checkout copies benchmark.sh, upload/download-artifact copy the
// files), and the step named "Install the bencher CLI" is replaced by the built CLI on the PATH.

const examples = join(repoRoot, "examples", "github-actions")
const SHA = "89abcdef0123456789abcdef0123456789abcdef"

interface Step {
  readonly name: string | undefined
  readonly uses: string | undefined
  readonly run: string | undefined
  readonly env: Record<string, string>
}

/** The one job of an example workflow: its env and steps (the examples keep to one-line `run:` and flat `env:`). */
const readWorkflow = (file: string): { readonly env: Record<string, string>; readonly steps: ReadonlyArray<Step> } => {
  const text = readFileSync(join(examples, file), "utf8")
  const mapAt = (block: string | undefined, indent: number) =>
    Object.fromEntries(
      [...(block ?? "").matchAll(new RegExp(`^ {${indent}}([A-Z_]+): (.*)$`, "gm"))].map((m) => [
        m[1] ?? "",
        m[2] ?? ""
      ])
    )
  const [head = "", steps = ""] = text.split(/^ {4}steps:\n/m)
  const jobEnv = head.match(/^ {4}env:\n((?: {6}.*\n)+)/m)?.[1]
  return {
    env: mapAt(jobEnv, 6),
    steps: steps
      .split(/^ {6}- /m)
      .filter((s) => s.trim() !== "")
      .map((s) => ({
        name: s.match(/^(?: {8})?name: (.*)$/m)?.[1],
        uses: s.match(/^(?: {8})?uses: (.*)$/m)?.[1],
        run: s.match(/^ {8}run: (.*)$/m)?.[1],
        env: mapAt(s.match(/^ {8}env:\n((?: {10}.*\n)+)/m)?.[1], 10)
      }))
  }
}

const sh = (command: string, cwd: string, env: NodeJS.ProcessEnv) =>
  new Promise<{ code: number | null; output: string }>((resolve) => {
    const child = spawn("/bin/sh", ["-e", "-c", command], { cwd, env, stdio: ["ignore", "pipe", "pipe"] })
    let output = ""
    child.stdout.on("data", (d: Buffer) => (output += d.toString()))
    child.stderr.on("data", (d: Buffer) => (output += d.toString()))
    child.on("exit", (code) => resolve({ code, output }))
  })

interface Event {
  readonly name: string
  readonly payload: unknown
  /** Values of the GitHub expressions `${{ ... }}` the workflow uses. */
  readonly expressions: Record<string, string>
  readonly defaults: Record<string, string>
}

const runWorkflow = (file: string, event: Event, ctx: { root: string; gh: FakeGitHub; artifact: string }) =>
  Effect.promise(async () => {
    const workflow = readWorkflow(file)
    const workspace = join(ctx.root, `${file}-${event.name}-${Math.random().toString(36).slice(2)}`)
    mkdirSync(workspace, { recursive: true })
    const shim = join(ctx.root, "bin")
    mkdirSync(shim, { recursive: true })
    writeFileSync(join(shim, "bencher"), `#!/bin/sh\nexec "${process.execPath}" "${binPath}" "$@"\n`)
    chmodSync(join(shim, "bencher"), 0o755)
    const eventPath = join(workspace, "..", `${file}-event.json`)
    writeFileSync(eventPath, JSON.stringify(event.payload))
    const githubEnvFile = join(workspace, "..", `${file}-github-env`)
    writeFileSync(githubEnvFile, "")
    const expand = (value: string) =>
      value.replace(/\$\{\{\s*(.+?)\s*\}\}/g, (_, expr: string) => {
        const found = event.expressions[expr]
        if (found === undefined) throw new Error(`${file}: no test value for the expression ${expr}`)
        return found
      })
    const base: NodeJS.ProcessEnv = {
      PATH: `${shim}:${process.env.PATH ?? ""}`,
      HOME: process.env.HOME,
      CI: "true",
      GITHUB_ACTIONS: "true",
      GITHUB_EVENT_NAME: event.name,
      GITHUB_EVENT_PATH: eventPath,
      GITHUB_API_URL: ctx.gh.url,
      GITHUB_REPOSITORY: "acme/widgets",
      GITHUB_SHA: SHA,
      GITHUB_ENV: githubEnvFile,
      GITHUB_STEP_SUMMARY: join(workspace, "..", `${file}-summary.md`),
      RUNNER_TEMP: ctx.root,
      ...event.defaults
    }
    const jobEnv = Object.fromEntries(Object.entries(workflow.env).map(([k, v]) => [k, expand(v)]))
    const log: Array<{ step: string; code: number | null; output: string }> = []
    for (const step of workflow.steps) {
      const label = step.name ?? step.uses ?? step.run ?? "?"
      if (step.uses?.startsWith("actions/checkout") === true)
        copyFileSync(join(examples, "benchmark.sh"), join(workspace, "benchmark.sh"))
      if (step.uses?.startsWith("actions/upload-artifact") === true) {
        for (const f of ["results.json", "pr.txt"])
          if (existsSync(join(workspace, f))) copyFileSync(join(workspace, f), join(ctx.artifact, f))
      }
      if (step.uses?.startsWith("actions/download-artifact") === true) {
        for (const f of ["results.json", "pr.txt"]) copyFileSync(join(ctx.artifact, f), join(workspace, f))
      }
      if (step.run === undefined || step.name === "Install the bencher CLI") continue
      const carried = Object.fromEntries(
        readFileSync(githubEnvFile, "utf8")
          .split("\n")
          .filter((l) => l.includes("="))
          .map((l) => [l.slice(0, l.indexOf("=")), l.slice(l.indexOf("=") + 1)])
      )
      const stepEnv = Object.fromEntries(Object.entries(step.env).map(([k, v]) => [k, expand(v)]))
      const result = await sh(expand(step.run), workspace, { ...base, ...jobEnv, ...carried, ...stepEnv })
      log.push({ step: label, ...result })
      if (result.code !== 0) break
    }
    return log
  })

const repo = (owner: string) => ({ full_name: `${owner}/widgets`, owner: { login: owner } })

describe("examples/github-actions (the workflows' run: lines, executed)", () => {
  it.scopedLive(
    "benchmarks.yml: a push makes a check run, a same-repository pull request a comment",
    () =>
      Effect.gen(function* () {
        const { url } = yield* startTestServer()
        const root = yield* tempDir
        const gh = yield* Effect.acquireRelease(
          Effect.promise(() => startFakeGitHub()),
          (g) => Effect.promise(g.close)
        )
        const ctx = { root, gh, artifact: root }
        const common = {
          "vars.BENCHER_HOST": url,
          "secrets.BENCHER_API_KEY": "",
          "secrets.GITHUB_TOKEN": "ghs_example"
        }

        const pushed = yield* runWorkflow(
          "benchmarks.yml",
          {
            name: "push",
            payload: { ref: "refs/heads/main", after: SHA, repository: { full_name: "acme/widgets" } },
            expressions: { ...common, "github.head_ref || github.ref_name": "main" },
            defaults: { GITHUB_REF_NAME: "main", GITHUB_BASE_REF: "", GITHUB_HEAD_REF: "" }
          },
          ctx
        )
        expect(pushed.map((s) => [s.step, s.code])).toEqual([["Track the benchmarks", 0]])
        expect(gh.checks.map((c) => [c.name, c.conclusion])).toEqual([["Bencher Report", "success"]])

        const pr = {
          number: 11,
          pull_request: {
            number: 11,
            head: { ref: "feature", repo: repo("acme") },
            base: { ref: "main", repo: repo("acme") }
          },
          repository: { full_name: "acme/widgets" }
        }
        const commented = yield* runWorkflow(
          "benchmarks.yml",
          {
            name: "pull_request",
            payload: pr,
            expressions: { ...common, "github.head_ref || github.ref_name": "feature" },
            defaults: { GITHUB_REF_NAME: "11/merge", GITHUB_BASE_REF: "main", GITHUB_HEAD_REF: "feature" }
          },
          ctx
        )
        expect(
          commented.map((s) => [s.step, s.code]),
          commented.map((s) => s.output).join("\n")
        ).toEqual([["Track the benchmarks", 0]])
        expect(gh.comments.map((c) => c.issue)).toEqual([11])
        expect(gh.invalid).toEqual([])
      }),
    180_000
  )

  it.scopedLive(
    "fork-pr-benchmarks.yml then fork-pr-comment.yml: the fork's run posts nothing, the workflow_run comments with --ci-number",
    () =>
      Effect.gen(function* () {
        const { url } = yield* startTestServer()
        const root = yield* tempDir
        const artifact = join(root, "artifact")
        mkdirSync(artifact)
        const gh = yield* Effect.acquireRelease(
          Effect.promise(() => startFakeGitHub()),
          (g) => Effect.promise(g.close)
        )
        const ctx = { root, gh, artifact }

        const untrusted = yield* runWorkflow(
          "fork-pr-benchmarks.yml",
          {
            name: "pull_request",
            payload: {
              number: 12,
              pull_request: {
                number: 12,
                head: { ref: "patch-1", repo: repo("mallory") },
                base: { ref: "main", repo: repo("acme") }
              },
              repository: { full_name: "acme/widgets" }
            },
            expressions: { "github.event.number": "12", "github.head_ref": "patch-1", "github.base_ref": "main" },
            defaults: { GITHUB_BASE_REF: "main", GITHUB_HEAD_REF: "patch-1" }
          },
          ctx
        )
        expect(untrusted.map((s) => [s.step, s.code])).toEqual([
          ["Run the benchmarks", 0],
          ["Save the pull request number, head and base", 0]
        ])
        expect(gh.requests).toHaveLength(0)
        expect(readFileSync(join(artifact, "pr.txt"), "utf8")).toBe("12\npatch-1\nmain\n")

        const trusted = yield* runWorkflow(
          "fork-pr-comment.yml",
          {
            name: "workflow_run",
            payload: {
              action: "completed",
              workflow_run: { id: 1, event: "pull_request", conclusion: "success" },
              repository: { full_name: "acme/widgets" }
            },
            expressions: {
              "vars.BENCHER_HOST": url,
              "secrets.BENCHER_API_KEY": "",
              "secrets.GITHUB_TOKEN": "ghs_example"
            },
            defaults: { GITHUB_BASE_REF: "", GITHUB_HEAD_REF: "" }
          },
          ctx
        )
        expect(
          trusted.map((s) => [s.step, s.code]),
          trusted.map((s) => s.output).join("\n")
        ).toEqual([
          ["Read the pull request number, head and base (untrusted input, so only safe characters are kept)", 0],
          ["Track the benchmarks of the pull request", 0]
        ])
        expect(gh.comments.map((c) => c.issue)).toEqual([12])
        expect(gh.comments[0]?.body).toContain("patch-1")
        expect(gh.checks).toHaveLength(0)
        expect(gh.invalid).toEqual([])
      }),
    180_000
  )
})

import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { readFileSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { runBencher } from "../helpers/process.js"
import { startTestServer, tempDir } from "../helpers/server.js"
import { type FakeGitHub, startFakeGitHub } from "./fake-forges.js"

// `bencher run --github-actions` end to end (docs/ci.md): the built CLI (`npm run build`) as a real process, the real
// server in this process, and a local GitHub REST server that checks every request body against GitHub's OpenAPI
// description. Each case writes the GITHUB_EVENT_PATH payload of its event.

const REPO = "acme/widgets"
const SHA = "0123456789abcdef0123456789abcdef01234567"

const repo = (owner: string) => ({ full_name: `${owner}/widgets`, owner: { login: owner } })
const pullRequest = (number: number, headOwner = "acme") => ({
  action: "synchronize",
  number,
  pull_request: {
    number,
    head: { ref: "feature", sha: SHA, repo: repo(headOwner) },
    base: { ref: "main", repo: repo("acme") }
  },
  repository: { full_name: REPO }
})
const push = { ref: "refs/heads/main", after: SHA, repository: { full_name: REPO } }

const github = Effect.acquireRelease(
  Effect.promise(() => startFakeGitHub()),
  (gh) => Effect.promise(gh.close)
)

interface Actions {
  readonly eventName: string
  readonly event: unknown
  readonly summary?: string
}

/** The environment of a GitHub Actions step for this event, pointed at the fake GitHub. */
const actionsEnv = (dir: string, gh: FakeGitHub, actions: Actions): NodeJS.ProcessEnv => {
  const eventPath = join(dir, `event-${actions.eventName}-${Math.random().toString(36).slice(2)}.json`)
  writeFileSync(eventPath, JSON.stringify(actions.event))
  return {
    CI: "true",
    GITHUB_ACTIONS: "true",
    GITHUB_EVENT_NAME: actions.eventName,
    GITHUB_EVENT_PATH: eventPath,
    GITHUB_API_URL: gh.url,
    GITHUB_REPOSITORY: REPO,
    GITHUB_SHA: SHA,
    GITHUB_STEP_SUMMARY: actions.summary ?? "",
    BENCHER_HOST: undefined,
    BENCHER_API_KEY: undefined,
    BENCHER_PROJECT: undefined
  }
}

const bmf = (values: Record<string, number>) =>
  JSON.stringify(Object.fromEntries(Object.entries(values).map(([name, value]) => [name, { latency: { value } }])))

/** A static threshold: no history needed, a value above 1000 ns is an alert. */
const threshold = ["--threshold-measure", "latency", "--threshold-test", "static", "--threshold-upper-boundary", "1000"]

const setup = Effect.gen(function* () {
  const { url } = yield* startTestServer()
  const dir = yield* tempDir
  const gh = yield* github
  const file = (name: string, values: Record<string, number>) => {
    const path = join(dir, name)
    writeFileSync(path, bmf(values))
    return path
  }
  const good = file("good.json", { "bench::a": 500, "bench::b": 600, "bench::c": 700 })
  const bad = file("bad.json", { "bench::a": 5000, "bench::b": 600, "bench::c": 700 })
  const run = (args: ReadonlyArray<string>, actions: Actions, extra: NodeJS.ProcessEnv = {}) =>
    Effect.promise(() =>
      runBencher(
        [
          "run",
          "--host",
          url,
          "--project",
          "widgets",
          "--ci-on-the-fly",
          "--branch",
          "main",
          "--testbed",
          "ci",
          "--adapter",
          "json",
          ...threshold,
          ...args
        ],
        { ...actionsEnv(dir, gh, actions), ...extra }
      )
    )
  return { url, dir, gh, good, bad, run }
})

describe("bencher run --github-actions (process, fake GitHub validated by @octokit/openapi)", () => {
  it.scopedLive(
    "on pull_request: creates the comment, updates it in place, a second --ci-id makes a second one; the job summary holds the HTML",
    () =>
      Effect.gen(function* () {
        const { dir, gh, good, bad, run } = yield* setup
        const summary = join(dir, "summary.md")
        const pr = { eventName: "pull_request", event: pullRequest(7), summary }

        const first = yield* run(["--github-actions", "ghs_token", "--file", good], pr)
        expect(first.stderr).not.toContain("warning:")
        expect(first.code).toBe(0)
        expect(gh.comments).toHaveLength(1)
        expect(gh.comments[0]?.issue).toBe(7)
        expect(gh.comments[0]?.body).toContain("No regressions over 3 benchmarks")
        expect(first.stderr).toContain("Created a Bencher comment on pull request #7")
        expect(gh.requests.every((r) => r.auth === "token ghs_token")).toBe(true)

        const second = yield* run(["--github-actions", "ghs_token", "--file", bad], pr)
        expect(second.code).toBe(0)
        expect(gh.comments).toHaveLength(1)
        expect(gh.comments[0]?.body).toContain("1 regression over 3 benchmarks")
        expect(gh.comments[0]?.body).toContain("bench::a")
        expect(second.stderr).toContain("Updated the Bencher comment on pull request #7")

        const other = yield* run(["--github-actions", "ghs_token", "--ci-id", "arm64", "--file", good], pr)
        expect(other.code).toBe(0)
        expect(gh.comments).toHaveLength(2)
        expect(gh.comments[1]?.body).toContain('<div id="bencher.dev/projects/widgets/id/arm64"></div>')
        expect(gh.comments[0]?.body).toContain("1 regression over 3 benchmarks")

        const html = readFileSync(summary, "utf8")
        expect(html).toContain("<h2>")
        expect(html).toContain("No regressions over 3 benchmarks")
        expect(html).toContain("1 regression over 3 benchmarks")
        expect(gh.checks).toHaveLength(0)
        expect(gh.invalid).toEqual([])
      }),
    120_000
  )

  it.scopedLive(
    "--ci-only-on-alert creates no comment without an alert; --err still decides the exit code",
    () =>
      Effect.gen(function* () {
        const { gh, good, bad, run } = yield* setup
        const pr = { eventName: "pull_request_target", event: pullRequest(9) }
        const quiet = yield* run(["--github-actions", "t", "--ci-only-on-alert", "--err", "--file", good], pr)
        expect(quiet.code).toBe(0)
        expect(gh.comments).toHaveLength(0)
        const loud = yield* run(["--github-actions", "t", "--ci-only-on-alert", "--err", "--file", bad], pr)
        expect(loud.code).toBe(1)
        expect(loud.stderr).toContain("Alerts detected (1)")
        expect(gh.comments).toHaveLength(1)
        expect(gh.invalid).toEqual([])
      }),
    120_000
  )

  it.scopedLive(
    "a pull_request from a fork is refused with the pwn-request explanation before the benchmark runs",
    () =>
      Effect.gen(function* () {
        const { gh, good, run } = yield* setup
        const fork = { eventName: "pull_request", event: pullRequest(8, "mallory") }
        const refused = yield* run(["--github-actions", "t", "--file", good], fork)
        expect(refused.code).toBe(1)
        expect(refused.stderr).toContain("pwn request")
        expect(refused.stderr).toContain("--ci-i-am-vulnerable-to-pwn-requests")
        expect(refused.stdout).not.toContain("View report")
        expect(gh.requests).toHaveLength(0)
        const allowed = yield* run(
          ["--github-actions", "t", "--ci-i-am-vulnerable-to-pwn-requests", "--file", good],
          fork
        )
        expect(allowed.code).toBe(0)
        expect(gh.comments).toHaveLength(1)
      }),
    120_000
  )

  it.scopedLive(
    "on push: a completed check run on GITHUB_SHA, success without alerts and failure with one",
    () =>
      Effect.gen(function* () {
        const { gh, good, bad, run } = yield* setup
        const event = { eventName: "push", event: push }
        const ok = yield* run(["--github-actions", "t", "--file", good], event)
        expect(ok.code).toBe(0)
        const failed = yield* run(["--github-actions", "t", "--ci-id", "linux", "--file", bad], event)
        expect(failed.code).toBe(0)
        expect(gh.checks.map((c) => [c.name, c.head_sha, c.status, c.conclusion])).toEqual([
          ["Bencher Report", SHA, "completed", "success"],
          ["Bencher Report (linux)", SHA, "completed", "failure"]
        ])
        const output = gh.checks[1]?.output as { title: string; summary: string }
        expect(output.title).toBe("1 regression over 3 benchmarks")
        expect(output.summary.length).toBeLessThanOrEqual(65_535)
        expect(gh.comments).toHaveLength(0)
        expect(gh.invalid).toEqual([])
      }),
    120_000
  )

  it.scopedLive(
    "a 403 names the missing permission and the fix; the report is still stored and the exit code is --err's",
    () =>
      Effect.gen(function* () {
        const { url, gh, good, run } = yield* setup
        gh.forbid.add("comments")
        gh.forbid.add("checks")
        const pr = yield* run(["--github-actions", "t", "--err", "--file", good], {
          eventName: "pull_request",
          event: pullRequest(3)
        })
        expect(pr.code).toBe(0)
        expect(pr.stderr).toContain("HTTP 403")
        expect(pr.stderr).toContain("pull-requests: write")
        expect(pr.stderr).toContain("The report itself is stored")
        const check = yield* run(["--github-actions", "t", "--format", "json", "--quiet", "--file", good], {
          eventName: "push",
          event: push
        })
        expect(check.code).toBe(0)
        expect(check.stderr).toContain("checks: write")
        const report = JSON.parse(check.stdout) as { uuid: string }
        const stored = yield* Effect.promise(() => fetch(`${url}/v0/projects/widgets/reports/${report.uuid}`))
        expect(stored.status).toBe(200)
      }),
    120_000
  )

  it.scopedLive(
    "outside GitHub Actions it says so once and goes on",
    () =>
      Effect.gen(function* () {
        const { gh, good, run } = yield* setup
        const result = yield* run(
          ["--github-actions", "t", "--file", good],
          { eventName: "push", event: push },
          { GITHUB_ACTIONS: undefined }
        )
        expect(result.code).toBe(0)
        expect(result.stdout).toContain("View report")
        expect(result.stderr.match(/Not running in GitHub Actions/g)).toHaveLength(1)
        expect(gh.requests).toHaveLength(0)
      }),
    120_000
  )

  it.scopedLive(
    "the fake GitHub rejects bodies GitHub's OpenAPI description rejects (so the checks above mean something)",
    () =>
      Effect.gen(function* () {
        const gh = yield* github
        const post = (path: string, body: unknown, method = "POST") =>
          Effect.promise(() =>
            fetch(`${gh.url}${path}`, {
              method,
              body: JSON.stringify(body),
              headers: { "content-type": "application/json" }
            })
          )
        expect((yield* post("/repos/acme/widgets/issues/1/comments", { body: 5 })).status).toBe(422)
        expect((yield* post("/repos/acme/widgets/issues/1/comments", {})).status).toBe(422)
        expect(
          (yield* post("/repos/acme/widgets/check-runs", { name: "x", head_sha: SHA, conclusion: "red" })).status
        ).toBe(422)
        expect(
          (yield* post("/repos/acme/widgets/check-runs", {
            name: "x",
            head_sha: SHA,
            output: { title: "t", summary: "x".repeat(65_536) }
          })).status
        ).toBe(422)
        expect((yield* post("/repos/acme/widgets/issues/1/comments", { body: "ok" })).status).toBe(201)
        expect(gh.invalid).toHaveLength(4)
      })
  )
})

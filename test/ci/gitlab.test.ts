import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { writeFileSync } from "node:fs"
import { join } from "node:path"
import { runBencher } from "../helpers/process.js"
import { startTestServer, tempDir } from "../helpers/server.js"
import { startFakeGitLab } from "./fake-forges.js"

// `bencher run --gitlab-ci` end to end (docs/ci.md): the built CLI as a real process, the real server in this process,
// and a local server implementing GitLab's merge request notes endpoints at CI_API_V4_URL.

const bmf = (value: number) =>
  JSON.stringify({ "bench::a": { latency: { value } }, "bench::b": { latency: { value: 10 } } })
const threshold = ["--threshold-measure", "latency", "--threshold-test", "static", "--threshold-upper-boundary", "1000"]

const setup = Effect.gen(function* () {
  const { url } = yield* startTestServer()
  const dir = yield* tempDir
  const gl = yield* Effect.acquireRelease(Effect.promise(startFakeGitLab), (g) => Effect.promise(g.close))
  const good = join(dir, "good.json")
  const bad = join(dir, "bad.json")
  writeFileSync(good, bmf(500))
  writeFileSync(bad, bmf(5000))
  const run = (args: ReadonlyArray<string>, env: NodeJS.ProcessEnv) =>
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
          "feature",
          "--testbed",
          "ci",
          "--adapter",
          "json",
          ...threshold,
          ...args
        ],
        {
          CI: "true",
          GITHUB_ACTIONS: undefined,
          GITLAB_CI: "true",
          CI_API_V4_URL: gl.url,
          CI_PROJECT_ID: "42",
          CI_JOB_TOKEN: "job-token-value",
          BENCHER_HOST: undefined,
          BENCHER_API_KEY: undefined,
          BENCHER_PROJECT: undefined,
          ...env
        }
      )
    )
  return { gl, good, bad, run }
})

describe("bencher run --gitlab-ci (process, fake GitLab notes API)", () => {
  it.scopedLive(
    "in a merge request pipeline: creates one note, then updates it; a second --ci-id makes a second note",
    () =>
      Effect.gen(function* () {
        const { gl, good, bad, run } = yield* setup
        const mr = { CI_MERGE_REQUEST_IID: "5" }
        const first = yield* run(["--gitlab-ci", "glpat-secret", "--file", good], mr)
        expect(first.stderr).not.toContain("warning:")
        expect(first.code).toBe(0)
        expect(gl.notes.map((n) => n.mergeRequest)).toEqual([5])
        expect(gl.notes[0]?.body).toContain("No regressions over 2 benchmarks")
        expect(
          gl.requests.every(
            (r) => r.path.startsWith("/api/v4/projects/42/merge_requests/5/notes") && r.token === "glpat-secret"
          )
        ).toBe(true)

        const second = yield* run(["--gitlab-ci", "glpat-secret", "--file", bad], mr)
        expect(second.code).toBe(0)
        expect(gl.notes).toHaveLength(1)
        expect(gl.notes[0]?.body).toContain("1 regression over 2 benchmarks")
        expect(second.stderr).toContain("Updated the Bencher note on merge request !5")

        const other = yield* run(["--gitlab-ci", "glpat-secret", "--ci-id", "arm64", "--file", good], mr)
        expect(other.code).toBe(0)
        expect(gl.notes).toHaveLength(2)
      }),
    120_000
  )

  it.scopedLive(
    "outside a merge request pipeline it says why it skipped; a 403 names the fix and keeps the exit code",
    () =>
      Effect.gen(function* () {
        const { gl, good, run } = yield* setup
        const branch = yield* run(["--gitlab-ci", "t", "--file", good], {})
        expect(branch.code).toBe(0)
        expect(branch.stderr).toContain("Not a merge request pipeline")
        expect(gl.requests).toHaveLength(0)
        gl.forbidden = true
        const denied = yield* run(["--gitlab-ci", "job-token-value", "--err", "--file", good], {
          CI_MERGE_REQUEST_IID: "5"
        })
        expect(denied.code).toBe(0)
        expect(denied.stderr).toContain("HTTP 403")
        expect(denied.stderr).toContain("project access token")
        expect(denied.stderr).toContain("The report itself is stored")
        expect(gl.requests[0]?.token).toBe("job-token-value")
      }),
    120_000
  )
})

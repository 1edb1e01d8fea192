import { Console, Effect } from "effect"
import type { JsonReport } from "../../domain/report.js"
import type { RenderOptions } from "../render/human.js"
import { reportUrl } from "../render/links.js"
import { type CiEnv, CiRefused, type CiSettings } from "./common.js"
import { type GitHubContext, githubContext, postToGitHub } from "./github.js"
import { type GitLabContext, gitlabContext, postToGitLab } from "./gitlab.js"

// The CI integrations of `bencher run` (docs/ci.md): planned before the benchmark runs (so a fork's pull request is
// refused before it costs a run), posted after the report is stored and printed. Posting never fails the run.

export { CiRefused, type CiEnv, type CiSettings } from "./common.js"
export { checkRunName, PWN_REQUEST_EXPLANATION } from "./github.js"

export interface CiPlan {
  readonly settings: CiSettings
  readonly github: GitHubContext | undefined
  readonly gitlab: GitLabContext | undefined
}

const sayToStderr = (line: string) => {
  process.stderr.write(line + "\n")
}

/** Reads the CI environment once; fails with CiRefused on a pull request from a fork. */
export const planCi = (settings: CiSettings, env: CiEnv, say: (line: string) => void = sayToStderr) =>
  Effect.gen(function* () {
    const github = githubContext(settings, env, say)
    if (github instanceof CiRefused) return yield* github
    return { settings, github, gitlab: gitlabContext(settings, env, say) } satisfies CiPlan
  })

/**
 * Posts the stored report where the plan says, printing what was done and what failed on stderr. Always succeeds:
 * a CI problem never changes the exit code, which --err and the alerts decide.
 */
export const postCi = (
  plan: CiPlan,
  report: JsonReport,
  render: RenderOptions,
  say: (line: string) => void = sayToStderr
) =>
  Effect.gen(function* () {
    const problems: Array<string> = []
    if (plan.github !== undefined) {
      const github = plan.github
      problems.push(...(yield* Effect.promise(() => postToGitHub(github, report, plan.settings, render, say))))
    }
    if (plan.gitlab !== undefined) {
      const gitlab = plan.gitlab
      problems.push(...(yield* Effect.promise(() => postToGitLab(gitlab, report, plan.settings, render, say))))
    }
    for (const problem of problems) yield* Console.error(`warning: ${problem}`)
    if (problems.length > 0) yield* Console.error(`The report itself is stored: ${reportUrl(render.host, report)}`)
  })

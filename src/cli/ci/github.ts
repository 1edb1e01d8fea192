import { appendFileSync, readFileSync } from "node:fs"
import type { JsonReport } from "../../domain/report.js"
import { commentTagHtml, GITHUB_BODY_LIMIT, renderComment, verdictLine } from "../render/comment.js"
import type { RenderOptions } from "../render/human.js"
import { alertCount, iterationRows } from "../render/rows.js"
import { type CiEnv, type CiSettings, CiRefused, describeCause, statusOf } from "./common.js"

// `bencher run --github-actions <token>` (docs/ci.md): the job summary, then a pull-request comment updated in place
// or a check run on the commit, as Bencher's services/cli/src/bencher/sub/run/ci/github_actions.rs.

/** The limit of a check run's summary (GitHub's OpenAPI description: maxLength 65535). */
export const CHECK_SUMMARY_LIMIT = 65_535
/** GitHub's limit for a check run's name. */
const CHECK_NAME_LIMIT = 255

export const PWN_REQUEST_EXPLANATION = [
  "This pull request comes from a fork, so Bencher will not post to it.",
  "A fork's `pull_request` run gets a read-only GITHUB_TOKEN and no secrets. Giving it write access (for example by",
  "switching to `pull_request_target`, which runs with the base repository's token and secrets) lets anyone who opens",
  'a pull request run their code with your credentials: a "pwn request"',
  "(https://securitylab.github.com/research/github-actions-preventing-pwn-requests/).",
  "The safe pattern uses two workflows: run the benchmarks on `pull_request` and upload the results as an artifact,",
  "then post them from a `workflow_run` workflow with `--ci-number <pull request number>` (see",
  "examples/github-actions/ and docs/ci.md).",
  "If every contributor of this repository is trusted, pass --ci-i-am-vulnerable-to-pwn-requests to post anyway."
].join("\n")

export interface GitHubContext {
  readonly token: string
  readonly apiUrl: string
  readonly owner: string
  readonly repo: string
  readonly eventName: string
  readonly sha: string | undefined
  /** The pull request to comment on: `--ci-number`, else the event's number on pull_request(_target). */
  readonly issueNumber: number | undefined
  readonly summaryPath: string | undefined
}

interface PullRequestEvent {
  readonly number?: number
  readonly repository?: { readonly full_name?: string }
  readonly pull_request?: {
    readonly number?: number
    readonly head?: {
      readonly repo?: { readonly full_name?: string; readonly owner?: { readonly login?: string } } | null
    }
    readonly base?: { readonly repo?: { readonly full_name?: string; readonly owner?: { readonly login?: string } } }
  }
}

const PULL_REQUEST_EVENTS = new Set(["pull_request", "pull_request_target"])

const ownerOf = (
  repo: { readonly full_name?: string; readonly owner?: { readonly login?: string } } | null | undefined
) => repo?.owner?.login ?? repo?.full_name?.split("/")[0]

/**
 * What the run posts to, checked before the benchmark runs: `undefined` with a note outside GitHub Actions or
 * without what it needs; a `CiRefused` failure for a pull request from a fork (unless the user opted in).
 */
export const githubContext = (
  settings: CiSettings,
  env: CiEnv,
  say: (line: string) => void
): GitHubContext | CiRefused | undefined => {
  const token = settings.githubToken
  if (token === undefined) return undefined
  if (env.GITHUB_ACTIONS !== "true") {
    say('Not running in GitHub Actions (GITHUB_ACTIONS is not "true"): skipping the --github-actions integration.')
    return undefined
  }
  const eventName = env.GITHUB_EVENT_NAME ?? ""
  let event: PullRequestEvent = {}
  if (env.GITHUB_EVENT_PATH !== undefined && env.GITHUB_EVENT_PATH !== "") {
    try {
      event = JSON.parse(readFileSync(env.GITHUB_EVENT_PATH, "utf8")) as PullRequestEvent
    } catch (cause) {
      say(
        `Cannot read the GitHub event at GITHUB_EVENT_PATH (${describeCause(cause)}): skipping the --github-actions integration.`
      )
      return undefined
    }
  }
  const fullName = event.repository?.full_name ?? env.GITHUB_REPOSITORY
  const [owner, repo] = (fullName ?? "").split("/")
  if (owner === undefined || owner === "" || repo === undefined || repo === "") {
    say("No repository in the GitHub event or GITHUB_REPOSITORY: skipping the --github-actions integration.")
    return undefined
  }
  if (eventName === "pull_request" && !settings.pwnOverride) {
    const head = ownerOf(event.pull_request?.head?.repo)
    const base = ownerOf(event.pull_request?.base?.repo)
    if (head !== undefined && base !== undefined && head !== base) {
      return new CiRefused({ message: `${PWN_REQUEST_EXPLANATION}\n(head ${head}, base ${base})` })
    }
  }
  const eventNumber = PULL_REQUEST_EVENTS.has(eventName) ? (event.number ?? event.pull_request?.number) : undefined
  return {
    token,
    apiUrl: (env.GITHUB_API_URL ?? "https://api.github.com").replace(/\/+$/, ""),
    owner,
    repo,
    eventName,
    sha: env.GITHUB_SHA,
    issueNumber: settings.ciNumber ?? eventNumber,
    summaryPath: env.GITHUB_STEP_SUMMARY === "" ? undefined : env.GITHUB_STEP_SUMMARY
  }
}

/** `Bencher Report`, or `Bencher Report (<ci-id>)` so several jobs keep their own check, at most 255 characters. */
export const checkRunName = (ciId: string | undefined): string =>
  (ciId === undefined || ciId === "" ? "Bencher Report" : `Bencher Report (${ciId})`).slice(0, CHECK_NAME_LIMIT)

const permissionHint = (what: "comment" | "check", status: number | undefined): string => {
  if (status !== 403 && status !== 401 && status !== 404) return ""
  return what === "comment"
    ? "\nThe job's token may not write pull request comments. Give the job\n  permissions:\n    pull-requests: write\n" +
        "(a pull request from a fork never gets a token that can write: use the two-workflow pattern of docs/ci.md)."
    : "\nThe job's token may not create check runs. Give the job\n  permissions:\n    checks: write"
}

const failure = (action: string, what: "comment" | "check", cause: unknown): string => {
  const status = statusOf(cause)
  return `GitHub: could not ${action}${status === undefined ? "" : ` (HTTP ${status})`}: ${describeCause(cause)}${permissionHint(what, status)}`
}

const hasThreshold = (report: JsonReport) => iterationRows(report).some(({ rows }) => rows.some((r) => r.hasThreshold))

/**
 * Posts the stored report. Never fails: each problem comes back as a line to print, so the report (already
 * stored) and the exit code (decided by --err and alerts) are never lost to GitHub.
 */
export const postToGitHub = async (
  ctx: GitHubContext,
  report: JsonReport,
  settings: CiSettings,
  render: RenderOptions,
  say: (line: string) => void
): Promise<ReadonlyArray<string>> => {
  const problems: Array<string> = []
  const comment = (maxLength: number) => renderComment(report, { ...render, ciId: settings.ciId, maxLength })
  if (ctx.summaryPath !== undefined) {
    try {
      appendFileSync(ctx.summaryPath, comment(1_000_000) + "\n")
    } catch (cause) {
      problems.push(`Could not write the job summary to GITHUB_STEP_SUMMARY: ${describeCause(cause)}`)
    }
  }
  if (settings.onlyThresholds && !hasThreshold(report)) {
    say("No threshold in this report and --ci-only-thresholds: not posting to GitHub.")
    return problems
  }
  // Loaded only when there is something to post: Octokit would otherwise be most of what `bencher run` loads.
  const { Octokit } = await import("@octokit/rest")
  const octokit = new Octokit({
    auth: ctx.token,
    baseUrl: ctx.apiUrl,
    userAgent: "bencher-ts",
    log: { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} }
  })
  const alerts = alertCount(report)
  if (ctx.issueNumber !== undefined) {
    const issue = { owner: ctx.owner, repo: ctx.repo, issue_number: ctx.issueNumber }
    const tag = commentTagHtml(report, settings.ciId)
    let existing: { readonly id: number } | undefined
    try {
      const comments = await octokit.paginate(octokit.rest.issues.listComments, { ...issue, per_page: 100 })
      existing = comments.find((c) => c.body?.includes(tag) === true)
    } catch (cause) {
      problems.push(failure(`list the comments of pull request #${ctx.issueNumber}`, "comment", cause))
      return problems
    }
    const body = comment(GITHUB_BODY_LIMIT)
    try {
      if (existing !== undefined) {
        const updated = await octokit.rest.issues.updateComment({
          owner: ctx.owner,
          repo: ctx.repo,
          comment_id: existing.id,
          body
        })
        say(`Updated the Bencher comment on pull request #${ctx.issueNumber}: ${updated.data.html_url}`)
      } else if (settings.onlyOnAlert && alerts === 0) {
        say("No alerts and --ci-only-on-alert: not creating a pull request comment.")
      } else {
        const created = await octokit.rest.issues.createComment({ ...issue, body })
        say(`Created a Bencher comment on pull request #${ctx.issueNumber}: ${created.data.html_url}`)
      }
    } catch (cause) {
      problems.push(
        failure(
          `${existing === undefined ? "create" : "update"} the comment on pull request #${ctx.issueNumber}`,
          "comment",
          cause
        )
      )
    }
    return problems
  }
  if (ctx.sha === undefined || ctx.sha === "") {
    problems.push(
      "GitHub: no GITHUB_SHA to put a check run on, and no pull request (pass --ci-number to comment on one)."
    )
    return problems
  }
  try {
    const created = await octokit.rest.checks.create({
      owner: ctx.owner,
      repo: ctx.repo,
      name: checkRunName(settings.ciId),
      head_sha: ctx.sha,
      status: "completed",
      conclusion: alerts > 0 ? "failure" : "success",
      completed_at: new Date().toISOString(),
      output: { title: verdictLine(report), summary: comment(CHECK_SUMMARY_LIMIT) }
    })
    say(
      `Created the check run "${checkRunName(settings.ciId)}" on ${ctx.sha}: ${created.data.html_url ?? created.data.url}`
    )
  } catch (cause) {
    problems.push(failure(`create the check run on ${ctx.sha}`, "check", cause))
  }
  return problems
}

import type { JsonReport } from "../../domain/report.js"
import { commentTagHtml, renderComment } from "../render/comment.js"
import type { RenderOptions } from "../render/human.js"
import { alertCount, iterationRows } from "../render/rows.js"
import { type CiEnv, type CiSettings, describeCause } from "./common.js"

// `bencher run --gitlab-ci <token>` (docs/ci.md): in a merge-request pipeline, one merge request note found by the
// same hidden tag as the GitHub comment, created once and then updated in place. GitLab's two notes endpoints
// (list/create, update) are called with plain fetch.

/** GitLab's limit for a note body. */
export const GITLAB_NOTE_LIMIT = 1_000_000

export interface GitLabContext {
  readonly token: string
  /** CI_JOB_TOKEN goes in JOB-TOKEN, any other token (project or personal access token) in PRIVATE-TOKEN. */
  readonly header: "JOB-TOKEN" | "PRIVATE-TOKEN"
  readonly apiUrl: string
  readonly projectId: string
  readonly mergeRequest: number
}

/** The merge request to post to, or `undefined` with the reason printed. */
export const gitlabContext = (
  settings: CiSettings,
  env: CiEnv,
  say: (line: string) => void
): GitLabContext | undefined => {
  const token = settings.gitlabToken
  if (token === undefined) return undefined
  if (env.GITLAB_CI !== "true") {
    say('Not running in GitLab CI (GITLAB_CI is not "true"): skipping the --gitlab-ci integration.')
    return undefined
  }
  const iid =
    settings.ciNumber ?? (env.CI_MERGE_REQUEST_IID === undefined ? undefined : Number(env.CI_MERGE_REQUEST_IID))
  if (iid === undefined || !Number.isInteger(iid)) {
    say("Not a merge request pipeline (no CI_MERGE_REQUEST_IID, no --ci-number): skipping the --gitlab-ci note.")
    return undefined
  }
  const projectId = env.CI_MERGE_REQUEST_PROJECT_ID ?? env.CI_PROJECT_ID
  if (projectId === undefined || projectId === "") {
    say("No CI_PROJECT_ID: skipping the --gitlab-ci note.")
    return undefined
  }
  return {
    token,
    header: token === env.CI_JOB_TOKEN ? "JOB-TOKEN" : "PRIVATE-TOKEN",
    apiUrl: (env.CI_API_V4_URL ?? "https://gitlab.com/api/v4").replace(/\/+$/, ""),
    projectId,
    mergeRequest: iid
  }
}

const hint = (status: number) =>
  status === 401 || status === 403
    ? "\nThe token may not write merge request notes. CI_JOB_TOKEN usually cannot: pass a project access token with " +
      'the api scope and the Reporter role or above, e.g. --gitlab-ci "$BENCHER_GITLAB_TOKEN" with a masked CI/CD variable.'
    : ""

interface Note {
  readonly id: number
  readonly body?: string
}

/** Creates or updates the note. Never fails: problems come back as lines to print. */
export const postToGitLab = async (
  ctx: GitLabContext,
  report: JsonReport,
  settings: CiSettings,
  render: RenderOptions,
  say: (line: string) => void
): Promise<ReadonlyArray<string>> => {
  if (settings.onlyThresholds && !iterationRows(report).some(({ rows }) => rows.some((r) => r.hasThreshold))) {
    say("No threshold in this report and --ci-only-thresholds: not posting to GitLab.")
    return []
  }
  const notes = `${ctx.apiUrl}/projects/${encodeURIComponent(ctx.projectId)}/merge_requests/${ctx.mergeRequest}/notes`
  const headers = { [ctx.header]: ctx.token, "content-type": "application/json" }
  const call = async (action: string, url: string, init: RequestInit): Promise<unknown> => {
    let response: Response
    try {
      response = await fetch(url, { ...init, headers })
    } catch (cause) {
      throw new Error(`GitLab: could not ${action}: ${describeCause(cause)}`)
    }
    const text = await response.text()
    if (!response.ok) {
      let message = text
      try {
        const parsed = JSON.parse(text) as { message?: unknown; error?: unknown }
        message = JSON.stringify(parsed.message ?? parsed.error ?? parsed)
      } catch {
        // not JSON: keep the text
      }
      throw new Error(`GitLab: could not ${action} (HTTP ${response.status}): ${message}${hint(response.status)}`)
    }
    return text === "" ? undefined : JSON.parse(text)
  }
  try {
    const tag = commentTagHtml(report, settings.ciId)
    let existing: Note | undefined
    for (let page = 1; existing === undefined; page++) {
      const batch = (await call(
        `list the notes of merge request !${ctx.mergeRequest}`,
        `${notes}?per_page=100&page=${page}`,
        {
          method: "GET"
        }
      )) as ReadonlyArray<Note>
      existing = batch.find((n) => n.body?.includes(tag) === true)
      if (batch.length < 100) break
    }
    const body = renderComment(report, { ...render, ciId: settings.ciId, maxLength: GITLAB_NOTE_LIMIT })
    if (existing !== undefined) {
      await call(`update note ${existing.id} of merge request !${ctx.mergeRequest}`, `${notes}/${existing.id}`, {
        method: "PUT",
        body: JSON.stringify({ body })
      })
      say(`Updated the Bencher note on merge request !${ctx.mergeRequest}.`)
    } else if (settings.onlyOnAlert && alertCount(report) === 0) {
      say("No alerts and --ci-only-on-alert: not creating a merge request note.")
    } else {
      await call(`create a note on merge request !${ctx.mergeRequest}`, notes, {
        method: "POST",
        body: JSON.stringify({ body })
      })
      say(`Created a Bencher note on merge request !${ctx.mergeRequest}.`)
    }
    return []
  } catch (cause) {
    return [describeCause(cause)]
  }
}

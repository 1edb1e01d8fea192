import { Ajv, type ValidateFunction } from "ajv"
import { readFileSync } from "node:fs"
import { createServer, type IncomingMessage, type ServerResponse } from "node:http"
import { createRequire } from "node:module"

// Local stand-ins for the two forges the CI integration talks to (127.0.0.1, port 0):
// - GitHub's REST endpoints used by `--github-actions` (list/create/update issue comments, create check run), each
//   request body validated against GitHub's own OpenAPI description (@octokit/openapi);
// - GitLab's merge request notes endpoints used by `--gitlab-ci`.

const require = createRequire(import.meta.url)

interface OpenApi {
  readonly paths: Record<
    string,
    Record<string, { readonly requestBody?: { readonly content: Record<string, { readonly schema: object }> } }>
  >
  readonly components: object
}

let validators: Map<string, ValidateFunction> | undefined
/** `METHOD path-template` → the request body validator from GitHub's OpenAPI description. */
const githubValidators = (): Map<string, ValidateFunction> => {
  if (validators !== undefined) return validators
  const spec = JSON.parse(
    readFileSync(require.resolve("@octokit/openapi/generated/api.github.com.json"), "utf8")
  ) as OpenApi
  const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false })
  validators = new Map()
  for (const [method, path] of [
    ["post", "/repos/{owner}/{repo}/issues/{issue_number}/comments"],
    ["patch", "/repos/{owner}/{repo}/issues/comments/{comment_id}"],
    ["post", "/repos/{owner}/{repo}/check-runs"]
  ] as const) {
    const schema = spec.paths[path]?.[method]?.requestBody?.content["application/json"]?.schema
    if (schema === undefined) throw new Error(`no request body schema for ${method} ${path} in @octokit/openapi`)
    validators.set(`${method.toUpperCase()} ${path}`, ajv.compile({ ...schema, components: spec.components }))
  }
  return validators
}

const readBody = (req: IncomingMessage) =>
  new Promise<string>((resolve) => {
    let body = ""
    req.on("data", (d: Buffer) => (body += d.toString()))
    req.on("end", () => resolve(body))
  })

const send = (res: ServerResponse, status: number, body: unknown) =>
  res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body))

export interface GitHubComment {
  id: number
  issue: number
  body: string
}

export interface FakeGitHub {
  /** The API base, e.g. `http://127.0.0.1:PORT/api/v3` (a GitHub Enterprise-like prefix, to show GITHUB_API_URL is used). */
  readonly url: string
  readonly comments: Array<GitHubComment>
  readonly checks: Array<Record<string, unknown>>
  readonly requests: Array<{ readonly method: string; readonly path: string; readonly auth: string | undefined }>
  /** Request bodies GitHub's OpenAPI description rejects (must stay empty). */
  readonly invalid: Array<{ readonly route: string; readonly errors: unknown }>
  /** Answer 403 "Resource not accessible by integration" to these kinds of request. */
  readonly forbid: Set<"comments" | "checks">
  readonly close: () => Promise<void>
}

export const startFakeGitHub = (prefix = "/api/v3"): Promise<FakeGitHub> => {
  const validate = githubValidators()
  const state = {
    comments: [] as Array<GitHubComment>,
    checks: [] as Array<Record<string, unknown>>,
    requests: [] as Array<{ method: string; path: string; auth: string | undefined }>,
    invalid: [] as Array<{ route: string; errors: unknown }>,
    forbid: new Set<"comments" | "checks">()
  }
  let nextId = 1000
  const server = createServer((req, res) => {
    void (async () => {
      const raw = await readBody(req)
      const url = new URL(req.url ?? "/", "http://x")
      const method = req.method ?? "GET"
      state.requests.push({ method, path: url.pathname, auth: req.headers.authorization })
      if (!url.pathname.startsWith(prefix + "/")) return send(res, 404, { message: "Not Found" })
      const path = url.pathname.slice(prefix.length)
      const checked = (route: string): Record<string, unknown> | undefined => {
        const body = JSON.parse(raw === "" ? "{}" : raw) as Record<string, unknown>
        const validator = validate.get(route)
        if (validator !== undefined && !validator(body)) {
          state.invalid.push({ route, errors: validator.errors })
          send(res, 422, { message: "Validation Failed", errors: validator.errors })
          return undefined
        }
        return body
      }
      const forbidden = (kind: "comments" | "checks") => {
        if (!state.forbid.has(kind)) return false
        send(res, 403, {
          message: "Resource not accessible by integration",
          documentation_url: "https://docs.github.com/rest",
          status: "403"
        })
        return true
      }
      let m = path.match(/^\/repos\/([^/]+)\/([^/]+)\/issues\/(\d+)\/comments$/)
      if (m !== null && method === "GET") {
        if (forbidden("comments")) return
        const issue = Number(m[3])
        return send(
          res,
          200,
          state.comments.filter((c) => c.issue === issue).map((c) => commentJson(c, m?.[1], m?.[2]))
        )
      }
      if (m !== null && method === "POST") {
        if (forbidden("comments")) return
        const body = checked("POST /repos/{owner}/{repo}/issues/{issue_number}/comments")
        if (body === undefined) return
        const comment = { id: nextId++, issue: Number(m[3]), body: String(body.body) }
        state.comments.push(comment)
        return send(res, 201, commentJson(comment, m[1], m[2]))
      }
      m = path.match(/^\/repos\/([^/]+)\/([^/]+)\/issues\/comments\/(\d+)$/)
      if (m !== null && method === "PATCH") {
        if (forbidden("comments")) return
        const body = checked("PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}")
        if (body === undefined) return
        const comment = state.comments.find((c) => c.id === Number(m?.[3]))
        if (comment === undefined) return send(res, 404, { message: "Not Found" })
        comment.body = String(body.body)
        return send(res, 200, commentJson(comment, m[1], m[2]))
      }
      m = path.match(/^\/repos\/([^/]+)\/([^/]+)\/check-runs$/)
      if (m !== null && method === "POST") {
        if (forbidden("checks")) return
        const body = checked("POST /repos/{owner}/{repo}/check-runs")
        if (body === undefined) return
        const id = nextId++
        state.checks.push({ id, ...body })
        return send(res, 201, {
          id,
          ...body,
          html_url: `https://github.example/${m[1]}/${m[2]}/runs/${id}`,
          url: `${prefix}/check-runs/${id}`
        })
      }
      return send(res, 404, { message: "Not Found" })
    })()
  })
  return new Promise((resolve) => {
    server.listen(0, "127.0.0.1", () => {
      const address = server.address()
      const port = typeof address === "object" && address !== null ? address.port : 0
      resolve({
        url: `http://127.0.0.1:${port}${prefix}`,
        ...state,
        close: () => new Promise((r) => server.close(() => r()))
      })
    })
  })
}

const commentJson = (c: GitHubComment, owner: string | undefined, repo: string | undefined) => ({
  id: c.id,
  body: c.body,
  html_url: `https://github.example/${owner}/${repo}/pull/${c.issue}#issuecomment-${c.id}`,
  user: { login: "github-actions[bot]" }
})

export interface GitLabNote {
  id: number
  mergeRequest: number
  body: string
}

export interface FakeGitLab {
  /** The API base as GitLab sets CI_API_V4_URL: `http://127.0.0.1:PORT/api/v4`. */
  readonly url: string
  readonly notes: Array<GitLabNote>
  readonly requests: Array<{ readonly method: string; readonly path: string; readonly token: string | undefined }>
  /** Answer 403 to every request. */
  forbidden: boolean
  readonly close: () => Promise<void>
}

/** GitLab's `GET|POST /projects/:id/merge_requests/:iid/notes` and `PUT .../notes/:note_id`. */
export const startFakeGitLab = (): Promise<FakeGitLab> => {
  let nextId = 1
  const fake = {
    notes: [] as Array<GitLabNote>,
    requests: [] as Array<{ method: string; path: string; token: string | undefined }>,
    forbidden: false
  }
  const server = createServer((req, res) => {
    void (async () => {
      const raw = await readBody(req)
      const url = new URL(req.url ?? "/", "http://x")
      const method = req.method ?? "GET"
      const token = (req.headers["private-token"] ?? req.headers["job-token"]) as string | undefined
      fake.requests.push({ method, path: url.pathname, token })
      if (fake.forbidden) return send(res, 403, { message: "403 Forbidden" })
      const m = url.pathname.match(/^\/api\/v4\/projects\/([^/]+)\/merge_requests\/(\d+)\/notes(?:\/(\d+))?$/)
      if (m === null) return send(res, 404, { message: "404 Not Found" })
      const mr = Number(m[2])
      if (method === "GET" && m[3] === undefined) {
        const page = Number(url.searchParams.get("page") ?? "1")
        const perPage = Number(url.searchParams.get("per_page") ?? "20")
        const all = fake.notes.filter((n) => n.mergeRequest === mr)
        return send(
          res,
          200,
          all.slice((page - 1) * perPage, page * perPage).map((n) => ({ id: n.id, body: n.body }))
        )
      }
      const body = JSON.parse(raw === "" ? "{}" : raw) as { body?: unknown }
      if (typeof body.body !== "string") return send(res, 400, { error: "body is missing" })
      if (method === "POST" && m[3] === undefined) {
        const note = { id: nextId++, mergeRequest: mr, body: body.body }
        fake.notes.push(note)
        return send(res, 201, { id: note.id, body: note.body })
      }
      if (method === "PUT" && m[3] !== undefined) {
        const note = fake.notes.find((n) => n.id === Number(m[3]) && n.mergeRequest === mr)
        if (note === undefined) return send(res, 404, { message: "404 Not found" })
        note.body = body.body
        return send(res, 200, { id: note.id, body: note.body })
      }
      return send(res, 405, { message: "405 Method Not Allowed" })
    })()
  })
  return new Promise((resolve) => {
    server.listen(0, "127.0.0.1", () => {
      const address = server.address()
      const port = typeof address === "object" && address !== null ? address.port : 0
      resolve(
        Object.assign(fake, {
          url: `http://127.0.0.1:${port}/api/v4`,
          close: () => new Promise<void>((r) => server.close(() => r()))
        })
      )
    })
  })
}

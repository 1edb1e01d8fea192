import { SqlClient } from "@effect/sql"
import { Context, Effect, Option, Redacted } from "effect"
import { AdminBootstrap } from "../../src/identity/bootstrap.js"
import { createHash, randomUUID } from "node:crypto"
import * as fs from "node:fs"
import * as http from "node:http"
import { dirname, join } from "node:path"
import type { ServerConfigShape } from "../../src/app/config.js"
import { startTestServer } from "../helpers/server.js"

export interface TestProject {
  readonly id: number
  readonly uuid: string
  readonly slug: string
}

/** Inserts an organization and a project row directly (project CRUD belongs to another issue). */
export const createProject = (
  context: Context.Context<SqlClient.SqlClient>,
  slug: string,
  visibility: "public" | "private" = "public"
) =>
  Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    const now = Date.now()
    const orgUuid = randomUUID()
    const org = yield* sql<{ id: number }>`INSERT INTO organization (uuid, name, slug, created, modified)
      VALUES (${orgUuid}, ${slug}, ${`org-${slug}`}, ${now}, ${now}) RETURNING id`
    const uuid = randomUUID()
    const rows = yield* sql<{
      id: number
    }>`INSERT INTO project (uuid, organization_id, name, slug, visibility, created, modified)
      VALUES (${uuid}, ${org[0]!.id}, ${slug}, ${slug}, ${visibility === "public" ? 0 : 1}, ${now}, ${now}) RETURNING id`
    return { id: rows[0]!.id, uuid, slug } satisfies TestProject
  }).pipe(Effect.provide(context), Effect.orDie)

/** The real server with its registry, plus helpers to look into the data directory. */
export const startRegistry = (overrides: Partial<ServerConfigShape> = {}) =>
  Effect.gen(function* () {
    const server = yield* startTestServer(overrides)
    const dataDir = overrides.dataDir ?? join(dirname(server.db), "bencher-data")
    const host = server.url.replace("http://", "")
    const context = server.context as Context.Context<SqlClient.SqlClient>
    // The first-run admin's key: every project role, so pushes and private pulls are allowed.
    const key = Redacted.value(Option.getOrThrow(Context.get(server.context, AdminBootstrap).adminKey))
    return {
      ...server,
      key,
      host,
      dataDir,
      project: (slug: string, visibility: "public" | "private" = "public") =>
        Effect.runPromise(createProject(context, slug, visibility)),
      /** Files under blobs/ (content-addressed), tmp/ and uploads/. */
      blobFiles: () => listFiles(join(dataDir, "blobs")),
      leftovers: () => [...listFiles(join(dataDir, "tmp")), ...listFiles(join(dataDir, "uploads"))]
    }
  })

export const listFiles = (dir: string): Array<string> => {
  if (!fs.existsSync(dir)) return []
  const out: Array<string> = []
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = join(dir, entry.name)
    if (entry.isDirectory()) out.push(...listFiles(full))
    else out.push(full)
  }
  return out
}

/** A Basic-authenticated token from the token endpoint for `scope`. */
export const fetchToken = async (url: string, scope: string, password?: string) => {
  const headers: Record<string, string> =
    password === undefined ? {} : { authorization: `Basic ${Buffer.from(`user:${password}`).toString("base64")}` }
  const response = await fetch(`${url}/v0/auth/oci/token?service=test&scope=${encodeURIComponent(scope)}`, { headers })
  const body = (await response.json()) as { token: string; access_token: string; expires_in: number }
  return { status: response.status, ...body }
}

export type Registry = Effect.Effect.Success<ReturnType<typeof startRegistry>>

/** Runs an async body against a fresh registry server (torn down with the test's scope). */
export const withRegistry = (body: (r: Registry) => Promise<void>, overrides: Partial<ServerConfigShape> = {}) =>
  Effect.gen(function* () {
    const r = yield* startRegistry(overrides)
    yield* Effect.promise(() => body(r))
  })

export const sha256 = (bytes: Uint8Array | string) => `sha256:${createHash("sha256").update(bytes).digest("hex")}`

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` })

/** A raw HTTP request whose path is sent exactly as given (fetch would normalise `..`). */
export const rawRequest = (url: string, method: string, path: string) =>
  new Promise<{ status: number; body: string }>((resolve, reject) => {
    const { hostname, port } = new URL(url)
    const req = http.request({ hostname, port, method, path }, (res) => {
      let body = ""
      res.on("data", (d: Buffer) => (body += d.toString()))
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body }))
    })
    req.on("error", reject)
    req.end()
  })

export const ociCode = async (response: Response) => {
  const body = (await response.json()) as { errors: Array<{ code: string }> }
  return body.errors[0]?.code
}

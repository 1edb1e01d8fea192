import { SqlClient } from "@effect/sql"
import { Clock, Effect, Layer } from "effect"
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { makeIdentityLive } from "../../src/identity/layer.js"
import { StoreLive } from "../../src/store/database.js"

/** A temporary SQLite file removed with the layer's scope; its path is the layer's value. */
export const tempDbFile = Effect.acquireRelease(
  Effect.sync(() => mkdtempSync(join(tmpdir(), "bencher-identity-"))),
  (dir) => Effect.sync(() => rmSync(dir, { recursive: true, force: true }))
).pipe(Effect.map((dir) => join(dir, "bencher.db")))

/** The store on a temporary file plus every identity service, without HTTP. */
export const makeIdentityStoreLive = (options: Parameters<typeof makeIdentityLive>[0] = {}) =>
  Layer.unwrapScoped(
    Effect.map(tempDbFile, (file) => makeIdentityLive(options).pipe(Layer.provideMerge(StoreLive(file))))
  )

export const IdentityStoreLive = makeIdentityStoreLive()

/** Inserts a project row directly (project CRUD belongs to another domain). */
export const insertProject = (organizationId: number, slug: string, visibility: "public" | "private") =>
  Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    const now = yield* Clock.currentTimeMillis
    const rows = yield* sql<{ id: number; uuid: string }>`INSERT INTO project ${sql.insert({
      uuid: crypto.randomUUID(),
      organization_id: organizationId,
      name: slug,
      slug,
      visibility: visibility === "private" ? 1 : 0,
      created: now,
      modified: now
    })} RETURNING id, uuid`
    const row = rows[0]
    if (row === undefined) return yield* Effect.dieMessage("no project row")
    return { id: row.id, uuid: row.uuid, organizationId, visibility } as const
  }).pipe(Effect.orDie)

export const insertProjectRole = (userId: number, projectId: number, role: "viewer" | "developer" | "maintainer") =>
  Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    yield* sql`INSERT INTO project_role ${sql.insert({ user_id: userId, project_id: projectId, role, created: 0, modified: 0 })}`
  }).pipe(Effect.orDie)

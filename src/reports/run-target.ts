import { SqlClient } from "@effect/sql"
import { Clock, Effect } from "effect"
import { isUuid } from "../domain/ids.js"
import type { Actor } from "../identity/actor.js"
import { Projects } from "../projects/projects.js"
import { newUuid } from "../store/ids.js"
import { single } from "../store/rows.js"

const REPO_NAME_KEY = "bencher.dev/v0/repo/name"

/**
 * The organization that owns a project created on the fly. Until accounts exist every such project gets its own
 * unclaimed organization.
 */
const onTheFlyOrganization = (_actor: Actor) =>
  Effect.gen(function*() {
    const sql = yield* SqlClient.SqlClient
    const now = yield* Clock.currentTimeMillis
    const uuid = yield* newUuid
    return yield* sql<{ id: number }>`INSERT INTO organization ${sql.insert({
      uuid,
      name: `Unclaimed ${uuid.slice(0, 8)}`,
      slug: `unclaimed-${uuid.slice(0, 8)}`,
      created: now,
      modified: now
    })} RETURNING id`.pipe(Effect.flatMap(single("organization")), Effect.map((r) => r.id))
  })

/**
 * The project a run reports to: the one named (uuid or slug), or a new one. A slug that does not exist yet
 * creates the project under that slug, as Bencher does; no project at all creates one named after the
 * repository in the run's context (or "Project").
 */
export const projectForRun = (actor: Actor, project: string | null | undefined, context: Readonly<Record<string, string>> | null | undefined) =>
  Effect.gen(function*() {
    const projects = yield* Projects
    if (project !== undefined && project !== null) {
      const found = yield* projects.find(project)
      if (found !== undefined) return { project: found, created: false }
      if (isUuid(project)) return yield* projects.resolve(project).pipe(Effect.map((p) => ({ project: p, created: false })))
      const organizationId = yield* onTheFlyOrganization(actor)
      return { project: yield* projects.create({ organizationId, name: project, slug: project }), created: true }
    }
    const repo = context?.[REPO_NAME_KEY]
    const name = repo !== undefined && repo.trim() !== "" ? repo.trim().slice(0, 64) : "Project"
    const organizationId = yield* onTheFlyOrganization(actor)
    return { project: yield* projects.create({ organizationId, name }), created: true }
  })

import { SqlClient } from "@effect/sql"
import { Effect } from "effect"
import { BadRequest, Forbidden, NotFound } from "../domain/errors.js"
import { isUuid } from "../domain/ids.js"
import type { Actor } from "../domain/actor.js"
import { Organizations } from "../identity/organizations.js"
import { Projects } from "../projects/projects.js"

const REPO_NAME_KEY = "bencher.dev/v0/repo/name"

/**
 * The organization that owns a project created on the fly: the signed-in user's first organization (a personal
 * one is created when they have none); for an unauthenticated run, a new unclaimed organization (rate-limited
 * per source IP). A project key never creates projects.
 */
const onTheFlyOrganization = (actor: Actor) =>
  Effect.gen(function* () {
    const organizations = yield* Organizations
    switch (actor._tag) {
      case "Anonymous":
        return (yield* organizations.createUnclaimed(actor.sourceIp)).id
      case "ProjectKey":
        return yield* new Forbidden({ message: "A project key reports only to its own project: pass --project" })
      case "User": {
        const [first] = yield* organizations.listFor({ userId: actor.userId, admin: false })
        if (first !== undefined) return first.id
        const sql = yield* SqlClient.SqlClient
        const [user] = yield* sql<{ name: string }>`SELECT name FROM user WHERE id = ${actor.userId}`
        return (yield* organizations.create({ name: user?.name ?? "Personal", userId: actor.userId })).id
      }
    }
  })

/**
 * The project a run reports to: the one named (uuid or slug), or a new one. A slug that does not exist yet
 * creates the project under that slug, as Bencher does; no project at all creates one named after the
 * repository in the run's context (or "Project").
 */
export const projectForRun = (
  actor: Actor,
  project: string | null | undefined,
  context: Readonly<Record<string, string>> | null | undefined
) =>
  Effect.gen(function* () {
    const projects = yield* Projects
    if (project !== undefined && project !== null) {
      const found = yield* projects.find(project)
      if (found !== undefined) return { project: found, created: false }
      if (isUuid(project)) return yield* new NotFound({ message: `Project not found: ${project}` })
      const organizationId = yield* onTheFlyOrganization(actor)
      return { project: yield* projects.create({ organizationId, name: project, slug: project }), created: true }
    }
    if (actor._tag === "ProjectKey")
      return yield* new BadRequest({ message: "project: required when running with a project key" })
    const repo = context?.[REPO_NAME_KEY]
    const name = repo !== undefined && repo.trim() !== "" ? repo.trim().slice(0, 64) : "Project"
    const organizationId = yield* onTheFlyOrganization(actor)
    return { project: yield* projects.create({ organizationId, name }), created: true }
  })

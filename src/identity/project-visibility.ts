import type { SqlClient } from "@effect/sql"
import type { Actor } from "../domain/actor.js"

/**
 * The `view` rule of Access.project as a SQL condition on the project row named `alias`, for listings
 * (`GET /v0/projects`, an organization's projects): public projects, plus private ones the actor holds a
 * project role or organization role on, its own project for a project key, everything for an admin.
 * test/identity/project-visibility.test.ts checks it agrees with Access.project for every actor.
 */
export const visibleProjectCondition = (sql: SqlClient.SqlClient, actor: Actor, alias = "project") => {
  const p = sql(alias)
  const isPublic = sql`${p}.visibility = 0`
  switch (actor._tag) {
    case "Anonymous":
      return sql`(${isPublic})`
    case "ProjectKey":
      return sql`(${isPublic} OR ${p}.id = ${actor.projectId})`
    case "User":
      if (actor.admin) return sql`(1 = 1)`
      return sql`(${isPublic}
        OR EXISTS (SELECT 1 FROM project_role AS pr WHERE pr.project_id = ${p}.id AND pr.user_id = ${actor.userId})
        OR EXISTS (SELECT 1 FROM organization_role AS orr WHERE orr.organization_id = ${p}.organization_id
          AND orr.user_id = ${actor.userId}))`
  }
}

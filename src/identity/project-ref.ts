import { SqlClient } from "@effect/sql"
import { Effect, Option } from "effect"
import { isUuid } from "../domain/ids.js"
import type { ProjectRef } from "./access.js"

/** Bencher stores visibility as an integer: 0 public (the default), 1 private. */
export const visibilityOf = (stored: number): "public" | "private" => (stored === 1 ? "private" : "public")
export const storedVisibility = (visibility: "public" | "private"): number => (visibility === "private" ? 1 : 0)

export interface ProjectRefWithUuid extends ProjectRef {
  readonly uuid: string
}

/** What Access needs to know about a project, by UUID or slug; deleted projects do not exist. */
export const findProjectRef = (resource: string): Effect.Effect<Option.Option<ProjectRefWithUuid>, never, SqlClient.SqlClient> =>
  Effect.gen(function*() {
    const sql = yield* SqlClient.SqlClient
    const rows = yield* (isUuid(resource)
      ? sql<{ id: number; uuid: string; organization_id: number; visibility: number }>`SELECT id, uuid, organization_id, visibility
          FROM project WHERE uuid = ${resource.toLowerCase()} AND deleted IS NULL`
      : sql<{ id: number; uuid: string; organization_id: number; visibility: number }>`SELECT id, uuid, organization_id, visibility
          FROM project WHERE slug = ${resource} AND deleted IS NULL`)
    return Option.map(Option.fromNullable(rows[0]), (row) => ({
      id: row.id,
      uuid: row.uuid,
      organizationId: row.organization_id,
      visibility: visibilityOf(row.visibility)
    }))
  }).pipe(Effect.orDie)

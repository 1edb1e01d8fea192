import { SqlClient } from "@effect/sql"
import { Clock, Effect } from "effect"
import { BadRequest, Conflict, NotFound } from "../domain/errors.js"
import { classifyNameId, isSlug, MAX_BENCHMARK_NAME_LEN } from "../domain/index.js"
import { newUuid } from "../store/ids.js"
import { toPage, type PageParams } from "../store/pagination.js"
import { single } from "../store/rows.js"
import { slugBase, suffixedSlug, uniqueSlug } from "../store/slugs.js"
import type { DimensionRow } from "./rows.js"

/** Rows per multi-row statement: well under SQLite's 32,766 bound parameters. */
const CHUNK = 500

/** What a bulk get-or-create returns per key: enough to link rows to it, without the rest of each row. */
export type BulkRow = Pick<DimensionRow, "id" | "uuid" | "name" | "slug" | "archived">
const BULK_COLUMNS = "id, uuid, name, slug, archived"

export type DimensionTable = "branch" | "testbed" | "measure" | "benchmark"

export interface DimensionListQuery extends PageParams {
  readonly name?: string | undefined
  readonly search?: string | undefined
  readonly archived?: boolean | undefined
}

export interface DimensionPatch {
  readonly name?: string | null | undefined
  readonly slug?: string | null | undefined
  readonly archived?: boolean | null | undefined
}

/**
 * Storage for a project dimension (branch, testbed, measure, benchmark): lookup by NameId (uuid, then slug, then
 * name), get-or-create on report upload, and the CRUD behind the REST resources. `R` is the table's row type.
 */
export const makeDimension = <R extends DimensionRow>(table: DimensionTable, label: string) =>
  Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    const maxNameLen = table === "benchmark" ? MAX_BENCHMARK_NAME_LEN : table === "branch" ? 256 : 64

    const byId = (id: number) =>
      sql.unsafe<R>(`SELECT * FROM ${table} WHERE id = ?`, [id]).pipe(Effect.flatMap(single(table)))

    /** Many rows in a few statements (a report's benchmarks and measures), keyed by id. */
    const byIds = (ids: Iterable<number>) =>
      Effect.gen(function* () {
        const all = [...new Set(ids)]
        const found = new Map<number, R>()
        for (let i = 0; i < all.length; i += 500) {
          const chunk = all.slice(i, i + 500)
          const rows = yield* sql.unsafe<R>(
            `SELECT * FROM ${table} WHERE id IN (${chunk.map(() => "?").join(", ")})`,
            chunk
          )
          for (const row of rows) found.set(row.id, row)
        }
        return found
      })

    const findBy = (projectId: number, column: "uuid" | "slug" | "name", value: string) =>
      sql
        .unsafe<R>(`SELECT * FROM ${table} WHERE project_id = ? AND ${column} = ?`, [projectId, value])
        .pipe(Effect.map((rows) => rows[0]))

    /** NameId resolution: the first interpretation that validates decides where to look (docs/reference.md §1.2). */
    const find = (projectId: number, nameId: string) => {
      const kind = classifyNameId(nameId, maxNameLen)
      if (kind === undefined) return Effect.succeed(undefined)
      return kind._tag === "Uuid"
        ? findBy(projectId, "uuid", kind.value)
        : kind._tag === "Slug"
          ? Effect.flatMap(findBy(projectId, "slug", kind.value), (row) =>
              row === undefined ? findBy(projectId, "name", kind.value) : Effect.succeed(row)
            )
          : findBy(projectId, "name", kind.value)
    }

    const resolve = (projectId: number, nameId: string) =>
      Effect.flatMap(find(projectId, nameId), (row) =>
        row === undefined
          ? Effect.fail(new NotFound({ message: `${label} not found: ${nameId}` }))
          : Effect.succeed(row)
      )

    const slugTaken = (projectId: number) => (slug: string) =>
      sql
        .unsafe<{ n: number }>(`SELECT count(*) AS n FROM ${table} WHERE project_id = ? AND slug = ?`, [
          projectId,
          slug
        ])
        .pipe(Effect.map((r) => (r[0]?.n ?? 0) > 0))

    const insert = (
      projectId: number,
      name: string,
      slug: string | undefined | null,
      extra: Record<string, string | number | null> = {}
    ) =>
      Effect.gen(function* () {
        if ((yield* findBy(projectId, "name", name)) !== undefined) {
          return yield* new Conflict({ message: `${label} already exists: ${name}` })
        }
        let finalSlug: string
        if (slug !== undefined && slug !== null) {
          if (yield* slugTaken(projectId)(slug))
            return yield* new Conflict({ message: `${label} slug already exists: ${slug}` })
          finalSlug = slug
        } else {
          finalSlug = yield* uniqueSlug(name, slugTaken(projectId))
        }
        const now = yield* Clock.currentTimeMillis
        const uuid = yield* newUuid
        const row = { uuid, project_id: projectId, name, slug: finalSlug, created: now, modified: now, ...extra }
        const columns = Object.keys(row)
        const inserted = yield* sql.unsafe<R>(
          `INSERT INTO ${table} (${columns.join(", ")}) VALUES (${columns.map(() => "?").join(", ")}) RETURNING *`,
          Object.values(row)
        )
        return yield* single<R>(table)(inserted)
      })

    /**
     * Get-or-create for report uploads: a uuid must exist; a slug that is not found creates a resource named after
     * the slug; a name creates one with that name. An archived resource that is used again is unarchived.
     */
    const getOrCreate = (
      projectId: number,
      nameId: string,
      extra: (name: string) => Record<string, string | number | null> = () => ({})
    ) =>
      Effect.gen(function* () {
        const kind = classifyNameId(nameId, maxNameLen)
        if (kind === undefined)
          return yield* new BadRequest({ message: `Invalid ${label.toLowerCase()} name: ${JSON.stringify(nameId)}` })
        const existing = yield* find(projectId, nameId)
        if (existing !== undefined) {
          if (existing.archived !== null) {
            yield* sql.unsafe(`UPDATE ${table} SET archived = NULL WHERE id = ?`, [existing.id])
            return yield* byId(existing.id)
          }
          return existing
        }
        if (kind._tag === "Uuid") return yield* new NotFound({ message: `${label} not found: ${nameId}` })
        return yield* insert(projectId, kind.value, kind._tag === "Slug" ? kind.value : null, extra(kind.value))
      })

    /**
     * Get-or-create for many keys at once (a report's benchmarks): one lookup query per NameId kind, one multi-row
     * insert for the missing ones, one update to unarchive. Same NameId rules as getOrCreate; returns key -> BulkRow.
     */
    const bulkGetOrCreate = (projectId: number, keys: ReadonlyArray<string>) =>
      Effect.gen(function* () {
        const kinds = new Map<string, NonNullable<ReturnType<typeof classifyNameId>>>()
        for (const key of keys) {
          const kind = classifyNameId(key, maxNameLen)
          if (kind === undefined)
            return yield* new BadRequest({ message: `Invalid ${label.toLowerCase()} name: ${JSON.stringify(key)}` })
          kinds.set(key, kind)
        }
        // One lookup per kind, so that a report of plain names reads through the (project_id, name) index alone.
        const lookups = { uuid: new Set<string>(), slug: new Set<string>(), name: new Set<string>() }
        for (const kind of kinds.values()) {
          if (kind._tag === "Uuid") lookups.uuid.add(kind.value)
          else if (kind._tag === "Slug") lookups.slug.add(kind.value)
          else lookups.name.add(kind.value)
        }
        const existing: Array<BulkRow> = []
        for (const [column, set] of Object.entries(lookups)) {
          const values = [...set]
          for (let i = 0; i < values.length; i += CHUNK) {
            const chunk = values.slice(i, i + CHUNK)
            const marks = chunk.map(() => "?").join(", ")
            // A slug key that names no slug may still be a benchmark's name (docs/reference.md §1.2).
            const where = column === "slug" ? `slug IN (${marks}) OR name IN (${marks})` : `${column} IN (${marks})`
            existing.push(
              ...(yield* sql.unsafe<BulkRow>(
                `SELECT ${BULK_COLUMNS} FROM ${table} WHERE project_id = ? AND (${where})`,
                column === "slug" ? [projectId, ...chunk, ...chunk] : [projectId, ...chunk]
              ))
            )
          }
        }
        const byUuid = new Map(lookups.uuid.size === 0 ? [] : existing.map((r) => [r.uuid, r]))
        const bySlug = new Map(lookups.slug.size === 0 ? [] : existing.map((r) => [r.slug, r]))
        const byName = new Map(existing.map((r) => [r.name, r]))
        const found = new Map<string, BulkRow>()
        const missing = new Map<string, { readonly name: string; readonly slug: string | null }>()
        for (const [key, kind] of kinds) {
          const row =
            kind._tag === "Uuid"
              ? byUuid.get(kind.value)
              : kind._tag === "Slug"
                ? (bySlug.get(kind.value) ?? byName.get(kind.value))
                : byName.get(kind.value)
          if (row !== undefined) found.set(key, row)
          else if (kind._tag === "Uuid") return yield* new NotFound({ message: `${label} not found: ${key}` })
          else if (!missing.has(kind.value))
            missing.set(kind.value, { name: kind.value, slug: kind._tag === "Slug" ? kind.value : null })
        }
        const archived = [...found.values()].filter((r) => r.archived !== null).map((r) => r.id)
        if (archived.length > 0) {
          yield* sql.unsafe(
            `UPDATE ${table} SET archived = NULL WHERE id IN (${archived.map(() => "?").join(", ")})`,
            archived
          )
          for (const [key, row] of found) if (row.archived !== null) found.set(key, { ...row, archived: null })
        }
        if (missing.size > 0) {
          // Slugs: the requested or derived one when free, else with a random suffix; taken = stored or earlier in this batch.
          const wanted = [...missing.values()].map((m) => m.slug ?? slugBase(m.name))
          const taken = new Set<string>()
          for (let i = 0; i < wanted.length; i += CHUNK) {
            const chunk = wanted.slice(i, i + CHUNK)
            const rows = yield* sql.unsafe<{ slug: string }>(
              `SELECT slug FROM ${table} WHERE project_id = ? AND slug IN (${chunk.map(() => "?").join(", ")})`,
              [projectId, ...chunk]
            )
            for (const r of rows) taken.add(r.slug)
          }
          const now = yield* Clock.currentTimeMillis
          const rows: Array<ReadonlyArray<string | number>> = []
          let index = 0
          for (const m of missing.values()) {
            let slug = wanted[index++] ?? "resource"
            while (taken.has(slug)) slug = yield* suffixedSlug(slug)
            taken.add(slug)
            rows.push([yield* newUuid, projectId, m.name, slug, now, now])
          }
          for (let i = 0; i < rows.length; i += CHUNK) {
            const chunk = rows.slice(i, i + CHUNK)
            const inserted = yield* sql.unsafe<BulkRow>(
              `INSERT INTO ${table} (uuid, project_id, name, slug, created, modified) VALUES ${chunk.map(() => "(?, ?, ?, ?, ?, ?)").join(", ")} RETURNING ${BULK_COLUMNS}`,
              chunk.flat()
            )
            for (const row of inserted) byName.set(row.name, row)
          }
          for (const [key, kind] of kinds) {
            if (!found.has(key)) {
              const row = byName.get(kind.value)
              if (row === undefined) return yield* Effect.dieMessage(`${table} ${kind.value} was not inserted`)
              found.set(key, row)
            }
          }
        }
        return found
      })

    const update = (row: R, patch: DimensionPatch, extra: Record<string, string | number | null> = {}) =>
      Effect.gen(function* () {
        if (patch.name !== undefined && patch.name !== null && patch.name !== row.name) {
          if ((yield* findBy(row.project_id, "name", patch.name)) !== undefined) {
            return yield* new Conflict({ message: `${label} already exists: ${patch.name}` })
          }
        }
        if (patch.slug !== undefined && patch.slug !== null && patch.slug !== row.slug) {
          if (!isSlug(patch.slug)) return yield* new BadRequest({ message: `slug: invalid slug ${patch.slug}` })
          if (yield* slugTaken(row.project_id)(patch.slug)) {
            return yield* new Conflict({ message: `${label} slug already exists: ${patch.slug}` })
          }
        }
        const now = yield* Clock.currentTimeMillis
        const archived =
          patch.archived === undefined || patch.archived === null
            ? row.archived
            : patch.archived
              ? (row.archived ?? now)
              : null
        const set = { name: patch.name ?? row.name, slug: patch.slug ?? row.slug, archived, modified: now, ...extra }
        const columns = Object.keys(set)
        yield* sql.unsafe(`UPDATE ${table} SET ${columns.map((c) => `${c} = ?`).join(", ")} WHERE id = ?`, [
          ...Object.values(set),
          row.id
        ])
        return yield* byId(row.id)
      })

    const remove = (row: R) => sql.unsafe(`DELETE FROM ${table} WHERE id = ?`, [row.id]).pipe(Effect.asVoid)

    const list = (projectId: number, query: DimensionListQuery) =>
      Effect.gen(function* () {
        const page = toPage(query)
        const where = ["project_id = ?"]
        const args: Array<string | number> = [projectId]
        where.push(query.archived === true ? "archived IS NOT NULL" : "archived IS NULL")
        if (query.name !== undefined) {
          where.push("name = ?")
          args.push(query.name)
        }
        if (query.search !== undefined) {
          where.push("(name LIKE ? OR slug LIKE ? OR uuid LIKE ?)")
          args.push(`%${query.search}%`, `%${query.search}%`, `%${query.search}%`)
        }
        const clause = where.join(" AND ")
        const [count] = yield* sql.unsafe<{ n: number }>(`SELECT count(*) AS n FROM ${table} WHERE ${clause}`, args)
        const rows = yield* sql.unsafe<R>(
          `SELECT * FROM ${table} WHERE ${clause} ORDER BY name ${page.direction}, id LIMIT ? OFFSET ?`,
          [...args, page.limit, page.offset]
        )
        return { rows, total: count?.n ?? 0 }
      })

    return { byId, byIds, find, resolve, insert, getOrCreate, bulkGetOrCreate, update, remove, list } as const
  })

// The report path's benchmark cache answers exactly what the plain lookup would, whatever happened to the project's
// benchmarks between reports: renames, archives, deletes (also by plain SQL), and transactions that rolled back.
import { describe, expect, it } from "@effect/vitest"
import { SqlClient } from "@effect/sql"
import { Effect, Exit, Layer, Runtime } from "effect"
import fc from "fast-check"
import { join } from "node:path"
import { IdentityLive } from "../../src/identity/layer.js"
import { Benchmarks } from "../../src/projects/dimension-services.js"
import { ReportServicesLive } from "../../src/app/server.js"
import { StoreLive } from "../../src/store/database.js"
import { tempDir } from "../helpers/server.js"

// Names and slugs that collide in every way NameId resolution cares about: "Beta x" slugs to "beta-x", which is
// also a key of its own, and "gamma" is a name of one benchmark and may become the slug of another.
const KEYS = ["alpha", "Beta x", "beta-x", "gamma", "delta", "Gamma"] as const
const NAMES = ["alpha", "Beta x", "beta-x", "gamma", "renamed", "Gamma"] as const

type Op =
  | { readonly _tag: "report"; readonly keys: ReadonlyArray<string> }
  | { readonly _tag: "rolledBack"; readonly keys: ReadonlyArray<string> }
  | { readonly _tag: "rename"; readonly pick: number; readonly name: string }
  | { readonly _tag: "reslug"; readonly pick: number; readonly slug: string }
  | { readonly _tag: "archive"; readonly pick: number }
  | { readonly _tag: "remove"; readonly pick: number }

const keys = fc.uniqueArray(fc.constantFrom(...KEYS), { minLength: 1, maxLength: KEYS.length })
const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 4, arbitrary: keys.map((k) => ({ _tag: "report" as const, keys: k })) },
  { weight: 1, arbitrary: keys.map((k) => ({ _tag: "rolledBack" as const, keys: k })) },
  fc.record({ _tag: fc.constant("rename" as const), pick: fc.nat(), name: fc.constantFrom(...NAMES) }),
  fc.record({
    _tag: fc.constant("reslug" as const),
    pick: fc.nat(),
    slug: fc.constantFrom("alpha", "beta-x", "gamma", "delta")
  }),
  fc.record({ _tag: fc.constant("archive" as const), pick: fc.nat() }),
  fc.record({ _tag: fc.constant("remove" as const), pick: fc.nat() })
)

let projects = 0

/**
 * Runs the ops on two new projects alike: one resolves report keys through the cache, the other through the plain
 * lookup (what every report did before the cache). After every report both must have resolved each key to the same
 * benchmark: the same position in the project's benchmarks by id, as both create theirs in the same order.
 */
const play = (ops: ReadonlyArray<Op>) =>
  Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    const benchmarks = yield* Benchmarks
    const newProject = Effect.gen(function* () {
      projects++
      const [project] = yield* sql<{
        id: number
      }>`INSERT INTO project (uuid, organization_id, name, slug, created, modified)
        VALUES (${crypto.randomUUID()}, 1, ${`p${projects}`}, ${`p${projects}`}, 0, 0) RETURNING id`
      return project?.id ?? -1
    })
    const cachedProject = yield* newProject
    const plainProject = yield* newProject
    const ids = (projectId: number) =>
      Effect.map(sql<{ id: number }>`SELECT id FROM benchmark WHERE project_id = ${projectId} ORDER BY id`, (rows) =>
        rows.map((r) => r.id)
      )
    const positions = (projectId: number, rows: ReadonlyMap<string, { readonly id: number }>) =>
      Effect.map(ids(projectId), (all) => Object.fromEntries([...rows].map(([key, row]) => [key, all.indexOf(row.id)])))
    const resolve = (projectId: number, keys: ReadonlyArray<string>) =>
      projectId === cachedProject
        ? benchmarks.cachedBulkGetOrCreate(projectId, keys)
        : Effect.map(benchmarks.bulkGetOrCreate(projectId, keys), (rows) => ({ rows, publish: () => {} }))
    const picked = (projectId: number, pick: number) =>
      Effect.map(ids(projectId), (all) => (all.length === 0 ? undefined : all[pick % all.length]))
    // An edit that collides is refused by a unique constraint in both projects, as it would be for a user.
    const edit = (projectId: number, pick: number, statement: (id: number) => Effect.Effect<unknown, unknown>) =>
      Effect.flatMap(picked(projectId, pick), (id) => (id === undefined ? Effect.void : Effect.ignore(statement(id))))
    for (const o of ops) {
      for (const projectId of [cachedProject, plainProject]) {
        switch (o._tag) {
          case "report":
          case "rolledBack":
            break
          case "rename":
            yield* edit(projectId, o.pick, (id) => sql`UPDATE benchmark SET name = ${o.name} WHERE id = ${id}`)
            break
          case "reslug":
            yield* edit(projectId, o.pick, (id) => sql`UPDATE benchmark SET slug = ${o.slug} WHERE id = ${id}`)
            break
          case "archive":
            yield* edit(projectId, o.pick, (id) => sql`UPDATE benchmark SET archived = 1 WHERE id = ${id}`)
            break
          case "remove":
            yield* edit(projectId, o.pick, (id) => sql`DELETE FROM benchmark WHERE id = ${id}`)
            break
        }
      }
      if (o._tag === "report") {
        const answers: Array<Record<string, number>> = []
        for (const projectId of [cachedProject, plainProject]) {
          const resolved = yield* sql.withTransaction(resolve(projectId, o.keys))
          resolved.publish()
          answers.push(yield* positions(projectId, resolved.rows))
        }
        expect(answers[0]).toEqual(answers[1])
      }
      if (o._tag === "rolledBack") {
        // A report that creates its benchmarks, resolves them again (a lookup that writes nothing) and rolls back.
        for (const projectId of [cachedProject, plainProject]) {
          const exit = yield* Effect.exit(
            sql.withTransaction(
              Effect.gen(function* () {
                yield* resolve(projectId, o.keys)
                yield* resolve(projectId, o.keys)
                return yield* Effect.fail("rolled back" as const)
              })
            )
          )
          expect(Exit.isFailure(exit)).toBe(true)
        }
      }
    }
    expect((yield* ids(cachedProject)).length).toBe((yield* ids(plainProject)).length)
  })

const servicesOn = (db: string) =>
  ReportServicesLive.pipe(Layer.provideMerge(IdentityLive), Layer.provideMerge(StoreLive(db)))

/** `body` with the report services on a new file, whose first organization exists. */
const withOrganization = <A, E>(body: Effect.Effect<A, E, SqlClient.SqlClient | Benchmarks>) =>
  Effect.gen(function* () {
    const db = join(yield* tempDir, "cache.db")
    return yield* Effect.gen(function* () {
      const sql = yield* SqlClient.SqlClient
      yield* sql`INSERT INTO organization (uuid, name, slug, created, modified) VALUES (${crypto.randomUUID()}, 'o', 'o', 0, 0)`
      return yield* body
    }).pipe(Effect.provide(servicesOn(db)))
  })

describe("benchmark cache of the report path", () => {
  it.scopedLive("answers what the plain lookup answers, across renames, archives, deletes and rollbacks", () =>
    Effect.gen(function* () {
      yield* withOrganization(
        Effect.gen(function* () {
          const runtime = yield* Effect.runtime<SqlClient.SqlClient | Benchmarks>()
          yield* Effect.promise(() =>
            fc.assert(
              fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 30 }), (ops) =>
                Runtime.runPromise(runtime)(play(ops))
              ),
              { numRuns: 150 }
            )
          )
        })
      )
    })
  )

  it.scopedLive("serves a repeated report from memory: no benchmark lookup once the keys are cached", () =>
    Effect.gen(function* () {
      const result = yield* withOrganization(
        Effect.gen(function* () {
          const sql = yield* SqlClient.SqlClient
          const benchmarks = yield* Benchmarks
          yield* sql`INSERT INTO project (uuid, organization_id, name, slug, created, modified) VALUES (${crypto.randomUUID()}, 1, 'p', 'p', 0, 0)`
          const names = Array.from({ length: 50 }, (_, i) => `bench ${i}`)
          const resolve = Effect.gen(function* () {
            const r = yield* sql.withTransaction(benchmarks.cachedBulkGetOrCreate(1, names))
            r.publish()
            return r.rows
          })
          const first = yield* resolve // creates: publishes nothing
          const second = yield* resolve // finds: publishes
          // To see that the third lookup is served from memory, rename every row with the generation trigger dropped
          // (no code path can): a lookup that read the table would not find the names and would create 50 benchmarks.
          yield* sql`DROP TRIGGER benchmark_generation_update`
          yield* sql`UPDATE benchmark SET name = 'x' || name, slug = 'x' || slug`
          const third = yield* resolve
          return { first, second, third }
        })
      )
      const ids = (m: ReadonlyMap<string, { id: number }>) => [...m.values()].map((r) => r.id)
      expect(ids(result.second)).toEqual(ids(result.first))
      // Served from memory: the renamed rows would otherwise not be found and 50 new ones created.
      expect(ids(result.third)).toEqual(ids(result.first))
    })
  )

  it.scopedLive("does not serve a deleted project's benchmarks to a new project that took its id", () =>
    Effect.gen(function* () {
      const result = yield* withOrganization(
        Effect.gen(function* () {
          const sql = yield* SqlClient.SqlClient
          const benchmarks = yield* Benchmarks
          const newProject = () =>
            Effect.map(
              sql<{ id: number }>`INSERT INTO project (uuid, organization_id, name, slug, created, modified)
            VALUES (${crypto.randomUUID()}, 1, 'p', 'p', 0, 0) RETURNING id`,
              (rows) => rows[0]?.id ?? -1
            )
          const resolve = (projectId: number) =>
            Effect.gen(function* () {
              const r = yield* sql.withTransaction(benchmarks.cachedBulkGetOrCreate(projectId, ["a"]))
              r.publish()
              return r.rows.get("a")?.id
            })
          const first = yield* newProject()
          yield* resolve(first) // creates "a": generation 1
          const cached = yield* resolve(first) // found: cached at generation 1
          yield* sql`DELETE FROM project WHERE id = ${first}`
          const second = yield* newProject() // the highest id was freed, so it is taken again
          // One benchmark of its own brings the new project to generation 1, the one "a" was cached at.
          yield* sql`INSERT INTO benchmark (uuid, project_id, name, slug, created, modified) VALUES (${crypto.randomUUID()}, ${second}, 'b', 'b', 0, 0)`
          const again = yield* resolve(second)
          const [row] = yield* sql<{
            name: string
            project_id: number
          }>`SELECT name, project_id FROM benchmark WHERE id = ${again ?? -1}`
          return { first, second, cached, row }
        })
      )
      expect(result.second).toBe(result.first)
      expect(result.cached).toBeDefined()
      expect(result.row).toEqual({ name: "a", project_id: result.second })
    })
  )
})

import { SqlClient } from "@effect/sql"
import { Clock, Context, Effect, Layer } from "effect"
import { BadRequest, Conflict, NotFound, Unauthorized, PersistenceError } from "../domain/errors.js"
import { isUuid } from "../domain/ids.js"
import { JsonRunner, JsonRunnerKey, type JsonNewRunner, type JsonUpdateRunner } from "../domain/runner.js"
import { toIso, toIsoOrNull } from "../domain/time.js"
import { newUuid } from "../store/ids.js"
import { toPage, type PageParams } from "../store/pagination.js"
import { single } from "../store/rows.js"
import { slugBase } from "../store/slugs.js"
import { generateKey, hashesEqual, hashKey, keyKind } from "../domain/keys.js"
import { Specs, type SpecRow } from "./specs.js"

export interface RunnerRow {
  readonly id: number
  readonly uuid: string
  readonly name: string
  readonly slug: string
  readonly key_hash: string
  readonly last_heartbeat: number | null
  readonly created: number
  readonly modified: number
  readonly archived: number | null
}

/** A runner as the channel knows it once its key checked out: who it is and which specs it serves. */
export interface AuthenticatedRunner {
  readonly id: number
  readonly uuid: string
  readonly slug: string
  readonly specIds: ReadonlySet<number>
}

export const runnerJson = (row: RunnerRow): JsonRunner =>
  JsonRunner.make(
    {
      uuid: row.uuid,
      name: row.name,
      slug: row.slug,
      last_heartbeat: toIsoOrNull(row.last_heartbeat),
      created: toIso(row.created),
      modified: toIso(row.modified),
      archived: toIsoOrNull(row.archived)
    },
    { disableValidation: true }
  )

const invalidKey = () => new Unauthorized({ message: "Invalid runner key" })

const make = Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient
  const specs = yield* Specs
  // key hash -> runner: every channel message authenticates, and heartbeats must not touch SQL. Any change to
  // a runner (rotation, archive, spec links) drops the whole cache; it refills on the next message.
  const authCache = new Map<string, AuthenticatedRunner & { readonly keyHash: string }>()
  // Raw key -> runner, only for keys that matched a stored hash: a channel message (a heartbeat a second per
  // running job) then costs one map lookup instead of a SHA-256 and two hex decodes. The raw keys are held in
  // memory anyway, by each open WebSocket's upgrade headers; they are never stored or logged.
  const keyCache = new Map<string, AuthenticatedRunner>()
  const invalidate = Effect.sync(() => {
    authCache.clear()
    keyCache.clear()
  })

  const byId = (id: number) =>
    sql<RunnerRow>`SELECT * FROM runner WHERE id = ${id}`.pipe(Effect.flatMap(single("runner")))

  const resolve = (ref: string) =>
    sql<RunnerRow>`SELECT * FROM runner WHERE ${isUuid(ref) ? sql`uuid = ${ref.toLowerCase()}` : sql`slug = ${ref}`}`.pipe(
      Effect.flatMap((rows) =>
        rows[0] === undefined
          ? Effect.fail(new NotFound({ message: `Runner not found: ${ref}` }))
          : Effect.succeed(rows[0])
      )
    )

  const specIdsOf = (runnerId: number) =>
    sql<{ spec_id: number }>`SELECT spec_id FROM runner_spec WHERE runner_id = ${runnerId}`.pipe(
      Effect.map((rows) => new Set(rows.map((r) => r.spec_id)))
    )

  const slugTaken = (slug: string, exceptId = -1) =>
    sql<{ id: number }>`SELECT id FROM runner WHERE slug = ${slug} AND id != ${exceptId}`.pipe(
      Effect.map((r) => r.length > 0)
    )

  const keyResponse = (row: RunnerRow, key: string) =>
    JsonRunnerKey.make(
      { uuid: row.uuid, name: row.name, slug: row.slug, key, created: toIso(row.created) },
      { disableValidation: true }
    )

  const create = (input: JsonNewRunner) =>
    sql.withTransaction(
      Effect.gen(function* () {
        const now = yield* Clock.currentTimeMillis
        const slug = input.slug ?? slugBase(input.name)
        if (yield* slugTaken(slug)) return yield* new Conflict({ message: `Runner slug already exists: ${slug}` })
        const linked: Array<SpecRow> = []
        for (const ref of input.specs ?? []) {
          linked.push(
            yield* specs.resolve(ref).pipe(Effect.mapError((e) => new BadRequest({ message: `specs: ${e.message}` })))
          )
        }
        const key = generateKey("runner")
        const row = yield* sql<RunnerRow>`INSERT INTO runner ${sql.insert({
          uuid: yield* newUuid,
          name: input.name,
          slug,
          key_hash: hashKey(key),
          created: now,
          modified: now
        })} RETURNING *`.pipe(Effect.flatMap(single("runner")))
        for (const spec of linked)
          yield* sql`INSERT OR IGNORE INTO runner_spec ${sql.insert({ runner_id: row.id, spec_id: spec.id })}`
        return keyResponse(row, key)
      })
    )

  const update = (runner: RunnerRow, patch: JsonUpdateRunner) =>
    Effect.gen(function* () {
      const now = yield* Clock.currentTimeMillis
      if (patch.slug !== undefined && patch.slug !== null && (yield* slugTaken(patch.slug, runner.id))) {
        return yield* new Conflict({ message: `Runner slug already exists: ${patch.slug}` })
      }
      const archived =
        patch.archived === undefined || patch.archived === null
          ? runner.archived
          : patch.archived
            ? (runner.archived ?? now)
            : null
      yield* sql`UPDATE runner SET ${sql.update({
        name: patch.name ?? runner.name,
        slug: patch.slug ?? runner.slug,
        archived,
        modified: now
      })} WHERE id = ${runner.id}`
      yield* invalidate
      return yield* byId(runner.id)
    })

  /** A new key; the old one stops working at once. */
  const rotateKey = (runner: RunnerRow) =>
    Effect.gen(function* () {
      const key = generateKey("runner")
      yield* sql`UPDATE runner SET key_hash = ${hashKey(key)}, modified = ${yield* Clock.currentTimeMillis} WHERE id = ${runner.id}`
      yield* invalidate
      return keyResponse(runner, key)
    })

  const list = (params: PageParams & { readonly archived?: boolean | undefined }) =>
    Effect.gen(function* () {
      const page = toPage(params)
      const archived = params.archived === true ? 1 : 0
      const [count] = yield* sql<{
        n: number
      }>`SELECT count(*) AS n FROM runner WHERE (archived IS NOT NULL) = ${archived}`
      const rows = yield* sql.unsafe<RunnerRow>(
        `SELECT * FROM runner WHERE (archived IS NOT NULL) = ? ORDER BY name ${page.direction}, id LIMIT ? OFFSET ?`,
        [archived, page.limit, page.offset]
      )
      return { rows, total: count?.n ?? 0 }
    })

  const specsOf = (runner: RunnerRow) =>
    sql<SpecRow>`SELECT spec.* FROM spec JOIN runner_spec ON runner_spec.spec_id = spec.id
      WHERE runner_spec.runner_id = ${runner.id} ORDER BY spec.name, spec.id`

  const addSpec = (runner: RunnerRow, spec: SpecRow) =>
    sql`INSERT OR IGNORE INTO runner_spec ${sql.insert({ runner_id: runner.id, spec_id: spec.id })}`.pipe(
      Effect.zipRight(invalidate)
    )

  const removeSpec = (runner: RunnerRow, spec: SpecRow) =>
    sql`DELETE FROM runner_spec WHERE runner_id = ${runner.id} AND spec_id = ${spec.id}`.pipe(
      Effect.zipRight(invalidate)
    )

  const ownedBy = (runner: AuthenticatedRunner, runnerRef: string | undefined) =>
    runnerRef !== undefined && runnerRef !== runner.slug && runnerRef.toLowerCase() !== runner.uuid
      ? Effect.fail(new Unauthorized({ message: "This runner key belongs to another runner" }))
      : Effect.succeed(runner)

  /**
   * The runner holding `key`, which must be a live (non-archived) runner and, when the caller names one (a path
   * `{runner}`), that same runner. Every failure is the same 401, so a probe learns nothing.
   */
  const authenticate = (key: string, runnerRef?: string): Effect.Effect<AuthenticatedRunner, Unauthorized> => {
    const known = keyCache.get(key)
    if (known !== undefined) return ownedBy(known, runnerRef)
    return Effect.gen(function* () {
      if (keyKind(key) !== "runner") return yield* invalidKey()
      const keyHash = hashKey(key)
      let runner = authCache.get(keyHash)
      if (runner === undefined) {
        const [row] = yield* sql<RunnerRow>`SELECT * FROM runner WHERE key_hash = ${keyHash} AND archived IS NULL`.pipe(
          Effect.orDie
        )
        if (row === undefined) return yield* invalidKey()
        runner = {
          id: row.id,
          uuid: row.uuid,
          slug: row.slug,
          keyHash: row.key_hash,
          specIds: yield* specIdsOf(row.id).pipe(Effect.orDie)
        }
        authCache.set(keyHash, runner)
      }
      if (!hashesEqual(runner.keyHash, keyHash)) return yield* invalidKey()
      const { keyHash: _, ...authenticated } = runner
      keyCache.set(key, authenticated)
      return yield* ownedBy(authenticated, runnerRef)
    })
  }

  return PersistenceError.refailService({
    byId,
    resolve,
    create,
    update,
    rotateKey,
    list,
    specsOf,
    addSpec,
    removeSpec,
    authenticate
  } as const)
})

export class Runners extends Context.Tag("bencher/runners/Runners")<Runners, Effect.Effect.Success<typeof make>>() {
  static readonly Live = Layer.effect(this, make)
}

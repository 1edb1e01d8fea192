import * as Reactivity from "@effect/experimental/Reactivity"
import { NodeContext } from "@effect/platform-node"
import { SqlClient } from "@effect/sql"
import { SqlError } from "@effect/sql/SqlError"
import { SqliteMigrator } from "@effect/sql-sqlite-node"
import Sqlite from "better-sqlite3"
import { Context, Effect, Layer, Schedule, Schema } from "effect"
import { closeSync, existsSync, openSync } from "node:fs"
import { PersistenceError } from "../domain/errors.js"
import { type Checkpointer, checkpointDriver, type CheckpointResult, makeCheckpointer } from "./checkpointer.js"
import { migrations } from "./migrations/index.js"
import * as MainSqliteClient from "./sqlite-client.js"

export class DatabaseOpenError extends Schema.TaggedError<DatabaseOpenError>()("DatabaseOpenError", {
  path: Schema.String,
  reason: Schema.String
}) {
  override get message(): string {
    return `cannot open database ${this.path}: ${this.reason}`
  }
}

/** A path that names a file on disk (not `:memory:`, an empty temporary database or a `file:` URI). */
const isPlainFile = (path: string): boolean => path !== "" && path !== ":memory:" && !path.startsWith("file:")

/**
 * Opens the file once before the SQL layers do, so a missing folder, a permission problem or a file that is
 * not SQLite is a typed error naming the path rather than a defect deep inside a layer. better-sqlite3
 * creates a missing file but never a missing folder, so nothing is created elsewhere. A new file is created
 * mode 0600 first (SQLite gives its -wal and -shm files the mode of the database); an existing one keeps its mode.
 */
export const checkDatabaseFile = (path: string): Effect.Effect<void, DatabaseOpenError> =>
  Effect.try({
    try: () => {
      if (isPlainFile(path) && !existsSync(path)) {
        try {
          closeSync(openSync(path, "wx", 0o600))
        } catch {
          // a missing folder or a racing creator: better-sqlite3 below says what is wrong, or opens the file
        }
      }
      const db = new Sqlite(path, { fileMustExist: false })
      try {
        db.pragma("schema_version")
      } finally {
        db.close()
      }
    },
    catch: (cause) => new DatabaseOpenError({ path, reason: cause instanceof Error ? cause.message : String(cause) })
  })

/**
 * busy_timeout 0: better-sqlite3 is synchronous, so SQLite's own busy wait would freeze the event loop and
 * deadlock the connection holding the lock (docs/reference.md §14, pitfall 5). Writers retry instead.
 */
const pragmas = Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient
  yield* sql.unsafe("PRAGMA busy_timeout = 0")
  yield* sql.unsafe("PRAGMA synchronous = NORMAL")
  yield* sql.unsafe("PRAGMA foreign_keys = ON")
})

export const isBusy = (failure: unknown): boolean => {
  // A service's storage failure keeps the SqlError: busy is busy whether or not a service refailed it.
  const error = failure instanceof PersistenceError ? failure.cause : failure
  if (!(error instanceof SqlError)) return false
  const cause: unknown = error.cause
  const code = typeof cause === "object" && cause !== null && "code" in cause ? String(cause.code) : ""
  return code.startsWith("SQLITE_BUSY") || code.startsWith("SQLITE_LOCKED")
}

const busyRetries = {
  while: isBusy,
  schedule: Schedule.exponential("1 millis").pipe(Schedule.union(Schedule.spaced("25 millis")), Schedule.jittered),
  times: 400
}

/**
 * Retries a whole write unit (a transaction or an autocommit statement) on SQLITE_BUSY and SQLITE_BUSY_SNAPSHOT,
 * yielding to the event loop between attempts instead of blocking it.
 */
export const retryBusy = <A, E, R>(self: Effect.Effect<A, E, R>): Effect.Effect<A, E, R> =>
  Effect.catchIf(self, isBusy, (busy) => {
    // The retry schedule is set up only once a unit met SQLITE_BUSY, which most never do (it cost 35 Effect
    // operations per unit). Its first attempt answers with the failure just seen, so the delays and the number
    // of retries are those of Effect.retry on `self`.
    let replayed = false
    return Effect.retry(
      Effect.suspend(() => {
        if (replayed) return self
        replayed = true
        return Effect.fail(busy)
      }),
      busyRetries
    )
  })

/** The dedicated background connection (heartbeats, timers, usage ledger): its own tag, never SqlClient. */
export class BackgroundSql extends Context.Tag("bencher/store/BackgroundSql")<BackgroundSql, SqlClient.SqlClient>() {}

/**
 * Where WAL checkpoints run: "worker" (the default) in a worker thread after writes, off the event loop;
 * "inline" inside the COMMIT that crosses SQLite's default threshold, as SQLite does by itself (the simulator,
 * which opens many short-lived stores and wants no threads; and the single-file binary, whose bundled driver a
 * worker cannot load).
 */
export type CheckpointMode = "worker" | "inline"

export interface StoreOptions {
  readonly checkpoints?: CheckpointMode | undefined
}

/** The store's checkpointer; in "inline" mode writes cue nothing and `checkpoint` runs on a short-lived connection. */
export class Checkpoints extends Context.Tag("bencher/store/Checkpoints")<Checkpoints, Checkpointer>() {}

/** "worker" falls back to "inline" where the worker cannot load the driver. */
const CheckpointsLive = (filename: string, mode: CheckpointMode) => {
  const driver = mode === "worker" ? checkpointDriver() : undefined
  return driver !== undefined
    ? Layer.scoped(Checkpoints, makeCheckpointer(filename, driver))
    : Layer.succeed(Checkpoints, {
        written: () => {},
        autocheckpointPages: undefined,
        checkpoint: Effect.sync(() => {
          const db = new Sqlite(filename)
          try {
            const [row] = db.pragma("wal_checkpoint(PASSIVE)") as Array<CheckpointResult>
            return row ?? { log: -1, checkpointed: -1, busy: 1 }
          } finally {
            db.close()
          }
        })
      })
}

const connectionPragmas = (checkpoints: Checkpointer) =>
  Effect.gen(function* () {
    yield* pragmas
    const pages = checkpoints.autocheckpointPages
    if (pages !== undefined)
      yield* SqlClient.SqlClient.pipe(Effect.flatMap((sql) => sql.unsafe(`PRAGMA wal_autocheckpoint = ${pages}`)))
  })

const MainSqlLive = (filename: string) =>
  Layer.unwrapEffect(
    Effect.map(Checkpoints, (checkpoints) =>
      Layer.effectDiscard(connectionPragmas(checkpoints)).pipe(
        Layer.provideMerge(MainSqliteClient.layer({ filename, onWrite: checkpoints.written }))
      )
    )
  )

const BackgroundSqlLive = (filename: string) =>
  Layer.scoped(
    BackgroundSql,
    Effect.gen(function* () {
      const checkpoints = yield* Checkpoints
      const { client } = yield* MainSqliteClient.make({ filename, onWrite: checkpoints.written })
      yield* connectionPragmas(checkpoints).pipe(Effect.provideService(SqlClient.SqlClient, client))
      return client
    })
  ).pipe(Layer.provide(Reactivity.layer))

/**
 * Migrations run with foreign keys off, as SQLite's procedure for rebuilding a table asks: with them on, dropping
 * the old copy of a table deletes its children by cascade. Each migration that rebuilds a table checks its
 * references itself (PRAGMA foreign_key_check) inside the migrator's transaction, so a broken one rolls back.
 * The connection gets foreign keys back whatever the outcome.
 */
const MigrationsLive = Layer.effectDiscard(
  Effect.flatMap(SqlClient.SqlClient, (sql) =>
    Effect.acquireUseRelease(
      sql.unsafe("PRAGMA foreign_keys = OFF"),
      () => SqliteMigrator.run({ loader: migrations }),
      () => Effect.orDie(sql.unsafe("PRAGMA foreign_keys = ON"))
    )
  )
).pipe(Layer.provide(NodeContext.layer))

/**
 * The store: a main connection (SqlClient) and a background connection (BackgroundSql) on one WAL file,
 * migrated before anything else uses it. Migrations are idempotent, so starting twice on one file is safe.
 */
export const StoreLive = (filename: string, options: StoreOptions = {}) => {
  const [check, checkpoints, main, background] = storeConnectionLayers(filename, options)
  return Layer.mergeAll(background, MigrationsLive).pipe(
    Layer.provideMerge(main),
    Layer.provideMerge(checkpoints),
    Layer.provide(check)
  )
}

/**
 * The store's parts without the migrator, each needing only those before it: the file check, the checkpointer,
 * the main and the background connection. The simulator builds them in this order on a file already migrated by
 * StoreLive (it copies one migrated template per seed and restarts its server many times, where the migrator's
 * check and its platform services were a seventh of each restart).
 */
export const storeConnectionLayers = (filename: string, options: StoreOptions = {}) =>
  [
    Layer.effectDiscard(checkDatabaseFile(filename)),
    CheckpointsLive(filename, options.checkpoints ?? "worker"),
    MainSqlLive(filename),
    BackgroundSqlLive(filename)
  ] as const

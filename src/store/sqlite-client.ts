import * as Reactivity from "@effect/experimental/Reactivity"
import * as Client from "@effect/sql/SqlClient"
import type { Connection } from "@effect/sql/SqlConnection"
import { SqlError } from "@effect/sql/SqlError"
import * as Statement from "@effect/sql/Statement"
import { SqliteClient } from "@effect/sql-sqlite-node"
import Sqlite from "better-sqlite3"
import { Context, Effect, Exit, type Fiber, FiberRef, Layer, Option, Scope } from "effect"

/** Runs synchronous better-sqlite3 work with prepared statements of the main connection. */
export type DirectWork<A> = (prepare: (sql: string) => Sqlite.Statement) => A

/**
 * Direct access to the main connection for bulk writes inside its transaction: thousands of rows through one
 * reused prepared statement each, with no effect, span or parameter array per row (a report of 1,000
 * benchmarks writes 3,000 rows). The work runs only inside a `withTransaction` of the main connection, so it
 * commits or rolls back with everything else the transaction wrote.
 */
export class DirectSqlite extends Context.Tag("bencher/store/DirectSqlite")<
  DirectSqlite,
  {
    readonly inTransaction: <A>(label: string, work: DirectWork<A>) => Effect.Effect<A, SqlError>
  }
>() {}

const ATTR_DB_SYSTEM_NAME = "db.system.name"

/**
 * The connection's mutual exclusion: a transaction holds it from BEGIN to COMMIT, and a statement outside a
 * transaction waits until it is free, so it never runs inside another fiber's transaction. It does what the
 * library's one-permit Semaphore did, but a free lock costs one synchronous step instead of an async take and
 * a release per statement (better-sqlite3 is synchronous, so the lock is free for nearly every statement).
 * As with Effect's Semaphore, a woken waiter takes the lock in its own fiber when it resumes, so a waiter
 * interrupted meanwhile never leaves it held.
 */
class ConnectionLock {
  private held = false
  private readonly waiters = new Set<() => void>()

  /** Takes the lock, waiting (interruptibly) while another fiber holds it. */
  readonly take: Effect.Effect<void> = Effect.suspend(() => {
    if (!this.held) {
      this.held = true
      return Effect.void
    }
    return Effect.async<void>((resume) => {
      const waiter = () => {
        this.waiters.delete(waiter)
        resume(this.take)
      }
      this.waiters.add(waiter)
      return Effect.sync(() => {
        this.waiters.delete(waiter)
      })
    })
  })

  /** Waits until no fiber holds the lock, without taking it. */
  readonly free: Effect.Effect<void> = Effect.suspend(() =>
    this.held
      ? Effect.zipRight(
          this.take,
          Effect.sync(() => this.release())
        )
      : Effect.void
  )

  isFree(): boolean {
    return !this.held
  }

  release(): void {
    this.held = false
    // Every waiter retries its take when it resumes (one wins, the others queue again), so a waiter interrupted
    // before it resumed cannot strand the rest.
    for (const waiter of [...this.waiters]) waiter()
  }
}

type AnyStatement = Statement.Statement<unknown>

const tracing = (fiber: Fiber.RuntimeFiber<unknown, unknown>) => fiber.getFiberRef(FiberRef.currentTracerEnabled)

/**
 * The client with statements and transactions that, when no tracer listens, run straight on their connection:
 * @effect/sql wraps each statement in a span, a scope and an acquire (about 60 Effect operations for one
 * synchronous call into better-sqlite3, the bulk of a request's cost) and each transaction in a span and a
 * scope (120). With the tracer on (spans wanted) or a statement transformer, the library's own path runs,
 * unchanged; so does a statement while another fiber's transaction holds the connection (it waits there).
 * Otherwise they do what the library does: a statement inside a transaction runs on the transaction's
 * connection, one outside on this client's; a transaction takes the lock, BEGINs, and COMMITs on success (a
 * failed COMMIT is a defect) or ROLLs BACK on failure or interruption; a nested one uses a SAVEPOINT.
 */
const untracedStatements = (
  library: Client.SqlClient,
  connection: Connection,
  lock: ConnectionLock,
  transformRows: (<A extends object>(row: ReadonlyArray<A>) => ReadonlyArray<A>) | undefined
): Client.SqlClient => {
  const run = (statement: AnyStatement, traced: () => Effect.Effect<ReadonlyArray<unknown>, SqlError>) =>
    Effect.withFiberRuntime<ReadonlyArray<unknown>, SqlError>((fiber) => {
      if (tracing(fiber) || Option.isSome(fiber.getFiberRef(Statement.currentTransformer))) return traced()
      const held = Context.getOption(fiber.currentContext, Client.TransactionConnection)
      const on = Option.isSome(held) ? held.value[0] : lock.isFree() ? connection : undefined
      if (on === undefined) return traced()
      const [sql, params] = statement.compile()
      return on.execute(sql, params, transformRows)
    })
  const untraced = <A>(made: A): A => {
    if (Effect.isEffect(made) && Statement.isFragment(made)) {
      const statement = made as unknown as AnyStatement
      // The library's own commit (the prototype's), kept for the traced and the waiting cases.
      const traced = Object.getPrototypeOf(statement).commit as (
        this: AnyStatement
      ) => Effect.Effect<ReadonlyArray<unknown>, SqlError>
      Object.defineProperty(statement, "commit", { value: () => run(statement, () => traced.call(statement)) })
    }
    return made
  }
  const control = (on: Connection, sql: string) => on.executeUnprepared(sql, [], undefined)
  const withTransaction = <A, E, R>(effect: Effect.Effect<A, E, R>): Effect.Effect<A, E | SqlError, R> =>
    Effect.withFiberRuntime((fiber) => {
      if (tracing(fiber)) return library.withTransaction(effect)
      return Effect.uninterruptibleMask((restore) => {
        const context = fiber.currentContext
        const held = Context.getOption(context, Client.TransactionConnection)
        const on = Option.isSome(held) ? held.value[0] : connection
        const id = Option.isSome(held) ? held.value[1] + 1 : 0
        const body = (id === 0 ? control(on, "BEGIN") : control(on, `SAVEPOINT effect_sql_${id}`)).pipe(
          Effect.zipRight(
            Effect.locally(
              restore(effect),
              FiberRef.currentContext,
              Context.add(context, Client.TransactionConnection, [on, id])
            )
          ),
          Effect.exit,
          Effect.flatMap((exit) => {
            const end = Exit.isSuccess(exit)
              ? id === 0
                ? Effect.orDie(control(on, "COMMIT"))
                : Effect.void
              : Effect.orDie(id > 0 ? control(on, `ROLLBACK TO SAVEPOINT effect_sql_${id}`) : control(on, "ROLLBACK"))
            return Effect.zipRight(
              Option.isSome(held)
                ? end
                : Effect.ensuring(
                    end,
                    Effect.sync(() => lock.release())
                  ),
              exit
            )
          })
        )
        return Option.isSome(held) ? body : Effect.zipRight(restore(lock.take), body)
      })
    })
  const sql = function (this: unknown, ...args: Parameters<Client.SqlClient>) {
    return untraced(library.apply(this, args))
  }
  const client = Object.assign(sql, library, {
    unsafe: (query: string, params?: ReadonlyArray<unknown>) => untraced(library.unsafe(query, params)),
    withTransaction
  }) as unknown as Client.SqlClient
  return Object.assign(client, { safe: client })
}

/** Statements of fixed text that @effect/sql runs "unprepared" on every transaction: prepared once instead. */
const TRANSACTION_CONTROL = /^(BEGIN|COMMIT|ROLLBACK|SAVEPOINT effect_sql_\d+|ROLLBACK TO SAVEPOINT effect_sql_\d+)$/

/**
 * @effect/sql-sqlite-node 0.53's SqliteClient.make, with the same behaviour but cheaper statements (see
 * ConnectionLock and untracedStatements), keeping the better-sqlite3 handle, which the library does not expose,
 * for DirectSqlite, and the `onWrite` hook. The client is registered under the library's SqliteClient tag, so the
 * migrator and everything else see the same client.
 */
export interface ClientConfig extends SqliteClient.SqliteClientConfig {
  /** Called after each statement that may write (the checkpointer's cue); never while only reading. */
  readonly onWrite?: (() => void) | undefined
}

export const make = (options: ClientConfig) =>
  Effect.gen(function* () {
    const compiler = Statement.makeCompilerSqlite(options.transformQueryNames)
    const transformRows = options.transformResultNames
      ? Statement.defaultTransforms(options.transformResultNames).array
      : undefined
    const scope = yield* Effect.scope
    const db = new Sqlite(options.filename, { readonly: options.readonly ?? false })
    yield* Scope.addFinalizer(
      scope,
      Effect.sync(() => db.close())
    )
    if (options.disableWAL !== true) db.pragma("journal_mode = WAL")

    // Prepared statements by text, least recently used first. A plain Map instead of the library's Effect Cache:
    // preparing is synchronous, so a lookup needs no effect, no hashing of the text and no deferred.
    const capacity = options.prepareCacheSize ?? 200
    const prepared = new Map<string, Sqlite.Statement>()
    const prepareCached = (sql: string): Sqlite.Statement => {
      let statement = prepared.get(sql)
      if (statement !== undefined) {
        prepared.delete(sql)
      } else {
        statement = db.prepare(sql)
        if (prepared.size >= capacity) {
          const oldest = prepared.keys().next()
          if (oldest.done !== true) prepared.delete(oldest.value)
        }
      }
      prepared.set(sql, statement)
      return statement
    }
    const runStatement = (prepare: () => Sqlite.Statement, params: ReadonlyArray<unknown>, raw: boolean) =>
      Effect.withFiberRuntime<ReadonlyArray<unknown> | Sqlite.RunResult, SqlError>((fiber) => {
        let statement: Sqlite.Statement
        try {
          statement = prepare()
        } catch (cause) {
          return Effect.fail(new SqlError({ cause, message: "Failed to prepare statement " }))
        }
        if (Context.get(fiber.currentContext, Client.SafeIntegers)) statement.safeIntegers(true)
        try {
          if (statement.reader) return Effect.succeed(statement.all(...params))
          const result = statement.run(...params)
          options.onWrite?.()
          return Effect.succeed(raw ? result : [])
        } catch (cause) {
          return Effect.fail(new SqlError({ cause, message: "Failed to execute statement" }))
        }
      })
    const run = (sql: string, params: ReadonlyArray<unknown>, raw = false) =>
      runStatement(() => prepareCached(sql), params, raw)
    const runValues = (sql: string, params: ReadonlyArray<unknown>) =>
      Effect.try({
        try: () => {
          const statement = prepareCached(sql)
          if (!statement.reader) {
            statement.run(...params)
            options.onWrite?.()
            return []
          }
          statement.raw(true)
          try {
            return statement.all(...params) as ReadonlyArray<ReadonlyArray<unknown>>
          } finally {
            statement.raw(false)
          }
        },
        catch: (cause) => new SqlError({ cause, message: "Failed to execute statement" })
      })
    const connection: Connection = {
      execute: (sql, params, rowsTransform) =>
        (rowsTransform
          ? Effect.map(run(sql, params), (rows) => rowsTransform(rows as ReadonlyArray<object>))
          : run(sql, params)) as Effect.Effect<ReadonlyArray<never>, SqlError>,
      executeRaw: (sql, params) => run(sql, params, true),
      executeValues: (sql, params) => runValues(sql, params),
      executeUnprepared: (sql, params, rowsTransform) => {
        const prepare = TRANSACTION_CONTROL.test(sql) ? () => prepareCached(sql) : () => db.prepare(sql)
        const effect = runStatement(prepare, params, false) as Effect.Effect<ReadonlyArray<object>, SqlError>
        return (rowsTransform ? Effect.map(effect, rowsTransform) : effect) as Effect.Effect<
          ReadonlyArray<never>,
          SqlError
        >
      },
      executeStream: () => Effect.dieMessage("executeStream not implemented") as never
    }

    const lock = new ConnectionLock()
    const acquirer = Effect.as(lock.free, connection)
    const transactionAcquirer = Effect.uninterruptibleMask((restore) =>
      Effect.as(
        Effect.zipRight(
          restore(lock.take),
          Effect.tap(Effect.scope, (s) =>
            Scope.addFinalizer(
              s,
              Effect.sync(() => lock.release())
            )
          )
        ),
        connection
      )
    )
    const library = yield* Client.make({
      acquirer,
      compiler,
      transactionAcquirer,
      spanAttributes: [
        ...(options.spanAttributes ? Object.entries(options.spanAttributes) : []),
        [ATTR_DB_SYSTEM_NAME, "sqlite"]
      ],
      transformRows
    })
    const base = untracedStatements(library, connection, lock, transformRows)
    const client = Object.assign(base, {
      [SqliteClient.TypeId]: SqliteClient.TypeId,
      config: options,
      export: Effect.flatMap(acquirer, () =>
        Effect.try({
          try: () => db.serialize(),
          catch: (cause) => new SqlError({ cause, message: "Failed to export database" })
        })
      ),
      backup: (destination: string) =>
        Effect.flatMap(acquirer, () =>
          Effect.tryPromise({
            try: () => db.backup(destination),
            catch: (cause) => new SqlError({ cause, message: "Failed to backup database" })
          })
        ),
      loadExtension: (path: string) =>
        Effect.flatMap(acquirer, () =>
          Effect.tap(
            Effect.try({
              try: () => db.loadExtension(path),
              catch: (cause) => new SqlError({ cause, message: "Failed to load extension" })
            }),
            () => Effect.sync(() => prepared.clear())
          )
        )
    }) as unknown as SqliteClient.SqliteClient

    // Statements of direct work, prepared once per text for the connection's lifetime (a handful of INSERTs).
    const direct = new Map<string, Sqlite.Statement>()
    const prepare = (sql: string): Sqlite.Statement => {
      let statement = direct.get(sql)
      if (statement === undefined) {
        statement = db.prepare(sql)
        direct.set(sql, statement)
      }
      return statement
    }
    const inTransaction = <A>(label: string, work: DirectWork<A>): Effect.Effect<A, SqlError> =>
      Effect.flatMap(Effect.serviceOption(Client.TransactionConnection), (held) => {
        // Only the fiber holding this connection's transaction may touch the handle: it then has the connection
        // to itself, and its writes share the transaction's fate.
        if (Option.isNone(held) || held.value[0] !== connection) {
          return Effect.dieMessage(`${label}: direct SQLite work outside a transaction of the main connection`)
        }
        return Effect.try({
          try: () => {
            const result = work(prepare)
            options.onWrite?.()
            return result
          },
          catch: (cause) => new SqlError({ cause, message: `Failed to execute ${label}` })
        }).pipe(
          Effect.withSpan("sql.execute", {
            kind: "client",
            captureStackTrace: false,
            attributes: { [ATTR_DB_SYSTEM_NAME]: "sqlite", "db.operation.name": label }
          })
        )
      })

    return { client, direct: { inTransaction } } as const
  })

/** The main connection: SqliteClient and SqlClient as the library's layer provides them, plus DirectSqlite. */
export const layer = (config: ClientConfig) =>
  Layer.scopedContext(
    Effect.map(make(config), ({ client, direct }) =>
      Context.make(SqliteClient.SqliteClient, client).pipe(
        Context.add(Client.SqlClient, client),
        Context.add(DirectSqlite, direct)
      )
    )
  ).pipe(Layer.provide(Reactivity.layer))

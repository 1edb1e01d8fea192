import { Context, Effect, Either, Option, Schema } from "effect"

// The body of every error matches Bencher's `Error` schema ({message, request_id}); `_tag` is an extra field.
const errorFields = {
  message: Schema.String,
  request_id: Schema.optionalWith(Schema.String, { default: () => crypto.randomUUID() })
}

// What a caller can act on. The HTTP status of each is declared where the API uses it (src/api, `.addError`).
export class BadRequest extends Schema.TaggedError<BadRequest>()("BadRequest", errorFields) {}
export class Unauthorized extends Schema.TaggedError<Unauthorized>()("Unauthorized", errorFields) {}
export class Forbidden extends Schema.TaggedError<Forbidden>()("Forbidden", errorFields) {}
export class NotFound extends Schema.TaggedError<NotFound>()("NotFound", errorFields) {}
export class Conflict extends Schema.TaggedError<Conflict>()("Conflict", errorFields) {}
export class TooManyRequests extends Schema.TaggedError<TooManyRequests>()("TooManyRequests", errorFields) {}
export class InternalError extends Schema.TaggedError<InternalError>()("InternalError", errorFields) {}

type SqlFailure = { readonly _tag: "SqlError" }

const isSqlFailure = (e: unknown): e is SqlFailure =>
  typeof e === "object" && e !== null && "_tag" in e && e._tag === "SqlError"

/** `E` with the store's SqlError replaced by PersistenceError. */
export type Refailed<E> = Exclude<E, SqlFailure> | ([Extract<E, SqlFailure>] extends [never] ? never : PersistenceError)

/** A service whose methods fail with PersistenceError where they used to fail with SqlError. */
export type RefailedService<S> = {
  readonly [K in keyof S]: S[K] extends (...args: infer P) => Effect.Effect<infer A, infer E, infer R>
    ? (...args: P) => Effect.Effect<A, Refailed<E>, R>
    : S[K] extends Effect.Effect<infer A, infer E, infer R>
      ? Effect.Effect<A, Refailed<E>, R>
      : S[K]
}

// Options, Eithers and tags are Effects too; only effects that run are refailed.
const runs = (value: unknown): value is Effect.Effect<unknown, unknown, unknown> =>
  Effect.isEffect(value) && !Option.isOption(value) && !Either.isEither(value) && !Context.isTag(value)

/**
 * A storage failure: a bug or an outage, never the caller's fault. Each service turns the SqlError of its
 * queries into this where it enters (`refail`, or `refailService` over the whole implementation), so callers
 * see one error for storage. The cause stays for the log and for the busy retry; clients never see it.
 */
export class PersistenceError extends Schema.TaggedError<PersistenceError>()("PersistenceError", {
  cause: Schema.Defect
}) {
  static refail<A, E, R>(effect: Effect.Effect<A, E, R>): Effect.Effect<A, Refailed<E>, R> {
    return Effect.catchIf(effect, isSqlFailure, (cause) =>
      Effect.fail(new PersistenceError({ cause }))
    ) as Effect.Effect<A, Refailed<E>, R>
  }

  /** `refail` applied to every method (and every effect) of a service's implementation. */
  static refailService<S extends object>(service: S): RefailedService<S> {
    const out: Record<string, unknown> = {}
    for (const [key, value] of Object.entries(service)) {
      out[key] =
        typeof value === "function"
          ? (...args: Array<unknown>) => {
              const result: unknown = value(...args)
              return runs(result) ? PersistenceError.refail(result) : result
            }
          : runs(value)
            ? PersistenceError.refail(value)
            : value
    }
    return out as RefailedService<S>
  }
}

import { describe, expect, it } from "@effect/vitest"
import { SqlError } from "@effect/sql/SqlError"
import { Effect, Either, Option, Schema } from "effect"
import { InternalServerError } from "../../src/api/errors.js"
import { NotFound, PersistenceError } from "../../src/domain/errors.js"
import { isBusy } from "../../src/store/database.js"

const sqlError = (code = "SQLITE_IOERR") =>
  new SqlError({ cause: { code, message: "disk I/O error" }, message: "failed" })

describe("PersistenceError", () => {
  it.effect("refail turns a SqlError into PersistenceError and leaves other failures alone", () =>
    Effect.gen(function* () {
      const cause = sqlError()
      const refailed = yield* Effect.flip(PersistenceError.refail(Effect.fail(cause)))
      expect(refailed).toBeInstanceOf(PersistenceError)
      expect(refailed.cause).toBe(cause)
      const notFound = new NotFound({ message: "Project not found: p" })
      expect(yield* Effect.flip(PersistenceError.refail(Effect.fail(notFound)))).toBe(notFound)
    })
  )

  it.effect("refailService refails every method and effect, and leaves plain values and functions as they are", () =>
    Effect.gen(function* () {
      const service = PersistenceError.refailService({
        find: (_: string) => Effect.fail(sqlError()),
        invalidate: Effect.fail(sqlError()),
        name: (s: string) => s.toUpperCase(),
        option: Option.some(1),
        limit: 3
      })
      expect(yield* Effect.flip(service.find("p"))).toBeInstanceOf(PersistenceError)
      expect(yield* Effect.flip(service.invalidate)).toBeInstanceOf(PersistenceError)
      expect(service.name("a")).toBe("A")
      expect(service.option).toEqual(Option.some(1))
      expect(service.limit).toBe(3)
    })
  )

  it("is busy when its SqlError is, so a refailed write unit is still retried", () => {
    expect(isBusy(new PersistenceError({ cause: sqlError("SQLITE_BUSY") }))).toBe(true)
    expect(isBusy(new PersistenceError({ cause: sqlError() }))).toBe(false)
  })

  it.effect("answers 500 with InternalError's body, never its cause", () =>
    Effect.gen(function* () {
      const body = yield* Schema.encode(InternalServerError)(new PersistenceError({ cause: sqlError() }))
      expect(body).toMatchObject({ _tag: "InternalError", message: "Internal server error" })
      expect(Object.keys(body).sort()).toEqual(["_tag", "message", "request_id"])
      const decoded = Schema.decodeUnknownEither(InternalServerError)(body)
      expect(Either.isRight(decoded) && decoded.right._tag).toBe("InternalError")
    })
  )
})

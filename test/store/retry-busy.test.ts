import { describe, expect, it } from "@effect/vitest"
import { SqlError } from "@effect/sql/SqlError"
import { Effect, Fiber, TestClock } from "effect"
import { retryBusy } from "../../src/store/database.js"

const busy = () =>
  new SqlError({ cause: { code: "SQLITE_BUSY_SNAPSHOT", message: "database is locked" }, message: "busy" })

/** A unit of work that fails with the given errors, one per attempt, then succeeds; it counts its attempts. */
const unit = (failures: ReadonlyArray<unknown>) => {
  let attempts = 0
  const effect = Effect.suspend(() => {
    const failure = failures[attempts++]
    return failure === undefined ? Effect.succeed("done" as const) : Effect.fail(failure)
  })
  return { effect, attempts: () => attempts }
}

describe("retryBusy", () => {
  it.live("runs a unit once when it meets no SQLITE_BUSY", () =>
    Effect.gen(function* () {
      const u = unit([])
      expect(yield* retryBusy(u.effect)).toBe("done")
      expect(u.attempts()).toBe(1)
    })
  )

  it.live("re-runs the whole unit after each SQLITE_BUSY until it succeeds", () =>
    Effect.gen(function* () {
      const u = unit([busy(), busy(), busy()])
      expect(yield* retryBusy(u.effect)).toBe("done")
      expect(u.attempts()).toBe(4)
    })
  )

  it.live("passes any other failure through at once, also after a busy retry", () =>
    Effect.gen(function* () {
      const first = unit(["bad input"])
      expect(yield* Effect.flip(retryBusy(first.effect))).toBe("bad input")
      expect(first.attempts()).toBe(1)
      const later = unit([busy(), "bad input"])
      expect(yield* Effect.flip(retryBusy(later.effect))).toBe("bad input")
      expect(later.attempts()).toBe(2)
    })
  )

  it.effect("gives up after 400 retries with the last SQLITE_BUSY", () =>
    Effect.gen(function* () {
      const u = unit(Array.from({ length: 1000 }, busy))
      const retrying = yield* Effect.fork(Effect.flip(retryBusy(u.effect)))
      // ~25 ms between retries: the test clock runs the 400 waits without real time passing.
      yield* TestClock.adjust("1 hour")
      const error = yield* Fiber.join(retrying)
      expect(error).toBeInstanceOf(SqlError)
      expect(u.attempts()).toBe(401)
    })
  )
})

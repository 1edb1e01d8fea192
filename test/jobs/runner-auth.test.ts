import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { generateKey } from "../../src/domain/keys.js"
import { Runners } from "../../src/runners/runners.js"
import { Specs } from "../../src/runners/specs.js"
import { makeStatementCounter } from "../../src/store/statement-count.js"
import { buildWorld, runnerFor, spec, worldFile } from "./world.js"

describe("runner key authentication", () => {
  it.scoped("answers a known key from memory, and forgets it when the key rotates or the runner changes", () =>
    Effect.gen(function* () {
      const counter = yield* makeStatementCounter
      const ctx = yield* buildWorld(yield* worldFile)
      yield* Effect.gen(function* () {
        yield* spec("Small", true)
        yield* spec("Big")
        const runners = yield* Runners
        const { key, runner } = yield* runnerFor("box", ["small"])
        const before = counter.count()
        for (let i = 0; i < 3; i++) expect(yield* runners.authenticate(key)).toEqual(runner)
        expect(counter.count()).toBe(before)
        expect((yield* Effect.flip(runners.authenticate(key, "other-runner")))._tag).toBe("Unauthorized")
        // Only a runner key opens the runner channel, whatever key a user or project holds.
        expect((yield* Effect.flip(runners.authenticate(generateKey("user"))))._tag).toBe("Unauthorized")
        expect((yield* Effect.flip(runners.authenticate(generateKey("runner"))))._tag).toBe("Unauthorized")

        // A spec link change reaches the next message on an already-authenticated key.
        const row = yield* runners.resolve("box")
        yield* runners.addSpec(row, yield* (yield* Specs).resolve("big"))
        expect([...(yield* runners.authenticate(key)).specIds].length).toBe(2)

        const rotated = yield* runners.rotateKey(row)
        expect((yield* Effect.flip(runners.authenticate(key)))._tag).toBe("Unauthorized")
        expect((yield* runners.authenticate(rotated.key)).id).toBe(runner.id)

        yield* runners.update(yield* runners.resolve("box"), { archived: true })
        expect((yield* Effect.flip(runners.authenticate(rotated.key)))._tag).toBe("Unauthorized")
      }).pipe(Effect.provide(ctx), Effect.withTracer(counter.tracer))
    })
  )
})

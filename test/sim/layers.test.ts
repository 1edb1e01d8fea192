import { describe, expect, it } from "@effect/vitest"
import { Context, Effect, Layer, Option } from "effect"
import { inOrder } from "../../src/app/layers.js"

class Counter extends Context.Tag("test/Counter")<Counter, { readonly n: number }>() {}
class Doubled extends Context.Tag("test/Doubled")<Doubled, { readonly n: number }>() {}
class Tripled extends Context.Tag("test/Tripled")<Tripled, { readonly n: number }>() {}
class Outside extends Context.Tag("test/Outside")<Outside, string>() {}

describe("inOrder", () => {
  it.scoped(
    "builds each layer with the services of those before it, a shared layer once, and outputs only what it built",
    () =>
      Effect.gen(function* () {
        let counterBuilds = 0
        const finalized: Array<string> = []
        const counter = Layer.scoped(
          Counter,
          Effect.acquireRelease(
            Effect.sync(() => ({ n: ++counterBuilds * 10 })),
            () => Effect.sync(() => finalized.push("counter"))
          )
        )
        const doubled = Layer.effect(
          Doubled,
          Effect.map(Counter, (c) => ({ n: c.n * 2 }))
        )
        // Needs Counter too: the same layer value, so the build's MemoMap hands back the instance already built.
        const tripled = Layer.effect(
          Tripled,
          Effect.map(Counter, (c) => ({ n: c.n * 3 }))
        ).pipe(Layer.provide(counter))
        const stack = inOrder(counter, doubled, tripled).pipe(Layer.provide(Layer.succeed(Outside, "given")))
        const scope = yield* Effect.scope
        const context = yield* Layer.buildWithScope(stack, scope)
        expect(Context.get(context, Doubled).n).toBe(20)
        expect(Context.get(context, Tripled).n).toBe(30)
        expect(counterBuilds).toBe(1)
        expect(Option.isNone(Context.getOption(context as Context.Context<unknown>, Outside))).toBe(true)
        expect(finalized).toEqual([])
      })
  )

  it.effect("releases what it built when its scope closes", () =>
    Effect.gen(function* () {
      const finalized: Array<string> = []
      const resource = (name: string) =>
        Layer.scopedDiscard(Effect.acquireRelease(Effect.void, () => Effect.sync(() => finalized.push(name))))
      yield* Effect.scoped(Layer.build(inOrder(resource("first"), resource("second"))))
      // Later layers were built on the earlier ones, so they are released first.
      expect(finalized).toEqual(["second", "first"])
    })
  )
})

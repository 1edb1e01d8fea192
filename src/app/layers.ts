import { Context, Effect, Layer } from "effect"

type Layers = readonly [Layer.Layer.Any, ...Array<Layer.Layer.Any>]

/**
 * Builds layers one after another on the current build's MemoMap, each seeing the services of those before it,
 * and provides all of them: what a chain of `Layer.provideMerge` does, in a quarter of the Effect operations
 * (a chain pays ~650 operations per level to build and tear down, a build in order ~170). The simulator
 * rebuilds its whole server at every simulated restart, where that difference was a third of the restart.
 * A layer listed before one it needs fails the build with the missing service, as an unprovided layer would.
 */
export const inOrder = <const L extends Layers>(
  ...layers: L
): Layer.Layer<
  { [K in keyof L]: Layer.Layer.Success<L[K]> }[number],
  { [K in keyof L]: Layer.Layer.Error<L[K]> }[number],
  Exclude<{ [K in keyof L]: Layer.Layer.Context<L[K]> }[number], { [K in keyof L]: Layer.Layer.Success<L[K]> }[number]>
> =>
  Layer.scopedContext(
    Effect.gen(function* () {
      const scope = yield* Effect.scope
      const memoMap = yield* Layer.CurrentMemoMap
      // Only what the layers build: the caller's own services (and this layer's scope) stay out of the output.
      let built = Context.empty() as Context.Context<unknown>
      for (const layer of layers) {
        // Each layer's requirements are checked by the signature above as a whole, not one by one: erased here.
        const next = yield* Effect.provide(
          Layer.buildWithMemoMap(layer as Layer.Layer<unknown, unknown, unknown>, memoMap, scope),
          built
        )
        built = Context.merge(built, next)
      }
      return built
    })
  ) as never

import { HttpApiBuilder } from "@effect/platform"
import { Effect } from "effect"
import { BencherApi } from "../../api/index.js"
import { BadRequest, NotFound } from "../../domain/errors.js"
import { Access } from "../../identity/access.js"
import { CurrentActor } from "../../domain/actor.js"
import { Runners, runnerJson } from "../../runners/runners.js"
import { Specs, specJson } from "../../runners/specs.js"
import { setTotalCount } from "../../store/pagination.js"

const asAdmin = Effect.gen(function* () {
  yield* (yield* Access).admin(yield* CurrentActor)
})

const specInBody = <A, E, R>(effect: Effect.Effect<A, E | NotFound, R>) =>
  Effect.catchIf(
    effect,
    (e): e is NotFound => e instanceof NotFound,
    (e) => Effect.fail(new BadRequest({ message: `spec: ${e.message}` }))
  )

export const SpecsHandlersLive = HttpApiBuilder.group(BencherApi, "specs", (handlers) =>
  Effect.gen(function* () {
    const specs = yield* Specs
    return handlers
      .handle("list", ({ urlParams }) =>
        Effect.gen(function* () {
          yield* asAdmin
          const { rows, total } = yield* specs.list(urlParams)
          yield* setTotalCount(total)
          return rows.map(specJson)
        })
      )
      .handle("create", ({ payload }) => asAdmin.pipe(Effect.zipRight(specs.create(payload)), Effect.map(specJson)))
      .handle("view", ({ path }) => asAdmin.pipe(Effect.zipRight(specs.resolve(path.spec)), Effect.map(specJson)))
      .handle("update", ({ path, payload }) =>
        Effect.gen(function* () {
          yield* asAdmin
          return specJson(yield* specs.update(yield* specs.resolve(path.spec), payload))
        })
      )
      .handle("remove", ({ path }) =>
        Effect.gen(function* () {
          yield* asAdmin
          yield* specs.remove(yield* specs.resolve(path.spec))
        })
      )
  })
)

export const RunnersHandlersLive = HttpApiBuilder.group(BencherApi, "runners", (handlers) =>
  Effect.gen(function* () {
    const runners = yield* Runners
    const specs = yield* Specs
    return handlers
      .handle("list", ({ urlParams }) =>
        Effect.gen(function* () {
          yield* asAdmin
          const { rows, total } = yield* runners.list(urlParams)
          yield* setTotalCount(total)
          return rows.map(runnerJson)
        })
      )
      .handle("create", ({ payload }) => asAdmin.pipe(Effect.zipRight(runners.create(payload))))
      .handle("view", ({ path }) => asAdmin.pipe(Effect.zipRight(runners.resolve(path.runner)), Effect.map(runnerJson)))
      .handle("update", ({ path, payload }) =>
        Effect.gen(function* () {
          yield* asAdmin
          return runnerJson(yield* runners.update(yield* runners.resolve(path.runner), payload))
        })
      )
      .handle("rotateKey", ({ path }) =>
        Effect.gen(function* () {
          yield* asAdmin
          return yield* runners.rotateKey(yield* runners.resolve(path.runner))
        })
      )
      .handle("listSpecs", ({ path }) =>
        Effect.gen(function* () {
          yield* asAdmin
          return (yield* runners.specsOf(yield* runners.resolve(path.runner))).map(specJson)
        })
      )
      .handle("addSpec", ({ path, payload }) =>
        Effect.gen(function* () {
          yield* asAdmin
          const runner = yield* runners.resolve(path.runner)
          const spec = yield* specInBody(specs.resolve(payload.spec))
          yield* runners.addSpec(runner, spec)
          return specJson(spec)
        })
      )
      .handle("removeSpec", ({ path }) =>
        Effect.gen(function* () {
          yield* asAdmin
          const runner = yield* runners.resolve(path.runner)
          yield* runners.removeSpec(runner, yield* specs.resolve(path.spec))
        })
      )
  })
)

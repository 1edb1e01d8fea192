import { HttpApiBuilder, HttpServerRequest } from "@effect/platform"
import { Effect, Option } from "effect"
import { BencherApi } from "../../api/index.js"
import { Unauthorized } from "../../domain/errors.js"
import { Access } from "../../identity/access.js"
import { CurrentActor } from "../../domain/actor.js"
import { RunnerChannel } from "../../jobs/channel.js"
import { Jobs } from "../../jobs/jobs.js"
import { visibilityOf } from "../../identity/project-ref.js"
import { Runners } from "../../runners/runners.js"
import { setTotalCount } from "../../store/pagination.js"
import { projectWith } from "./support.js"

/** Raw job output is for project developers, not every viewer of a public project. */
const mayReadOutput = (project: {
  readonly id: number
  readonly organization_id: number
  readonly visibility: number
}) =>
  Effect.gen(function* () {
    const access = yield* Access
    const actor = yield* CurrentActor
    return yield* access
      .project(
        actor,
        { id: project.id, organizationId: project.organization_id, visibility: visibilityOf(project.visibility) },
        "inspect"
      )
      .pipe(
        Effect.as(true),
        Effect.orElseSucceed(() => false)
      )
  })

export const JobsHandlersLive = HttpApiBuilder.group(BencherApi, "jobs", (handlers) =>
  Effect.gen(function* () {
    const jobs = yield* Jobs
    return handlers
      .handle("list", ({ path, urlParams }) =>
        Effect.gen(function* () {
          const project = yield* projectWith(path.project, "view")
          const output = yield* mayReadOutput(project)
          const { rows, total } = yield* jobs.list(project.id, urlParams)
          yield* setTotalCount(total)
          return yield* Effect.forEach(rows, (row) => jobs.toJson(row, { output, config: false }))
        })
      )
      .handle("view", ({ path }) =>
        Effect.gen(function* () {
          const project = yield* projectWith(path.project, "view")
          const output = yield* mayReadOutput(project)
          return yield* jobs.toJson(yield* jobs.find(project.id, path.job), { output, config: false })
        })
      )
      .handle("cancel", ({ path }) =>
        Effect.gen(function* () {
          const project = yield* projectWith(path.project, "edit")
          const row = yield* jobs.cancel(yield* jobs.find(project.id, path.job))
          return yield* jobs.toJson(row, { output: false, config: false })
        })
      )
  })
)

/** `Authorization: Bearer <key>`, or undefined. */
export const bearerOf = (header: string | undefined): string | undefined => {
  const match = /^Bearer\s+(\S+)$/i.exec(header ?? "")
  return match?.[1]
}

export const RunnerJobsHandlersLive = HttpApiBuilder.group(BencherApi, "runnerJobs", (handlers) =>
  Effect.gen(function* () {
    const runners = yield* Runners
    const channel = yield* RunnerChannel
    return handlers.handle("claim", ({ path, payload }) =>
      Effect.gen(function* () {
        const request = yield* HttpServerRequest.HttpServerRequest
        const key = bearerOf(request.headers["authorization"])
        if (key === undefined)
          return yield* new Unauthorized({
            message: "A runner key is required: Authorization: Bearer bencher_runner_..."
          })
        const runner = yield* runners.authenticate(key, path.runner)
        const job = yield* channel.claim(runner, payload.poll_timeout).pipe(Effect.orDie)
        return Option.getOrUndefined(job)
      })
    )
  })
)

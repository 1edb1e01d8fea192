import { Effect, Layer, Option, Stream } from "effect"
import {
  FollowerAuth,
  JOB_EVENTS_RPC_PATH,
  JobEventsRpcs,
  JobOutputEvent,
  JobStatusEvent
} from "../api/job-events-rpc.js"
import { isTerminal, type JobStatus } from "../domain/job.js"
import { toIso } from "../domain/time.js"
import { Access } from "../identity/access.js"
import { CurrentActor } from "../domain/actor.js"
import { makeResolveActor } from "../identity/authentication-live.js"
import { visibilityOf } from "../identity/project-ref.js"
import { type JobEvent, JobEvents, type JobStatusChange } from "../jobs/events.js"
import { Jobs } from "../jobs/jobs.js"
import { JobLifecycle } from "../jobs/lifecycle.js"
import { statusOf } from "../jobs/job-row.js"
import { Projects } from "../projects/projects.js"
import type { JsonReport } from "../domain/report.js"
import { ReportViews } from "../reports/views.js"
import { Runners } from "../runners/runners.js"
import { rpcRoutes } from "./rpc-routes.js"

/** The REST API's credentials, taken from the upgrade request (the RPC server copies its headers into messages). */
export const FollowerAuthLive = Layer.effect(
  FollowerAuth,
  Effect.map(
    makeResolveActor,
    (resolve) =>
      ({ headers }) =>
        resolve(headers["authorization"], "rpc")
  )
)

/** Order of the non-terminal statuses: a follower never sees a job go back (a stale live event after the snapshot). */
const rank: Record<JobStatus, number> = {
  pending: 0,
  claimed: 1,
  running: 2,
  completed: 3,
  processed: 4,
  failed: 4,
  canceled: 4
}

export const JobEventsHandlersLive = JobEventsRpcs.toLayer(
  Effect.gen(function* () {
    const events = yield* JobEvents
    const jobs = yield* Jobs
    const lifecycle = yield* JobLifecycle
    const projects = yield* Projects
    const runners = yield* Runners
    const access = yield* Access
    const views = yield* ReportViews

    // A job has one runner: its name is read once per server, not once per event and follower.
    const runnerNames = new Map<number, string>()
    const runnerName = (runnerId: number | null): Effect.Effect<string | null> => {
      if (runnerId === null) return Effect.succeed(null)
      const known = runnerNames.get(runnerId)
      if (known !== undefined) return Effect.succeed(known)
      return runners.byId(runnerId).pipe(
        Effect.tap((r) => Effect.sync(() => runnerNames.set(runnerId, r.slug))),
        Effect.map((r) => r.slug),
        Effect.orElseSucceed(() => null)
      )
    }

    const statusEvent = (
      change: Pick<JobStatusChange, "uuid" | "status" | "runnerId" | "error" | "at">,
      reportOf: Effect.Effect<JsonReport | null>
    ) =>
      Effect.gen(function* () {
        const runner = yield* runnerName(change.runnerId)
        const report = change.status === "processed" ? yield* reportOf : null
        return new JobStatusEvent({
          job: change.uuid,
          status: change.status,
          runner,
          error: change.error,
          at: toIso(change.at),
          report
        })
      })

    return {
      Follow: ({ project, job }) =>
        Stream.unwrapScoped(
          Effect.gen(function* () {
            const actor = yield* CurrentActor
            const found = yield* projects.resolve(project)
            const ref = {
              id: found.id,
              organizationId: found.organization_id,
              visibility: visibilityOf(found.visibility)
            }
            yield* access.project(actor, ref, "view")
            // Output is raw job output: for those who may inspect the project, as with GET .../jobs/{job}'s `output`.
            const mayInspect = yield* access.project(actor, ref, "inspect").pipe(
              Effect.as(true),
              Effect.orElseSucceed(() => false)
            )
            const row = yield* jobs.find(found.id, job)
            // Followers may view the project, so they may view its reports.
            const reportOf = Effect.flatMap(views.reportById(row.report_id), (report) =>
              views.reportJson(found, report)
            ).pipe(
              Effect.map((r): JsonReport | null => r),
              Effect.catchAllCause((cause) =>
                Effect.as(Effect.logWarning("the processed report could not be attached", cause), null)
              )
            )
            // Subscribe first, then read the status: a change in between is in the subscription, never lost.
            const subscription = yield* events.subscribe(row.uuid)
            const now = (yield* lifecycle.byId(row.id)) ?? row
            const first = yield* statusEvent(
              {
                uuid: now.uuid,
                status: statusOf(now),
                runnerId: now.runner_id,
                error: now.error,
                at: now.modified
              },
              reportOf
            )
            const tail =
              mayInspect && !isTerminal(first.status)
                ? subscription.tail.map(
                    (c) =>
                      new JobOutputEvent({
                        job: c.uuid,
                        iteration: c.iteration,
                        stream: c.stream,
                        offset: c.offset,
                        chunk: c.chunk
                      })
                  )
                : []
            let last = rank[first.status]
            const live = Stream.repeatEffect(subscription.take).pipe(
              Stream.mapEffect((event: JobEvent) => {
                if (event._tag === "Output") {
                  return Effect.succeed(
                    mayInspect
                      ? Option.some<JobStatusEvent | JobOutputEvent>(
                          new JobOutputEvent({
                            job: event.uuid,
                            iteration: event.iteration,
                            stream: event.stream,
                            offset: event.offset,
                            chunk: event.chunk
                          })
                        )
                      : Option.none()
                  )
                }
                if (rank[event.status] <= last) return Effect.succeed(Option.none())
                last = rank[event.status]
                return Effect.map(statusEvent(event, reportOf), (e) => Option.some<JobStatusEvent | JobOutputEvent>(e))
              }),
              Stream.filterMap((e) => e)
            )
            const all = Stream.concat(
              Stream.fromIterable<JobStatusEvent | JobOutputEvent>([first, ...tail]),
              isTerminal(first.status) ? Stream.empty : live
            )
            return all.pipe(Stream.takeUntil((e) => e._tag === "Status" && isTerminal(e.status)))
          }).pipe(Effect.catchTags({ SqlError: (e) => Effect.die(e), PersistenceError: (e) => Effect.die(e) }))
        )
    }
  })
)

/** Job following on one path: GET (WebSocket upgrade) for the stream, POST for the HTTP protocol. */
export const JobEventsRpcRoutes = rpcRoutes(JobEventsRpcs, JOB_EVENTS_RPC_PATH).pipe(
  Layer.provide(JobEventsHandlersLive),
  Layer.provide(FollowerAuthLive)
)

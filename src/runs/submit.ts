import { SqlClient } from "@effect/sql"
import { Clock, Effect } from "effect"
import { BadRequest, PersistenceError } from "../domain/errors.js"
import type { JsonNewRun } from "../domain/run.js"
import { Access } from "../identity/access.js"
import { CurrentActor } from "../domain/actor.js"
import { Organizations } from "../identity/organizations.js"
import { visibilityOf } from "../identity/project-ref.js"
import { ReportPipeline, reportInputOf } from "../reports/pipeline.js"
import { projectForRun } from "../reports/run-target.js"
import { ReportViews } from "../reports/views.js"
import { retryBusy } from "../store/database.js"
import { splitImageName } from "../oci/index.js"
import { Jobs } from "../jobs/jobs.js"

/**
 * `POST /v0/run`, local or remote, in one transaction (a failed check writes nothing):
 * - the project: named, else derived from `job.image` (`[registry/]<project>:<tag>`), else created on the fly;
 *   the first signed-in run on an unclaimed project claims it, then the caller needs the `run` permission;
 * - local results: the report with its metrics, boundaries and alerts;
 * - `job`: the empty report (placeholder times, the run's branch, testbed and adapter settings) and the pending
 *   job, which a runner will claim.
 * Returns the JsonReport (with its `job` uuid for a remote run).
 */
export const submitRun = (payload: JsonNewRun) =>
  Effect.gen(function*() {
    const job = payload.job ?? undefined
    if (job !== undefined && payload.results.length > 0) {
      return yield* new BadRequest({ message: "results: a remote run (job) must not carry results; its runner produces them" })
    }
    const actor = yield* CurrentActor
    const access = yield* Access
    const organizations = yield* Organizations
    const pipeline = yield* ReportPipeline
    const views = yield* ReportViews
    const jobs = yield* Jobs
    const sql = yield* SqlClient.SqlClient
    const target = payload.project ?? (job === undefined ? undefined : splitImageName(job.image).repository)
    const created = yield* retryBusy(sql.withTransaction(Effect.gen(function*() {
      const { project, created } = yield* projectForRun(actor, target, payload.context)
      if (!created) {
        // The first signed-in run on an unclaimed project claims it (its user becomes leader); from then on
        // unauthenticated runs get 401.
        if (actor._tag === "User") yield* organizations.claimIfUnclaimed({ organizationId: project.organization_id, userId: actor.userId })
        yield* access.project(actor, {
          id: project.id,
          organizationId: project.organization_id,
          visibility: visibilityOf(project.visibility)
        }, "run")
      }
      if (job === undefined) {
        return { project, reportId: yield* pipeline.ingest(reportInputOf(project.id, payload)) }
      }
      const now = yield* Clock.currentTimeMillis
      const reportId = yield* pipeline.ingest(reportInputOf(project.id, { ...payload, results: [] }, { start: now, end: now }))
      yield* jobs.create({
        reportId,
        project,
        sourceIp: actor.sourceIp,
        job,
        average: payload.settings?.average,
        fold: payload.settings?.fold
      })
      return { project, reportId }
    })))
    return yield* views.reportJson(created.project, yield* views.reportById(created.reportId))
  }).pipe(PersistenceError.refail)

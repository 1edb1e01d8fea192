import { SqlClient } from "@effect/sql"
import { Clock, Effect } from "effect"
import { BadRequest } from "../domain/errors.js"
import type { JsonNewRun } from "../domain/run.js"
import { Access } from "../identity/access.js"
import { CurrentActor } from "../identity/actor.js"
import { visibilityName } from "../projects/rows.js"
import { ReportPipeline } from "../reports/pipeline.js"
import { projectForRun } from "../reports/run-target.js"
import { ReportViews } from "../reports/views.js"
import { retryBusy } from "../store/database.js"
import { Jobs } from "./jobs.js"

/**
 * `POST /v0/run` with `job`: the empty report (placeholder times, the run's branch, testbed and adapter settings)
 * and the pending job in one transaction; a failed check writes nothing. Returns the JsonReport with its `job`.
 * RunHandlersLive calls this when `payload.job` is present.
 */
export const submitRunJob = (payload: JsonNewRun) =>
  Effect.gen(function*() {
    const job = payload.job
    if (job === undefined || job === null) return yield* Effect.dieMessage("submitRunJob needs a job")
    if (payload.results.length > 0) {
      return yield* new BadRequest({ message: "results: a remote run (job) must not carry results; its runner produces them" })
    }
    const actor = yield* CurrentActor
    const access = yield* Access
    const pipeline = yield* ReportPipeline
    const views = yield* ReportViews
    const jobs = yield* Jobs
    const sql = yield* SqlClient.SqlClient
    const created = yield* retryBusy(sql.withTransaction(Effect.gen(function*() {
      const { project, created } = yield* projectForRun(actor, payload.project, payload.context)
      if (!created) {
        yield* access.project(actor, {
          id: project.id,
          organizationId: project.organization_id,
          visibility: visibilityName(project.visibility)
        }, "create")
      }
      const now = yield* Clock.currentTimeMillis
      const reportId = yield* pipeline.ingest({
        projectId: project.id,
        branch: payload.branch,
        hash: payload.hash,
        startPoint: payload.start_point,
        testbed: payload.testbed,
        thresholds: payload.thresholds,
        startTime: now,
        endTime: now,
        results: [],
        adapter: payload.settings?.adapter,
        average: payload.settings?.average,
        fold: payload.settings?.fold,
        idempotencyKey: payload.idempotency_key
      })
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
  })

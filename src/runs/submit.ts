import { HttpServerResponse } from "@effect/platform"
import { SqlClient } from "@effect/sql"
import { Clock, Context, Effect, Schema } from "effect"
import { BadRequest, PersistenceError, TooManyRequests } from "../domain/errors.js"
import { type JsonReport as JsonReportType, JsonReport, JsonReportResult } from "../domain/report.js"
import type { JsonNewRun } from "../domain/run.js"
import { Access } from "../identity/access.js"
import { CurrentActor } from "../domain/actor.js"
import { Organizations } from "../identity/organizations.js"
import { visibilityOf } from "../identity/project-ref.js"
import { ReportPipeline, reportInputOf } from "../reports/pipeline.js"
import { projectForRun } from "../reports/run-target.js"
import { ReportViews } from "../reports/views.js"
import { inTimeSlices } from "../reports/time-slices.js"
import { retryBusy } from "../store/database.js"
import { splitImageName } from "../oci/index.js"
import { Jobs } from "../jobs/jobs.js"

/** At most `max` runs per window (docs/reference.md §5.9's mechanism: counted from the database). */
export interface RunRateLimit {
  readonly max: number
  readonly windowMillis: number
}

/**
 * Unauthenticated runs (into unclaimed projects) per source address and per project. Creating unclaimed
 * organizations was limited per address, but runs into one were not: a flood of anonymous reports could take the
 * server's time. A signed-in user or a project key is not limited here. Tests provide their own.
 */
export class AnonymousRunLimits extends Context.Reference<AnonymousRunLimits>()("bencher/runs/AnonymousRunLimits", {
  defaultValue: (): { readonly perIp: RunRateLimit; readonly perProject: RunRateLimit } => ({
    perIp: { max: 120, windowMillis: 10 * 60 * 1000 },
    perProject: { max: 120, windowMillis: 10 * 60 * 1000 }
  })
}) {}

const minutes = (ms: number) => Math.max(1, Math.ceil(ms / 60000))

/** 429 once the address or the project had its window's anonymous runs; runs inside the caller's transaction. */
const checkAnonymousRate = (sourceIp: string, projectId: number) =>
  Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    const limits = yield* AnonymousRunLimits
    const now = yield* Clock.currentTimeMillis
    const [byIp] = yield* sql<{ n: number }>`SELECT count(*) AS n FROM report
      WHERE source_ip = ${sourceIp} AND created > ${now - limits.perIp.windowMillis}`
    if ((byIp?.n ?? 0) >= limits.perIp.max) {
      return yield* new TooManyRequests({
        message:
          `Too many unauthenticated runs from this address (${limits.perIp.max} per ${minutes(limits.perIp.windowMillis)} minutes); ` +
          `sign in or retry in ${minutes(limits.perIp.windowMillis)} minutes`
      })
    }
    const [byProject] = yield* sql<{ n: number }>`SELECT count(*) AS n FROM report
      WHERE project_id = ${projectId} AND source_ip IS NOT NULL AND created > ${now - limits.perProject.windowMillis}`
    if ((byProject?.n ?? 0) >= limits.perProject.max) {
      return yield* new TooManyRequests({
        message:
          `Too many unauthenticated runs into this project (${limits.perProject.max} per ${minutes(limits.perProject.windowMillis)} minutes); ` +
          `claim it by signing in, or retry in ${minutes(limits.perProject.windowMillis)} minutes`
      })
    }
  })

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
  Effect.gen(function* () {
    const job = payload.job ?? undefined
    if (job !== undefined && payload.results.length > 0) {
      return yield* new BadRequest({
        message: "results: a remote run (job) must not carry results; its runner produces them"
      })
    }
    const actor = yield* CurrentActor
    const access = yield* Access
    const organizations = yield* Organizations
    const pipeline = yield* ReportPipeline
    const views = yield* ReportViews
    const jobs = yield* Jobs
    const sql = yield* SqlClient.SqlClient
    const target = payload.project ?? (job === undefined ? undefined : splitImageName(job.image).repository)
    // Parsing and validation need no database: done before the transaction, which then only writes.
    const prepared = job === undefined ? yield* pipeline.prepare(reportInputOf(0, payload)) : undefined
    const created = yield* retryBusy(
      sql.withTransaction(
        Effect.gen(function* () {
          const { project, created } = yield* projectForRun(actor, target, payload.context)
          if (!created) {
            // The first signed-in run on an unclaimed project claims it (its user becomes leader); from then on
            // unauthenticated runs get 401.
            if (actor._tag === "User")
              yield* organizations.claimIfUnclaimed({ organizationId: project.organization_id, userId: actor.userId })
            yield* access.project(
              actor,
              {
                id: project.id,
                organizationId: project.organization_id,
                visibility: visibilityOf(project.visibility)
              },
              "run"
            )
          }
          const sourceIp = actor._tag === "Anonymous" ? actor.sourceIp : undefined
          if (sourceIp !== undefined) yield* checkAnonymousRate(sourceIp, project.id)
          if (job === undefined) {
            return {
              project,
              reportId: yield* pipeline.ingest({ ...reportInputOf(project.id, payload), sourceIp }, prepared)
            }
          }
          const now = yield* Clock.currentTimeMillis
          const reportId = yield* pipeline.ingest({
            ...reportInputOf(project.id, { ...payload, results: [] }, { start: now, end: now }),
            sourceIp
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
        })
      )
    )
    return yield* views.reportJson(created.project, yield* views.reportById(created.reportId))
  }).pipe(PersistenceError.refail)

const encodeResult = Schema.encode(JsonReportResult)
const encodeReport = Schema.encode(JsonReport)
/** Results encoded per effect: the time-sliced scheduler may hand the event loop back between two of them. */
const RESULTS_PER_ENCODE = 250

/**
 * `POST /v0/run` over HTTP: submitRun and its 201 response in time slices (src/reports/time-slices.ts), so that a
 * big report lets other requests in every few milliseconds. The JsonReport is encoded as the endpoint's schema
 * would encode it, but its results a few hundred at a time: a report of 10,000 benchmarks took hundreds of
 * milliseconds to encode in one synchronous call. Only the HTTP edge is sliced: the simulator calls submitRun
 * directly and replays a seed bit for bit, which yields timed by the wall clock would break.
 */
export const submitRunResponse = (payload: JsonNewRun) =>
  Effect.flatMap(submitRun(payload), (report) => encodeInSlices(report)).pipe(inTimeSlices)

const encodeInSlices = (report: JsonReportType) =>
  Effect.gen(function* () {
    const { results, ...rest } = report
    const head = (yield* encodeReport(rest)) as Record<string, unknown>
    // The body as JSON.stringify would write it, keys in the schema's order, but the results serialized a few
    // hundred per effect: a report of 10,000 benchmarks is about 10 MB of JSON, a long synchronous call in one go.
    const parts: Array<string> = []
    for (const key of Object.keys(JsonReport.fields)) {
      const value = key === "results" ? results : head[key]
      if (value === undefined) continue
      parts.push(parts.length === 0 ? "{" : ",", JSON.stringify(key), ":")
      if (key !== "results" || results === null || results === undefined) {
        parts.push(JSON.stringify(value))
        continue
      }
      parts.push("[")
      for (const [n, iteration] of results.entries()) {
        parts.push(n === 0 ? "[" : ",[")
        for (let i = 0; i < iteration.length; i += RESULTS_PER_ENCODE) {
          const encoded = yield* Effect.forEach(iteration.slice(i, i + RESULTS_PER_ENCODE), (r) => encodeResult(r))
          const json = JSON.stringify(encoded)
          parts.push(i === 0 ? json.slice(1, -1) : `,${json.slice(1, -1)}`)
        }
        parts.push("]")
      }
      parts.push("]")
    }
    parts.push(parts.length === 0 ? "{}" : "}")
    return HttpServerResponse.text(parts.join(""), { status: 201, contentType: "application/json" })
  }).pipe(Effect.orDie)

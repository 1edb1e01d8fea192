import { SqlClient } from "@effect/sql"
import { Clock, Context, Effect, Layer, Option, Schema } from "effect"
import { BadRequest, Conflict, NotFound, PersistenceError } from "../domain/errors.js"
import { hasRun, isTerminal, JsonJob, JsonJobConfig, type JobStatus, jobStatusToInt } from "../domain/job.js"
import type { JsonNewRunJob } from "../domain/run.js"
import { toIso, toIsoOrNull } from "../domain/time.js"
import type { ProjectRow } from "../projects/rows.js"
import { Runners } from "../runners/runners.js"
import { Specs, specJson, type SpecRow } from "../runners/specs.js"
import { newUuid } from "../store/ids.js"
import { toPage, type PageParams } from "../store/pagination.js"
import { single } from "../store/rows.js"
import { ImageResolver } from "./image.js"
import { JobLifecycle } from "./lifecycle.js"
import { type JobRow, statusOf } from "./job-row.js"
import { JobOutputStore } from "./output.js"
import { JobPolicy } from "./policy.js"
import { JobQueue, queuedJob } from "./queue.js"
import { JobSupervisor } from "./supervisor.js"

const encodeConfig = Schema.encodeSync(Schema.parseJson(JsonJobConfig))
const decodeConfig = Schema.decodeUnknownOption(Schema.parseJson(JsonJobConfig))

export const jobConfigOf = (row: JobRow): Option.Option<JsonJobConfig> => decodeConfig(row.config)

/** Everything `Jobs.create` needs besides the job body: the report it belongs to and who submitted it. */
export interface NewJob {
  /** The report created for this run (empty results, placeholder times), in the caller's open transaction. */
  readonly reportId: number
  readonly project: Pick<ProjectRow, "id" | "uuid" | "slug" | "organization_id">
  readonly sourceIp: string | null
  readonly job: JsonNewRunJob
  readonly average?: "mean" | "median" | null | undefined
  readonly fold?: "min" | "max" | "mean" | "median" | null | undefined
}

export const noSpecMessage =
  "job.spec: no spec given (--spec), the testbed has no spec, and the server has no fallback spec; " +
  "pass --spec, give the testbed a spec, or ask an admin to mark a fallback spec"

const make = Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient
  const specs = yield* Specs
  const runners = yield* Runners
  const images = yield* ImageResolver
  const policy = yield* JobPolicy
  const lifecycle = yield* JobLifecycle
  const queue = yield* JobQueue
  const supervisor = yield* JobSupervisor
  const outputs = yield* JobOutputStore

  /** `--spec`, else the report testbed's spec, else the fallback spec (docs/reference.md §5.1). */
  const resolveSpec = (reportId: number, explicit: string | null | undefined) =>
    Effect.gen(function* () {
      let spec: SpecRow | undefined
      if (explicit !== undefined && explicit !== null) {
        spec = yield* specs
          .resolve(explicit)
          .pipe(Effect.mapError((e) => new BadRequest({ message: `job.spec: ${e.message}` })))
        if (spec.archived !== null) return yield* new BadRequest({ message: `job.spec: spec ${spec.slug} is archived` })
        return spec
      }
      const [testbed] = yield* sql<{ spec_id: number | null }>`SELECT testbed.spec_id FROM report
        JOIN testbed ON testbed.id = report.testbed_id WHERE report.id = ${reportId}`
      if (testbed?.spec_id !== null && testbed?.spec_id !== undefined) {
        spec = yield* specs.byId(testbed.spec_id)
        if (spec.archived === null) return spec
      }
      spec = yield* specs.fallback
      if (spec === undefined) return yield* new BadRequest({ message: noSpecMessage })
      return spec
    })

  /**
   * Validates a job and inserts it, pending, for a report the caller just created in its open transaction;
   * nothing is written when any check fails. The job enters the in-memory queue at once: a runner's claim
   * is a write on the same connection, so it waits for this transaction to commit (and finds nothing, and
   * waits again, if it rolls back).
   */
  const create = (input: NewJob) =>
    Effect.gen(function* () {
      const { job, project } = input
      // A repeated idempotency key returns the first report, and so the first job.
      const [existing] = yield* sql<JobRow>`SELECT * FROM job WHERE report_id = ${input.reportId}`
      if (existing !== undefined) return existing
      const image = yield* images.resolve({ projectUuid: project.uuid, projectSlug: project.slug, image: job.image })
      const spec = yield* resolveSpec(input.reportId, job.spec)
      if (!(yield* policy.mayUseSpec(project.organization_id, spec.id))) {
        return yield* new BadRequest({ message: `job.spec: this project's plan may not use spec ${spec.slug}` })
      }
      const allowance = yield* policy.allowance(project.organization_id)
      const timeout = job.timeout ?? allowance.defaultTimeout
      if (allowance.maxTimeout !== null && timeout > allowance.maxTimeout) {
        return yield* new BadRequest({
          message: `job.timeout: ${timeout} s is over the ${allowance.tier} tier's maximum of ${allowance.maxTimeout} s`
        })
      }
      const config = JsonJobConfig.make({
        registry: image.registry,
        project: project.uuid,
        digest: image.digest,
        image: job.image,
        entrypoint: job.entrypoint ?? null,
        cmd: job.cmd ?? null,
        env: job.env ?? null,
        timeout,
        file_paths: job.file_paths ?? null,
        build_time: job.build_time ?? null,
        file_size: job.file_size ?? null,
        average: input.average ?? null,
        iter: job.iter ?? null,
        fold: input.fold ?? null,
        allow_failure: job.allow_failure ?? null,
        backdate: job.backdate ?? null
      })
      const now = yield* Clock.currentTimeMillis
      yield* sql`UPDATE report SET spec_id = ${spec.id} WHERE id = ${input.reportId}`
      const row = yield* sql<JobRow>`INSERT INTO job ${sql.insert({
        uuid: yield* newUuid,
        report_id: input.reportId,
        organization_id: project.organization_id,
        source_ip: input.sourceIp,
        spec_id: spec.id,
        config: encodeConfig(config),
        timeout,
        priority: allowance.priority,
        status: jobStatusToInt("pending"),
        created: now,
        modified: now
      })} RETURNING *`.pipe(Effect.flatMap(single("job")))
      yield* queue.enqueue(queuedJob(row))
      return row
    })

  const find = (projectId: number, uuid: string) =>
    sql<JobRow>`SELECT job.* FROM job JOIN report ON report.id = job.report_id
      WHERE report.project_id = ${projectId} AND job.uuid = ${uuid.toLowerCase()}`.pipe(
      Effect.flatMap(([row]) =>
        row === undefined ? Effect.fail(new NotFound({ message: `Job not found: ${uuid}` })) : Effect.succeed(row)
      )
    )

  const list = (projectId: number, params: PageParams & { readonly status?: JobStatus | undefined }) =>
    Effect.gen(function* () {
      const page = toPage(params, "desc")
      const where = ["report.project_id = ?"]
      const args: Array<number> = [projectId]
      if (params.status !== undefined) {
        where.push("job.status = ?")
        args.push(jobStatusToInt(params.status))
      }
      const clause = where.join(" AND ")
      const [count] = yield* sql.unsafe<{ n: number }>(
        `SELECT count(*) AS n FROM job JOIN report ON report.id = job.report_id WHERE ${clause}`,
        args
      )
      const rows = yield* sql.unsafe<JobRow>(
        `SELECT job.* FROM job JOIN report ON report.id = job.report_id WHERE ${clause}
         ORDER BY job.created ${page.direction}, job.id ${page.direction} LIMIT ? OFFSET ?`,
        [...args, page.limit, page.offset]
      )
      return { rows, total: count?.n ?? 0 }
    })

  /** JsonJob; `output` only for jobs that have run and callers allowed to see it, `config` only when asked. */
  const toJson = (row: JobRow, options: { readonly output: boolean; readonly config: boolean }) =>
    Effect.gen(function* () {
      const status = statusOf(row)
      const spec = specJson(yield* specs.byId(row.spec_id))
      const runner = row.runner_id === null ? null : (yield* runners.byId(row.runner_id)).uuid
      const [report] = yield* sql<{ uuid: string }>`SELECT uuid FROM report WHERE id = ${row.report_id}`
      const output =
        options.output && (isTerminal(status) || hasRun(status)) ? Option.getOrNull(yield* outputs.get(row.id)) : null
      return JsonJob.make(
        {
          uuid: row.uuid,
          status,
          spec,
          config: options.config ? Option.getOrNull(jobConfigOf(row)) : null,
          runner,
          claimed: toIsoOrNull(row.claimed),
          started: toIsoOrNull(row.started),
          completed: toIsoOrNull(row.completed),
          created: toIso(row.created),
          modified: toIso(row.modified),
          output,
          report: report?.uuid ?? null,
          error: row.error
        },
        { disableValidation: true }
      )
    })

  /**
   * A user cancel (Bencher has none): a pending job is canceled at once and leaves the queue; a claimed or
   * running one is canceled and its runner hears `cancel` on its next heartbeat (each second). A job that has
   * already ended is a 409.
   */
  const cancel = (row: JobRow) =>
    Effect.gen(function* () {
      const updated = yield* lifecycle.cancel(row.id, "job_canceled_by_user")
      if (updated === undefined) {
        const now = yield* lifecycle.byId(row.id)
        return yield* new Conflict({
          message: `Job ${row.uuid} is already ${now === undefined ? "gone" : statusOf(now)}`
        })
      }
      yield* queue.remove(row.id)
      yield* supervisor.markCanceled(row.uuid)
      return updated
    })

  return PersistenceError.refailService({ create, find, list, toJson, cancel, resolveSpec } as const)
})

/** Remote jobs as a project sees them: creation from `POST /v0/run`, listing, viewing and cancel. */
export class Jobs extends Context.Tag("bencher/jobs/Jobs")<Jobs, Effect.Effect.Success<typeof make>>() {
  static readonly Live = Layer.effect(this, make)
}

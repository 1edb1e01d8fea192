import { canTransition, isTerminal, jobStatusFromInt } from "../../src/domain/job.js"
import type { JobPlan } from "../world/job-plan.js"
import type { HeldJob, SimRunner } from "../world/runners.js"
import { fmtTime, GRACE_MS, HEARTBEAT_MS, type World } from "../world/world.js"
import { type JobModel, jobName } from "./job-model.js"
import type { Reader } from "./reader.js"
import { checkReport } from "./reports.js"
import { type Transition, TransitionFeed } from "./transitions.js"

/** What the oracle reads of the world besides the database. */
export interface OracleView {
  readonly plan: (key: string) => JobPlan | undefined
  readonly runner: (id: number) => SimRunner | undefined
  readonly runners: ReadonlyArray<SimRunner>
  readonly serverUp: () => boolean
  /** The server's total downtime so far. */
  readonly downtime: () => number
}

const statusName = (n: number | null): string => (n === null ? "none" : (jobStatusFromInt(n) ?? `?${n}`))

/**
 * The invariants: after every step the oracle reads the transitions the database committed and checks each
 * against the lifecycle, single claim and priority; it checks deadlines and work conservation as time passes, and
 * every report and bill once the run has drained. Its job models are its own record of what must be true.
 */
export class Oracle {
  private readonly jobs = new Map<number, JobModel>()
  private readonly jobsByUuid = new Map<string, JobModel>()
  private readonly transitions: TransitionFeed
  /** When each pending job that a waiting runner could take started waiting. */
  private readonly idleSince = new Map<number, number>()

  constructor(
    private readonly world: World,
    private readonly reader: Reader,
    private readonly view: OracleView
  ) {
    this.transitions = new TransitionFeed(reader)
  }

  get size(): number {
    return this.jobs.size
  }

  allEnded(): boolean {
    for (const job of this.jobs.values()) if (!isTerminal(job.status)) return false
    return true
  }

  /** A job's plan key (its id while it has none), for event lines. */
  jobKey(id: number): string {
    return this.jobs.get(id)?.plan?.key ?? `${id}`
  }

  /** The plan a client submitted this job with. */
  attachPlan(uuid: string, plan: JobPlan) {
    const job = this.jobsByUuid.get(uuid)
    if (job !== undefined) job.plan = plan
  }

  /**
   * The billing oracle: a heartbeat the supervisor holds for a live, not canceled, not over-time job bills the
   * whole minutes since the job started (at least one).
   */
  billHeartbeat(held: HeldJob | undefined, uuid: string, now: number) {
    if (held === undefined || held.canceled) return
    const overTime = held.started !== null && now >= held.started + held.timeoutMs + GRACE_MS
    const job = this.jobsByUuid.get(uuid)
    if (!overTime && held.started !== null && job !== undefined) {
      job.billed = Math.max(job.billed, Math.max(1, Math.ceil((now - held.started) / 60_000)))
    }
  }

  private admit(t: Transition) {
    const row = this.reader
      .stmt(
        `SELECT id, uuid, spec_id, priority, organization_id, source_ip, created, timeout, report_id, config FROM job WHERE id = ?`
      )
      .get(t.job_id) as
      | {
          id: number
          uuid: string
          spec_id: number
          priority: number
          organization_id: number
          source_ip: string | null
          created: number
          timeout: number
          report_id: number
          config: string
        }
      | undefined
    if (row === undefined) return this.world.violate("world", `job ${t.job_id} inserted but not found`)
    const key = (JSON.parse(row.config) as { env?: Record<string, string> }).env?.["SIM_JOB"] ?? ""
    const job: JobModel = {
      id: row.id,
      uuid: row.uuid,
      specId: row.spec_id,
      priority: row.priority,
      organizationId: row.organization_id,
      sourceIp: row.source_ip ?? "",
      created: row.created,
      timeoutMs: row.timeout * 1000,
      reportId: row.report_id,
      plan: this.view.plan(key),
      status: "pending",
      runnerId: null,
      lastEventAt: t.at,
      downtimeAtEvent: this.view.downtime(),
      error: null,
      billed: 0
    }
    this.jobs.set(job.id, job)
    this.jobsByUuid.set(job.uuid, job)
  }

  /** Reads the transitions committed during the step and checks each against the lifecycle. */
  checkTransitions() {
    const claims: Array<JobModel> = []
    for (const t of this.transitions.read()) {
      if (t.old_status === null) {
        if (statusName(t.new_status) !== "pending")
          this.world.violate("lifecycle", `job ${t.job_id} created ${statusName(t.new_status)}`)
        this.admit(t)
        continue
      }
      const job = this.jobs.get(t.job_id)
      if (job === undefined) continue
      const from = jobStatusFromInt(t.old_status)
      const to = jobStatusFromInt(t.new_status)
      const name = jobName(job)
      const runner = t.new_runner === null ? "-" : (this.view.runner(t.new_runner)?.name ?? `#${t.new_runner}`)
      this.world.log(
        "job",
        `${name} ${from} -> ${to} runner ${runner}${t.error === null ? "" : ` (${t.error.slice(0, 80)})`}`
      )
      if (t.old_runner !== t.new_runner && !(from === "pending" && to === "claimed" && t.old_runner === null)) {
        const was = t.old_runner === null ? "-" : (this.view.runner(t.old_runner)?.name ?? `#${t.old_runner}`)
        this.world.violate("single_claim", `job ${name} claimed by ${runner} while ${was} held it (${from})`, [
          job.uuid
        ])
      }
      if (from === undefined || to === undefined || from !== job.status || !canTransition(from, to)) {
        this.world.violate(
          "lifecycle",
          `job ${name} moved ${statusName(t.old_status)} -> ${statusName(t.new_status)} (model had ${job.status})`,
          [job.uuid]
        )
      }
      job.status = to
      job.runnerId = t.new_runner
      job.lastEventAt = t.at
      job.downtimeAtEvent = this.view.downtime()
      job.error = t.error
      if (to === "claimed") claims.push(job)
      if (to === "processed") checkReport(this.world, this.reader, job)
    }
    for (const job of claims) this.checkPriority(job)
  }

  /**
   * A claim must take the best job the runner could have had: no job of an unlimited tier (team, enterprise),
   * pending before this step, that the runner serves and that outranks the claimed one may still be pending.
   */
  private checkPriority(claimed: JobModel) {
    const runner = claimed.runnerId === null ? undefined : this.view.runner(claimed.runnerId)
    if (runner === undefined) return
    for (const job of this.jobs.values()) {
      if (job.status !== "pending" || job.priority < 200 || !runner.auth.specIds.has(job.specId)) continue
      if (job.created >= claimed.lastEventAt) continue
      const outranks =
        job.priority > claimed.priority ||
        (job.priority === claimed.priority && claimed.priority >= 200 && job.created < claimed.created)
      if (outranks) {
        this.world.violate(
          "priority",
          `${runner.name} claimed ${claimed.plan?.key} (priority ${claimed.priority}) while ${job.plan?.key} (priority ${job.priority}, older) waited`,
          [claimed.uuid, job.uuid]
        )
      }
    }
  }

  /** No claimed, running or completed job may outlive its deadlines; no pending job may wait on an idle runner. */
  checkProgress() {
    const now = this.world.clock.now
    const idle = new Set<number>()
    for (const job of this.jobs.values()) {
      if (job.status === "pending") continue
      if (job.status !== "claimed" && job.status !== "running" && job.status !== "completed") continue
      const slack = this.view.downtime() - job.downtimeAtEvent + 5000
      const limit = job.status === "completed" ? slack : job.timeoutMs + GRACE_MS + HEARTBEAT_MS + slack
      if (now - job.lastEventAt > limit) {
        this.world.violate(
          "stuck",
          `job ${jobName(job)} ${job.status} since ${fmtTime(job.lastEventAt).trim()} (limit ${limit} ms)`,
          [job.uuid]
        )
      }
    }
    if (!this.view.serverUp()) return this.idleSince.clear()
    const activeByOrg = new Map<number, number>()
    const activeByIp = new Map<string, number>()
    for (const job of this.jobs.values()) {
      if (job.status !== "claimed" && job.status !== "running") continue
      activeByOrg.set(job.organizationId, (activeByOrg.get(job.organizationId) ?? 0) + 1)
      activeByIp.set(job.sourceIp, (activeByIp.get(job.sourceIp) ?? 0) + 1)
    }
    for (const job of this.jobs.values()) {
      if (job.status !== "pending") continue
      const allowed =
        job.priority >= 200 ||
        (job.priority >= 100 ? !activeByOrg.has(job.organizationId) : !activeByIp.has(job.sourceIp))
      if (!allowed) continue
      const waiting = this.view.runners.find((r) => r.claims.size > 0 && r.auth.specIds.has(job.specId))
      if (waiting === undefined) continue
      idle.add(job.id)
      const since = this.idleSince.get(job.id) ?? now
      this.idleSince.set(job.id, since)
      if (now - since > 2000) {
        this.world.violate(
          "work_conservation",
          `job ${jobName(job)} pending for ${now - since} ms while ${waiting.name} waits for work`,
          [job.uuid]
        )
      }
    }
    for (const id of this.idleSince.keys()) if (!idle.has(id)) this.idleSince.delete(id)
  }

  /** After the drain: every job ended, every report and bill equals the oracle's. */
  finalChecks() {
    for (const job of this.jobs.values()) {
      if (!isTerminal(job.status))
        this.world.violate("stuck", `job ${jobName(job)} still ${job.status} after the drain`, [job.uuid])
      if (job.status !== "processed") checkReport(this.world, this.reader, job)
    }
    const rows = this.reader.stmt(`SELECT id, last_billed_minute FROM job`).all() as Array<{
      id: number
      last_billed_minute: number
    }>
    for (const row of rows) {
      const job = this.jobs.get(row.id)
      if (job === undefined) continue
      if (row.last_billed_minute !== job.billed) {
        this.world.violate(
          "billing",
          `job ${jobName(job)} billed ${row.last_billed_minute} minutes, the oracle ${job.billed}`,
          [job.uuid]
        )
      }
    }
  }

  /** Jobs per status, for the run's last line. */
  summary(): string {
    const counts = new Map<string, number>()
    for (const job of this.jobs.values()) counts.set(job.status, (counts.get(job.status) ?? 0) + 1)
    return [...counts]
      .sort()
      .map(([s, n]) => `${s} ${n}`)
      .join(", ")
  }
}

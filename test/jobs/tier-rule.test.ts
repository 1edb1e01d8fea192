import { describe, expect, it } from "vitest"
import { PRIORITY } from "../../src/identity/plan.js"
import { before, type QueuedJob, tierAllows } from "../../src/jobs/queue.js"

describe("tier rules of the job queue", () => {
  it("claims enterprise before team before free before unclaimed, one free job per organization and one unclaimed per IP", () => {
    const rows: ReadonlyArray<readonly [string, number, number, string | null]> = [
      ["free-1", 1, PRIORITY.free, null],
      ["unclaimed-a1", 4, PRIORITY.unclaimed, "192.0.2.1"],
      ["team-1", 2, PRIORITY.team, null],
      ["free-2", 1, PRIORITY.free, null],
      ["enterprise-1", 3, PRIORITY.enterprise, null],
      ["unclaimed-a2", 5, PRIORITY.unclaimed, "192.0.2.1"],
      ["team-2", 2, PRIORITY.team, null],
      ["unclaimed-b1", 6, PRIORITY.unclaimed, "192.0.2.2"],
      ["enterprise-2", 3, PRIORITY.enterprise, null],
      ["free-other-org", 7, PRIORITY.free, null]
    ]
    const names = new Map<number, string>()
    const pending: Array<QueuedJob> = rows.map(([name, organizationId, priority, sourceIp], i) => {
      names.set(i + 1, name)
      return { id: i + 1, specId: 1, priority, created: 1000 + i, organizationId, sourceIp }
    })
    const active = new Map<number, QueuedJob>()
    const count = (key: (job: QueuedJob) => string | number) => {
      const counts = new Map<string | number, number>()
      for (const job of active.values()) counts.set(key(job), (counts.get(key(job)) ?? 0) + 1)
      return counts
    }
    // As the queue hands out jobs: the first allowed one in claim order, again and again.
    const drain = () => {
      const claimed: Array<string> = []
      for (;;) {
        const allowed = pending.filter((job) =>
          tierAllows(
            job,
            count((j) => j.organizationId),
            count((j) => j.sourceIp ?? "")
          )
        )
        const next = allowed.reduce<QueuedJob | undefined>(
          (best, job) => (best === undefined || before(job, best) ? job : best),
          undefined
        )
        if (next === undefined) return claimed
        pending.splice(pending.indexOf(next), 1)
        active.set(next.id, next)
        claimed.push(names.get(next.id) ?? "")
      }
    }
    const finish = (...finished: ReadonlyArray<string>) => {
      for (const [id] of active) if (finished.includes(names.get(id) ?? "")) active.delete(id)
    }
    expect(drain()).toEqual([
      "enterprise-1",
      "enterprise-2",
      "team-1",
      "team-2",
      "free-1",
      "free-other-org",
      "unclaimed-a1",
      "unclaimed-b1"
    ])
    expect(drain()).toEqual([])
    finish("free-1", "unclaimed-a1")
    expect(drain()).toEqual(["free-2", "unclaimed-a2"])
  })
})

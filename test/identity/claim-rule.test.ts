import { SqlClient } from "@effect/sql"
import { expect, layer } from "@effect/vitest"
import { Effect } from "effect"
import { claimOrder, tierClaimCondition } from "../../src/identity/claim-rule.js"
import { PRIORITY } from "../../src/identity/plan.js"
import { IdentityStoreLive } from "../helpers/store.js"

layer(IdentityStoreLive, { excludeTestServices: true })("tierClaimCondition", (it) => {
  it.effect("claims enterprise before team before free before unclaimed, one free job per organization and one unclaimed per IP", () =>
    Effect.gen(function*() {
      const sql = yield* SqlClient.SqlClient
      // Job rows only: the report, spec and organization they point at do not matter to the rule.
      yield* sql`PRAGMA foreign_keys = OFF`
      const jobs: ReadonlyArray<readonly [string, number, number, string | null]> = [
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
      for (const [i, [uuid, org, priority, ip]] of jobs.entries()) {
        yield* sql`INSERT INTO job ${
          sql.insert({
            uuid,
            report_id: i + 1,
            organization_id: org,
            source_ip: ip,
            spec_id: 1,
            config: "{}",
            timeout: 60,
            priority,
            status: 0,
            created: 1000 + i,
            modified: 1000 + i
          })
        }`
      }
      const claimNext = Effect.gen(function*() {
        const rows = yield* sql<{ id: number; uuid: string }>`SELECT id, uuid FROM job AS j
          WHERE j.status = 0 AND ${tierClaimCondition(sql, "j")} ORDER BY ${claimOrder(sql, "j")} LIMIT 1`
        const row = rows[0]
        if (row === undefined) return undefined
        yield* sql`UPDATE job SET status = 1 WHERE id = ${row.id} AND status = 0`
        return row.uuid
      })
      const drain = Effect.gen(function*() {
        const claimed: Array<string> = []
        for (;;) {
          const next = yield* claimNext
          if (next === undefined) return claimed
          claimed.push(next)
        }
      })
      expect(yield* drain).toEqual([
        "enterprise-1", "enterprise-2", "team-1", "team-2", "free-1", "free-other-org", "unclaimed-a1", "unclaimed-b1"
      ])
      yield* sql`UPDATE job SET status = 2 WHERE uuid = 'free-1'`
      expect(yield* drain).toEqual([])
      yield* sql`UPDATE job SET status = 3 WHERE uuid IN ('free-1', 'unclaimed-a1')`
      expect(yield* drain).toEqual(["free-2", "unclaimed-a2"])
    }))
})

import { SqlClient } from "@effect/sql"
import { describe, expect, it } from "@effect/vitest"
import { Effect, Layer, Option, Ref } from "effect"
import { makeIdentityLive } from "../../src/identity/layer.js"
import { Organizations } from "../../src/identity/organizations.js"
import { Users } from "../../src/identity/users.js"
import { StoreLive } from "../../src/store/database.js"
import { UsageSink, type UsageEntry } from "../../src/usage/sink.js"
import { elapsedMinutes, Usage } from "../../src/usage/usage.js"
import { tempDbFile } from "../helpers/store.js"

/** The identity stack with a sink that remembers every entry it receives. */
const withRecordingSink = Effect.gen(function* () {
  const file = yield* tempDbFile
  const received = yield* Ref.make<ReadonlyArray<UsageEntry>>([])
  const sink = Layer.succeed(UsageSink, { record: (entry) => Ref.update(received, (all) => [...all, entry]) })
  const context = yield* Layer.build(makeIdentityLive({ sink }).pipe(Layer.provideMerge(StoreLive(file))))
  return { context, received }
})

const organization = Effect.gen(function* () {
  const user = yield* (yield* Users).create({ name: "Ada", email: "ada@example.com" })
  return yield* (yield* Organizations).create({ name: "Ada Org", userId: user.id })
})

describe("elapsedMinutes", () => {
  it("rounds up to whole minutes with a minimum of one", () => {
    expect(elapsedMinutes(0, 0)).toBe(1)
    expect(elapsedMinutes(0, 1)).toBe(1)
    expect(elapsedMinutes(0, 60_000)).toBe(1)
    expect(elapsedMinutes(0, 60_001)).toBe(2)
    expect(elapsedMinutes(0, 180_000)).toBe(3)
    expect(elapsedMinutes(1000, 0)).toBe(1)
  })
})

describe("Usage ledger", () => {
  it.scopedLive("bills exactly 3 minutes when every heartbeat of a 3-minute job is replayed twice", () =>
    Effect.gen(function* () {
      const { context, received } = yield* withRecordingSink
      yield* Effect.gen(function* () {
        const usage = yield* Usage
        const org = yield* organization
        const startedAt = 1_700_000_000_000
        // Heartbeats every 10 s from the start to 180 s, then the terminal message at 180 s; each sent twice.
        const beats = Array.from({ length: 19 }, (_, i) => startedAt + i * 10_000)
        for (const now of [...beats, startedAt + 180_000]) {
          for (let replay = 0; replay < 2; replay++) {
            yield* usage.recordRunnerMinutes({ organizationId: org.id, jobId: 42, startedAt, now })
          }
        }
        const summary = yield* usage.summary({ organizationId: org.id, start: startedAt, end: startedAt + 3_600_000 })
        expect(summary.runnerMinutes).toBe(3)
        const entries = yield* Ref.get(received)
        expect(entries.map((e) => (e._tag === "RunnerMinutes" ? [e.minutes, e.throughMinute] : []))).toEqual([
          [1, 1],
          [1, 2],
          [1, 3]
        ])
        const sql = yield* SqlClient.SqlClient
        const rows = yield* sql<{
          n: number
          total: number
        }>`SELECT count(*) AS n, SUM(minutes) AS total FROM usage_runner_minutes`
        expect(rows[0]).toEqual({ n: 3, total: 3 })
      }).pipe(Effect.provide(context))
    })
  )

  it.scopedLive("never bills a minute twice under concurrent replays of the same heartbeat", () =>
    Effect.gen(function* () {
      const { context } = yield* withRecordingSink
      yield* Effect.gen(function* () {
        const usage = yield* Usage
        const org = yield* organization
        const record = (now: number) =>
          usage.recordRunnerMinutes({ organizationId: org.id, jobId: 7, startedAt: 0, now })
        yield* Effect.all(
          Array.from({ length: 20 }, (_, i) => record(((i % 5) + 1) * 60_000)),
          { concurrency: "unbounded" }
        )
        const summary = yield* usage.summary({ organizationId: org.id, start: 0, end: 10 * 60_000 })
        expect(summary.runnerMinutes).toBe(5)
      }).pipe(Effect.provide(context))
    })
  )

  it.scopedLive("bills batches of heartbeats from many jobs once, even when a whole batch is flushed twice", () =>
    Effect.gen(function* () {
      const { context, received } = yield* withRecordingSink
      yield* Effect.gen(function* () {
        const usage = yield* Usage
        const org = yield* organization
        const batch = (now: number) =>
          [11, 12, 13].map((jobId) => ({ organizationId: org.id, jobId, startedAt: 0, now: now + jobId }))
        for (const now of [0, 60_000, 120_000, 150_000]) {
          yield* usage.recordRunnerMinutesBatch(batch(now))
          yield* usage.recordRunnerMinutesBatch(batch(now))
        }
        expect((yield* usage.summary({ organizationId: org.id, start: 0, end: 600_000 })).runnerMinutes).toBe(9)
        expect((yield* Ref.get(received)).length).toBe(9)
      }).pipe(Effect.provide(context))
    })
  )

  it.scopedLive("records on the background connection while the main connection writes, losing nothing", () =>
    Effect.gen(function* () {
      const { context } = yield* withRecordingSink
      yield* Effect.gen(function* () {
        const usage = yield* Usage
        const orgs = yield* Organizations
        const org = yield* organization
        const user = yield* (yield* Users).create({ name: "Busy", email: "busy@example.com" })
        const writes = Array.from({ length: 30 }, (_, i) => orgs.create({ name: `Org ${i}`, userId: user.id }))
        const bills = Array.from({ length: 30 }, (_, i) =>
          usage.recordRunnerMinutes({ organizationId: org.id, jobId: 100 + i, startedAt: 0, now: 90_000 })
        )
        yield* Effect.all([...writes, ...bills], { concurrency: "unbounded" })
        expect((yield* usage.summary({ organizationId: org.id, start: 0, end: 100_000 })).runnerMinutes).toBe(60)
        expect((yield* orgs.listFor({ userId: user.id, admin: false })).length).toBe(30)
      }).pipe(Effect.provide(context))
    })
  )

  it.scopedLive("bills a late jump in one entry and ignores a heartbeat older than what was billed", () =>
    Effect.gen(function* () {
      const { context } = yield* withRecordingSink
      yield* Effect.gen(function* () {
        const usage = yield* Usage
        const org = yield* organization
        const first = yield* usage.recordRunnerMinutes({ organizationId: org.id, jobId: 1, startedAt: 0, now: 30_000 })
        const jump = yield* usage.recordRunnerMinutes({
          organizationId: org.id,
          jobId: 1,
          startedAt: 0,
          now: 4 * 60_000 + 1
        })
        const stale = yield* usage.recordRunnerMinutes({
          organizationId: org.id,
          jobId: 1,
          startedAt: 0,
          now: 2 * 60_000
        })
        expect(Option.map(first, (e) => e.minutes)).toEqual(Option.some(1))
        expect(Option.map(jump, (e) => e.minutes)).toEqual(Option.some(4))
        expect(Option.isNone(stale)).toBe(true)
      }).pipe(Effect.provide(context))
    })
  )

  it.scopedLive("counts metrics once per report and reports both meters for a period", () =>
    Effect.gen(function* () {
      const { context, received } = yield* withRecordingSink
      yield* Effect.gen(function* () {
        const usage = yield* Usage
        const org = yield* organization
        yield* usage.recordMetrics({
          organizationId: org.id,
          projectId: 1,
          reportId: 10,
          metrics: 12,
          recordedAt: 1_000
        })
        yield* usage.recordMetrics({
          organizationId: org.id,
          projectId: 1,
          reportId: 10,
          metrics: 12,
          recordedAt: 1_000
        })
        yield* usage.recordMetrics({
          organizationId: org.id,
          projectId: 1,
          reportId: 11,
          metrics: 3,
          recordedAt: 5_000
        })
        yield* usage.recordRunnerMinutes({ organizationId: org.id, jobId: 3, startedAt: 0, now: 2_000 })
        expect(yield* usage.summary({ organizationId: org.id, start: 0, end: 10_000 })).toEqual({
          runnerMinutes: 1,
          metrics: 15
        })
        expect(yield* usage.summary({ organizationId: org.id, start: 3_000, end: 10_000 })).toEqual({
          runnerMinutes: 0,
          metrics: 3
        })
        expect((yield* Ref.get(received)).length).toBe(3)
      }).pipe(Effect.provide(context))
    })
  )
})

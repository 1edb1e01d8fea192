import { describe, expect, it } from "@effect/vitest"
import { Effect, Fiber, Option } from "effect"
import { RunnerClient, runnerClientHttp, runnerClientWebSocket } from "../../src/api/runner-client.js"
import { CurrentActor } from "../../src/identity/actor.js"
import { submitRunJob } from "../../src/jobs/run.js"
import { startTestServer } from "../helpers/server.js"

const DIGEST = `sha256:${"b".repeat(64)}`

const setup = Effect.gen(function*() {
  const server = yield* startTestServer()
  yield* server.client.specs.create({ payload: { name: "Small", cpu: 1, memory: 512, disk: 1024, fallback: true } })
  const runner = yield* server.client.runners.create({ payload: { name: "Box", specs: ["small"] } })
  const other = yield* server.client.runners.create({ payload: { name: "Other", specs: ["small"] } })
  const submit = (project = "proj") =>
    submitRunJob({
      project,
      start_time: new Date().toISOString(),
      end_time: new Date().toISOString(),
      results: [],
      job: { image: `${project}@${DIGEST}` }
    }).pipe(Effect.provideService(CurrentActor, { _tag: "Anonymous", sourceIp: "127.0.0.1" }), Effect.provide(server.context))
  return { ...server, runner, other, submit }
})

describe("runner channel (RPC over real WebSocket and HTTP)", () => {
  it.scopedLive("claims, runs and completes a job over a WebSocket authenticated at the upgrade", () =>
    Effect.gen(function*() {
      const { url, runner, submit, client } = yield* setup
      yield* Effect.gen(function*() {
        const rpc = yield* RunnerClient
        const claim = yield* Effect.fork(rpc.Claim({ poll_timeout: 10 }))
        yield* Effect.sleep("100 millis")
        const report = yield* submit()
        const job = yield* Fiber.join(claim)
        expect(job?.uuid).toBe(report.job)
        expect(job?.config.digest).toBe(DIGEST)
        expect(job?.spec.slug).toBe("small")
        expect(job?.timeout).toBe(60)
        expect(job?.oci_token).toContain(runner.uuid)
        const uuid = job?.uuid ?? ""
        expect(yield* rpc.Running({ job: uuid })).toEqual({ canceled: false })
        expect(yield* rpc.Heartbeat({ job: uuid })).toEqual({ canceled: false })
        const ack = yield* rpc.Completed({ job: uuid, results: [{ exit_code: 0, stdout: "ok" }] })
        expect(ack).toEqual({ job: uuid, status: "completed" })
        expect(yield* rpc.Completed({ job: uuid, results: [] })).toEqual({ job: uuid, status: "completed" })
        const view = yield* client.jobs.view({ path: { project: "proj", job: uuid } })
        expect(view.status).toBe("completed")
        expect(view.output?.results[0]?.stdout).toBe("ok")
        expect(view.runner).toBe(runner.uuid)
      }).pipe(Effect.provide(runnerClientWebSocket(url, runner.key)))
    }))

  it.scopedLive("tells a heartbeating runner of a user cancel within 1 s", () =>
    Effect.gen(function*() {
      const { url, runner, submit, client } = yield* setup
      yield* Effect.gen(function*() {
        const rpc = yield* RunnerClient
        yield* submit()
        const job = yield* rpc.Claim({ poll_timeout: 5 })
        const uuid = job?.uuid ?? ""
        yield* rpc.Running({ job: uuid })
        const heartbeats = yield* Effect.fork(
          rpc.Heartbeat({ job: uuid }).pipe(
            Effect.delay("1 second"),
            Effect.repeat({ until: (r) => r.canceled }),
            Effect.zipRight(Effect.sync(() => performance.now()))
          )
        )
        yield* Effect.sleep("300 millis")
        const canceledAt = performance.now()
        const canceled = yield* client.jobs.cancel({ path: { project: "proj", job: uuid } })
        expect(canceled.status).toBe("canceled")
        const heardAt = yield* Fiber.join(heartbeats)
        expect(heardAt - canceledAt).toBeLessThan(1000)
        expect((yield* rpc.Canceled({ job: uuid })).status).toBe("canceled")
      }).pipe(Effect.provide(runnerClientWebSocket(url, runner.key)))
    }))

  it.scopedLive("answers over HTTP, refuses bad keys and messages for jobs the runner does not hold", () =>
    Effect.gen(function*() {
      const { url, runner, other, submit } = yield* setup
      const report = yield* submit()
      const uuid = report.job ?? ""
      const claimed = yield* Effect.flatMap(RunnerClient, (rpc) => rpc.Claim({ poll_timeout: 1 })).pipe(
        Effect.provide(runnerClientHttp(url, runner.key))
      )
      expect(claimed?.uuid).toBe(uuid)
      const notHeld = yield* Effect.flatMap(RunnerClient, (rpc) => Effect.flip(rpc.Heartbeat({ job: uuid }))).pipe(
        Effect.provide(runnerClientHttp(url, other.key))
      )
      expect(notHeld._tag).toBe("JobNotHeld")
      const badKey = yield* Effect.flatMap(RunnerClient, (rpc) => Effect.flip(rpc.Claim({ poll_timeout: 1 }))).pipe(
        Effect.provide(runnerClientHttp(url, "bencher_runner_" + "x".repeat(30)))
      )
      expect(badKey._tag).toBe("Unauthorized")
      const none = yield* Effect.flatMap(RunnerClient, (rpc) => rpc.Claim({ poll_timeout: 1 })).pipe(
        Effect.provide(runnerClientHttp(url, other.key))
      )
      expect(none).toBeNull()
    }))

  it.scopedLive("serves the seed's REST long poll: the claimed job, or 204 at the poll timeout", () =>
    Effect.gen(function*() {
      const { url, runner, other, submit } = yield* setup
      const post = (runnerRef: string, key: string) =>
        Effect.promise(() => fetch(`${url}/v0/runners/${runnerRef}/jobs`, {
          method: "POST",
          headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
          body: JSON.stringify({ poll_timeout: 1 })
        }))
      const empty = yield* post("box", runner.key)
      expect(empty.status).toBe(204)
      const report = yield* submit()
      const claimed = yield* post("box", runner.key)
      expect(claimed.status).toBe(200)
      expect(((yield* Effect.promise(() => claimed.json())) as { uuid: string }).uuid).toBe(report.job)
      const wrongRunner = yield* post("box", other.key)
      expect(wrongRunner.status).toBe(401)
      expect(((yield* Effect.promise(() => wrongRunner.json())) as { message: string }).message).toContain("another runner")
    }))

  it.scopedLive("rejects a job with a tag, a foreign registry or a timeout over the tier maximum, writing nothing", () =>
    Effect.gen(function*() {
      const { submit, context, client } = yield* setup
      const attempt = (job: { image: string; timeout?: number }) =>
        Effect.flip(submitRunJob({
          project: "proj",
          start_time: new Date().toISOString(),
          end_time: new Date().toISOString(),
          results: [],
          job
        }).pipe(Effect.provideService(CurrentActor, { _tag: "Anonymous", sourceIp: "127.0.0.1" }), Effect.provide(context)))
      yield* submit()
      const tag = yield* attempt({ image: "proj:latest" })
      expect(tag.message).toContain("use proj@sha256:<digest>")
      const foreign = yield* attempt({ image: `docker.io/proj@${DIGEST}` })
      expect(foreign.message).toContain("not in this server's registry")
      const long = yield* attempt({ image: `proj@${DIGEST}`, timeout: 61 })
      expect(long.message).toContain("maximum of 60 s")
      const list = yield* client.jobs.list({ path: { project: "proj" }, urlParams: {} })
      expect(list).toHaveLength(1)
      expect(Option.fromNullable(list[0]?.status)).toEqual(Option.some("pending"))
    }))
})

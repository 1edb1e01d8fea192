import { describe, expect, it } from "@effect/vitest"
import { Effect, Fiber, Option } from "effect"
import { RunnerClient, runnerClientHttp, runnerClientWebSocket } from "../../src/api/runner-client.js"
import { pushLayout } from "../../src/image/client.js"
import { startIdentityServer } from "../helpers/identity.js"
import { buildTestImage, tempFolder } from "../registry/images.js"

/** POST /v0/run as the first-run admin; the JSON body and status. */
const postRun = (url: string, key: string, body: unknown) =>
  Effect.promise(async () => {
    const response = await fetch(`${url}/v0/run`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${key}` },
      body: JSON.stringify(body)
    })
    return { status: response.status, body: (await response.json()) as { job?: string | null; message?: string } }
  })

const setup = Effect.gen(function* () {
  const server = yield* startIdentityServer
  const client = server.admin
  yield* client.specs.create({ payload: { name: "Small", cpu: 1, memory: 512, disk: 1024, fallback: true } })
  const runner = yield* client.runners.create({ payload: { name: "Box", specs: ["small"] } })
  const other = yield* client.runners.create({ payload: { name: "Other", specs: ["small"] } })
  const now = new Date().toISOString()
  // The project, then an image pushed to its repository in this server's registry.
  yield* postRun(server.url, server.adminKey, { project: "proj", start_time: now, end_time: now, results: [] })
  const layout = tempFolder()
  yield* Effect.promise(() => buildTestImage({ output: layout, tag: "v1" }))
  const pushed = yield* Effect.promise(() =>
    pushLayout({ host: server.url, repository: "proj", key: server.adminKey, layout, tag: "v1" })
  )
  const digest = pushed.digest
  const run = (job: { image: string; timeout?: number }) =>
    postRun(server.url, server.adminKey, { project: "proj", start_time: now, end_time: now, results: [], job })
  const submit = () =>
    Effect.flatMap(run({ image: `proj@${digest}` }), (r) =>
      r.status === 201 ? Effect.succeed(r.body) : Effect.dieMessage(`run failed: ${r.status} ${r.body.message}`)
    )
  return { ...server, client, runner, other, submit, run, digest }
})

describe("runner channel (RPC over real WebSocket and HTTP)", () => {
  it.scopedLive("claims, runs and completes a job over a WebSocket authenticated at the upgrade", () =>
    Effect.gen(function* () {
      const { url, runner, submit, client, digest } = yield* setup
      yield* Effect.gen(function* () {
        const rpc = yield* RunnerClient
        const claim = yield* Effect.fork(rpc.Claim({ poll_timeout: 10 }))
        yield* Effect.sleep("100 millis")
        const report = yield* submit()
        const job = yield* Fiber.join(claim)
        expect(job?.uuid).toBe(report.job)
        expect(job?.config.digest).toBe(digest)
        expect(job?.spec.slug).toBe("small")
        expect(job?.timeout).toBe(300)
        // A real registry token: pull-only on this project, for this runner, valid 10 minutes; it pulls the image.
        const claims = JSON.parse(
          Buffer.from((job?.oci_token ?? "").split(".")[0] ?? "", "base64url").toString("utf8")
        ) as {
          aud: string
          sub: string
          exp: number
          iat: number
          access: Array<{ actions: Array<string> }>
        }
        expect(claims).toMatchObject({ aud: "OciRunner", sub: runner.uuid, access: [{ actions: ["pull"] }] })
        expect(claims.exp - claims.iat).toBe(600)
        const manifest = yield* Effect.promise(() =>
          fetch(`${url}/v2/proj/manifests/${digest}`, { headers: { authorization: `Bearer ${job?.oci_token}` } })
        )
        expect(manifest.status).toBe(200)
        const uuid = job?.uuid ?? ""
        expect(yield* rpc.Running({ job: uuid })).toEqual({ canceled: false })
        expect(yield* rpc.Heartbeat({ job: uuid })).toEqual({ canceled: false })
        const stdout = JSON.stringify({ bench: { latency: { value: 1 } } })
        const ack = yield* rpc.Completed({ job: uuid, results: [{ exit_code: 0, stdout }] })
        expect(ack).toEqual({ job: uuid, status: "completed" })
        // A duplicate changes nothing and is acknowledged with the job's status (processing may already be done).
        const duplicate = yield* rpc.Completed({ job: uuid, results: [] })
        expect(["completed", "processed"]).toContain(duplicate.status)
        const view = yield* client.jobs.view({ path: { project: "proj", job: uuid } })
        expect(["completed", "processed"]).toContain(view.status)
        expect(view.output?.results[0]?.stdout).toBe(stdout)
        expect(view.runner).toBe(runner.uuid)
      }).pipe(Effect.provide(runnerClientWebSocket(url, runner.key)))
    })
  )

  it.scopedLive("tells a heartbeating runner of a user cancel within 1 s", () =>
    Effect.gen(function* () {
      const { url, runner, submit, client } = yield* setup
      yield* Effect.gen(function* () {
        const rpc = yield* RunnerClient
        yield* submit()
        const job = yield* rpc.Claim({ poll_timeout: 5 })
        const uuid = job?.uuid ?? ""
        yield* rpc.Running({ job: uuid })
        const heartbeats = yield* Effect.fork(
          rpc
            .Heartbeat({ job: uuid })
            .pipe(
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
    })
  )

  it.scopedLive("answers over HTTP, refuses bad keys and messages for jobs the runner does not hold", () =>
    Effect.gen(function* () {
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
    })
  )

  it.scopedLive("serves the seed's REST long poll: the claimed job, or 204 at the poll timeout", () =>
    Effect.gen(function* () {
      const { url, runner, other, submit } = yield* setup
      const post = (runnerRef: string, key: string) =>
        Effect.promise(() =>
          fetch(`${url}/v0/runners/${runnerRef}/jobs`, {
            method: "POST",
            headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
            body: JSON.stringify({ poll_timeout: 1 })
          })
        )
      const empty = yield* post("box", runner.key)
      expect(empty.status).toBe(204)
      const report = yield* submit()
      const claimed = yield* post("box", runner.key)
      expect(claimed.status).toBe(200)
      expect(((yield* Effect.promise(() => claimed.json())) as { uuid: string }).uuid).toBe(report.job)
      const wrongRunner = yield* post("box", other.key)
      expect(wrongRunner.status).toBe(401)
      expect(((yield* Effect.promise(() => wrongRunner.json())) as { message: string }).message).toContain(
        "another runner"
      )
    })
  )

  it.scopedLive(
    "rejects an image not in this registry, an unknown tag or a timeout over the tier maximum, writing nothing",
    () =>
      Effect.gen(function* () {
        const { submit, run, client, digest } = yield* setup
        yield* submit()
        const tag = yield* run({ image: "proj:nope" })
        expect(tag.status).toBe(400)
        expect(tag.body.message).toContain("job.image")
        const foreign = yield* run({ image: `docker.io/proj@${digest}` })
        expect(foreign.body.message).toContain("not in this server's registry")
        const unknown = yield* run({ image: `proj@sha256:${"c".repeat(64)}` })
        expect(unknown.status).toBe(400)
        const long = yield* run({ image: `proj@${digest}`, timeout: 301 })
        expect(long.body.message).toContain("maximum of 300 s")
        const byTag = yield* run({ image: "proj:v1" })
        expect(byTag.status).toBe(201)
        const list = yield* client.jobs.list({ path: { project: "proj" }, urlParams: {} })
        expect(list).toHaveLength(2)
        expect(Option.fromNullable(list[0]?.status)).toEqual(Option.some("pending"))
      })
  )
})

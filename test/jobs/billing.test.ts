import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { RunnerClient, runnerClientWebSocket } from "../../src/api/runner-client.js"
import { pushLayout } from "../../src/image/client.js"
import { startIdentityServer } from "../helpers/identity.js"
import { buildTestImage, tempFolder } from "../registry/images.js"
import { apiJson } from "../helpers/http.js"

const json = apiJson

describe("runner minutes", () => {
  it.scopedLive(
    "a running job's heartbeats bill its organization once per started minute, in the usage ledger",
    () =>
      Effect.gen(function* () {
        const server = yield* startIdentityServer
        yield* server.admin.specs.create({
          payload: { name: "Small", cpu: 1, memory: 512, disk: 1024, fallback: true }
        })
        const runner = yield* server.admin.runners.create({ payload: { name: "Box", specs: ["small"] } })
        const at = () => new Date().toISOString()
        const run = (body: Record<string, unknown>) =>
          json(server.url, server.adminKey, "/v0/run", {
            project: "proj",
            start_time: at(),
            end_time: at(),
            settings: { adapter: "json" },
            ...body
          })
        yield* run({ results: [JSON.stringify({ b: { latency: { value: 1 } } })] })
        const layout = tempFolder()
        yield* Effect.promise(() => buildTestImage({ output: layout, tag: "v1" }))
        yield* Effect.promise(() =>
          pushLayout({ host: server.url, repository: "proj", key: server.adminKey, layout, tag: "v1" })
        )
        const organization = String((yield* json(server.url, server.adminKey, "/v0/projects/proj")).body.organization)
        const minutes = Effect.map(
          json(server.url, server.adminKey, `/v0/organizations/${organization}/usage`),
          (r) => r.body.runner_minutes
        )
        expect(yield* minutes).toBe(0)

        const submitted = yield* run({ results: [], job: { image: "proj:v1" } })
        expect(submitted.status).toBe(201)
        yield* Effect.gen(function* () {
          const rpc = yield* RunnerClient
          const job = yield* rpc.Claim({ poll_timeout: 5 })
          const uuid = job?.uuid ?? ""
          expect(uuid).toBe(submitted.body.job)
          yield* rpc.Running({ job: uuid })
          // Heartbeats go to memory; the background writer bills the first started minute at its next flush.
          yield* rpc.Heartbeat({ job: uuid })
          while ((yield* minutes) === 0) {
            yield* rpc.Heartbeat({ job: uuid })
            yield* Effect.sleep("100 millis")
          }
          // Still within the first minute: more heartbeats and flushes bill nothing more.
          for (let i = 0; i < 3; i++) yield* rpc.Heartbeat({ job: uuid })
          yield* rpc.Completed({
            job: uuid,
            results: [{ exit_code: 0, stdout: JSON.stringify({ b: { latency: { value: 2 } } }) }]
          })
        }).pipe(Effect.provide(runnerClientWebSocket(server.url, runner.key)), Effect.timeout("20 seconds"))
        expect(yield* minutes).toBe(1)
      }),
    40_000
  )
})

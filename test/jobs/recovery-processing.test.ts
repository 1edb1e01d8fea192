import { describe, expect, it } from "@effect/vitest"
import { SqlClient } from "@effect/sql"
import { Context, Effect, Option, Redacted } from "effect"
import { join } from "node:path"
import { RunnerClient, runnerClientWebSocket } from "../../src/api/runner-client.js"
import { JsonIterationOutput, JsonJobOutput } from "../../src/domain/job.js"
import { pushLayout } from "../../src/image/client.js"
import { AdminBootstrap } from "../../src/identity/bootstrap.js"
import { JobOutputStore } from "../../src/jobs/output.js"
import { startTestServer, tempDir } from "../helpers/server.js"
import { clientAs } from "../helpers/identity.js"
import { buildTestImage, tempFolder } from "../registry/images.js"

const post = (url: string, key: string, path: string, body: unknown) =>
  Effect.promise(async () => {
    const response = await fetch(`${url}${path}`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${key}` },
      body: JSON.stringify(body)
    })
    return (await response.json()) as any
  })

describe("recovery of completed jobs", () => {
  it.scopedLive(
    "processes at the next start a job whose output was stored before the server stopped",
    () =>
      Effect.gen(function* () {
        const dir = yield* tempDir
        const config = { db: join(dir, "bencher.db"), dataDir: join(dir, "data") }
        const stdout = JSON.stringify({ "bench::restart": { latency: { value: 42 } } })
        // First life: a job is claimed, runs, and its output is stored; the server stops before processing it.
        const { reportUuid, adminKey } = yield* Effect.scoped(
          Effect.gen(function* () {
            const server = yield* startTestServer(config)
            const adminKey = Redacted.value(Option.getOrThrow(Context.get(server.context, AdminBootstrap).adminKey))
            const admin = yield* clientAs(server.url, adminKey)
            yield* admin.specs.create({ payload: { name: "Small", cpu: 1, memory: 512, disk: 1024, fallback: true } })
            const runner = yield* admin.runners.create({ payload: { name: "Box", specs: ["small"] } })
            const now = new Date().toISOString()
            yield* post(server.url, adminKey, "/v0/run", {
              project: "proj",
              start_time: now,
              end_time: now,
              results: []
            })
            const layout = tempFolder()
            yield* Effect.promise(() => buildTestImage({ output: layout, tag: "v1" }))
            yield* Effect.promise(() =>
              pushLayout({ host: server.url, repository: "proj", key: adminKey, layout, tag: "v1" })
            )
            const submitted = yield* post(server.url, adminKey, "/v0/run", {
              project: "proj",
              start_time: now,
              end_time: now,
              results: [],
              settings: { adapter: "json" },
              job: { image: "proj:v1" }
            })
            const uuid = yield* Effect.gen(function* () {
              const rpc = yield* RunnerClient
              const job = yield* rpc.Claim({ poll_timeout: 5 })
              yield* rpc.Running({ job: job?.uuid ?? "" })
              return job?.uuid ?? ""
            }).pipe(Effect.provide(runnerClientWebSocket(server.url, runner.key)))
            // What Completed writes before processing starts: the output, then the completed status.
            const sql = Context.get(server.context as Context.Context<SqlClient.SqlClient>, SqlClient.SqlClient)
            const outputs = Context.get(server.context as Context.Context<JobOutputStore>, JobOutputStore)
            const [row] = yield* sql<{ id: number }>`SELECT id FROM job WHERE uuid = ${uuid}`
            const output = new JsonJobOutput({ results: [new JsonIterationOutput({ exit_code: 0, stdout })] })
            yield* outputs.put(row?.id ?? -1, output)
            yield* sql`UPDATE job SET status = 3, completed = ${Date.now()} WHERE uuid = ${uuid}`
            return { reportUuid: submitted.uuid as string, adminKey }
          })
        )
        // Second life on the same database and data directory: recovery processes the job.
        const server = yield* startTestServer(config)
        const path = `${server.url}/v0/projects/proj/reports/${reportUuid}`
        let report: any = undefined
        for (let i = 0; i < 250; i++) {
          report = yield* Effect.promise(() =>
            fetch(path, { headers: { authorization: `Bearer ${adminKey}` } }).then((r) => r.json())
          )
          if (report.results?.length > 0) break
          yield* Effect.sleep("20 millis")
        }
        expect(report.results[0][0].measures[0].metric.value).toBe(42)
        const jobs = yield* Effect.promise(() =>
          fetch(`${server.url}/v0/projects/proj/jobs`, { headers: { authorization: `Bearer ${adminKey}` } }).then((r) =>
            r.json()
          )
        )
        expect((jobs as Array<{ status: string }>).map((j) => j.status)).toEqual(["processed"])
      }),
    60_000
  )
})

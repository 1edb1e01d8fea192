import { describe, expect, it } from "@effect/vitest"
import { Context, Deferred, Duration, Effect, Exit, Fiber, Option, Redacted, Scope } from "effect"
import { createServer, type AddressInfo } from "node:net"
import { AdminBootstrap } from "../../src/identity/bootstrap.js"
import { startTestServer } from "../helpers/server.js"
import { spawn } from "node:child_process"
import { existsSync, readdirSync } from "node:fs"
import { totalmem } from "node:os"
import { join } from "node:path"
import { RunnerClient, runnerClientWebSocket } from "../../src/api/runner-client.js"
import { pushLayout } from "../../src/image/client.js"
import { runRunner, writeSpool } from "../../src/runner/daemon.js"
import { localExecutor } from "../../src/runner/executors/local.js"
import { clientAs } from "../helpers/identity.js"
import { buildTestImage, tempFolder } from "../registry/images.js"
import { apiJson } from "../helpers/http.js"
import { runnerWorld } from "./world.js"

const json = apiJson

/** runnerWorld (a server with a fallback spec, a runner, and the test image as proj:v1), with a default runner. */
const world = Effect.map(runnerWorld, (w) => ({ ...w, startRunner: w.startRunner(), startRunnerWith: w.startRunner }))

describe("bencher runner up (runner loop)", () => {
  it.scopedLive(
    "claims a job, runs the image, and the job ends processed with the image's BMF as metrics",
    () =>
      Effect.gen(function* () {
        const w = yield* world
        const r = yield* w.startRunner
        const submitted = yield* w.submit()
        const done = yield* w.until(submitted.job, (s) => s === "processed" || s === "failed" || s === "canceled")
        expect(done.status).toBe("processed")
        expect(done.output.results[0].stdout).toContain(`{"bench":{"latency":{"value":1}}}`)
        const report = (yield* json(w.url, w.adminKey, `/v0/projects/proj/reports/${submitted.report}`)).body
        expect(report.results[0][0].benchmark.name).toBe("bench")
        expect(report.results[0][0].measures[0].metric.value).toBe(1)
        expect(readdirSync(w.spoolDir)).toEqual([])
        yield* r.stop
        yield* Fiber.join(r.fiber).pipe(Effect.timeout("5 seconds"))
      }),
    30_000
  )

  it.scopedLive(
    "with --max-jobs 2 runs two jobs at once and claims a third only when a slot frees",
    () =>
      Effect.gen(function* () {
        const w = yield* world
        // A team organization has no one-job-at-a-time rule, so only the runner's slots limit concurrency.
        const project = (yield* json(w.url, w.adminKey, "/v0/projects/proj")).body
        const tier = yield* Effect.promise(() =>
          fetch(`${w.url}/v0/organizations/${project.organization}/tier`, {
            method: "PUT",
            headers: { "content-type": "application/json", authorization: `Bearer ${w.adminKey}` },
            body: JSON.stringify({ level: "team" })
          })
        )
        expect(tier.status).toBe(200)
        const r = yield* w.startRunnerWith({ maxJobs: 2 })
        const slow = { entrypoint: ["/bin/sh", "-c", "sleep 30"] }
        const first = yield* w.submit(slow)
        const second = yield* w.submit(slow)
        const third = yield* w.submit()
        yield* w.until(first.job, (s) => s === "running")
        yield* w.until(second.job, (s) => s === "running")
        // Both slots are busy: the third waits, however long it is given.
        yield* Effect.sleep("1 second")
        expect((yield* w.view(third.job)).status).toBe("pending")
        expect((yield* w.view(first.job)).status).toBe("running")
        // Freeing one slot lets the runner claim and finish the third while the second still runs.
        yield* json(w.url, w.adminKey, `/v0/projects/proj/jobs/${first.job}/cancel`, {})
        const done = yield* w.until(third.job, (s) => s === "processed" || s === "failed" || s === "canceled")
        expect(done.status).toBe("processed")
        expect((yield* w.view(second.job)).status).toBe("running")
        yield* json(w.url, w.adminKey, `/v0/projects/proj/jobs/${second.job}/cancel`, {})
        yield* w.until(second.job, (s) => s === "canceled")
        yield* r.stop
        yield* Fiber.join(r.fiber).pipe(Effect.timeout("5 seconds"))
      }),
    30_000
  )

  it.scopedLive(
    "a user cancel reaches the running job within about a second and the job ends canceled",
    () =>
      Effect.gen(function* () {
        const w = yield* world
        const r = yield* w.startRunner
        const submitted = yield* w.submit({ entrypoint: ["/bin/sh", "-c", "sleep 30"] })
        yield* w.until(submitted.job, (s) => s === "running")
        yield* Effect.sleep("300 millis")
        const start = Date.now()
        const canceled = yield* json(w.url, w.adminKey, `/v0/projects/proj/jobs/${submitted.job}/cancel`, {})
        expect(canceled.status).toBe(200)
        // The runner acknowledges: its Canceled message ends the job, and the slot claims again right after.
        yield* Effect.gen(function* () {
          for (;;) {
            if (readdirSync(w.spoolDir).length === 0 && (yield* w.view(submitted.job)).status === "canceled") {
              const second = yield* w.submit()
              return yield* w.until(second.job, (s) => s === "processed")
            }
            yield* Effect.sleep("25 millis")
          }
        }).pipe(Effect.timeout("10 seconds"))
        expect(Date.now() - start).toBeLessThan(8_000)
        yield* r.stop
        yield* Fiber.join(r.fiber).pipe(Effect.timeout("5 seconds"))
      }),
    30_000
  )

  it.scopedLive(
    "on stop, cancels a job still running after the grace period, reports it, and returns",
    () =>
      Effect.gen(function* () {
        const w = yield* world
        const r = yield* w.startRunner
        const submitted = yield* w.submit({ entrypoint: ["/bin/sh", "-c", "sleep 30"] })
        yield* w.until(submitted.job, (s) => s === "running")
        yield* Effect.sleep("300 millis")
        const start = Date.now()
        yield* r.stop
        yield* Fiber.join(r.fiber).pipe(Effect.timeout("5 seconds"))
        expect(Date.now() - start).toBeLessThan(3_000)
        const view = yield* w.view(submitted.job)
        expect(view.status).toBe("canceled")
        expect(readdirSync(w.spoolDir)).toEqual([])
      }),
    30_000
  )

  it.scopedLive(
    "resends a spooled outcome at start, and the job completes",
    () =>
      Effect.gen(function* () {
        const w = yield* world
        const submitted = yield* w.submit()
        // A previous runner claimed it, ran it, spooled the outcome, and died before the server acknowledged it.
        yield* Effect.gen(function* () {
          const rpc = yield* RunnerClient
          const job = yield* rpc.Claim({ poll_timeout: 5 })
          expect(job?.uuid).toBe(submitted.job)
          yield* rpc.Running({ job: submitted.job })
        }).pipe(Effect.provide(runnerClientWebSocket(w.url, w.runnerKey)), Effect.scoped)
        yield* writeSpool(w.spoolDir, {
          job: submitted.job,
          kind: "Completed",
          results: [{ exit_code: 0, stdout: JSON.stringify({ spooled: { latency: { value: 7 } } }) }]
        })
        expect(existsSync(join(w.spoolDir, `${submitted.job}.json`))).toBe(true)
        const r = yield* w.startRunner
        const done = yield* w.until(submitted.job, (s) => s === "processed" || s === "failed")
        expect(done.status).toBe("processed")
        const report = (yield* json(w.url, w.adminKey, `/v0/projects/proj/reports/${submitted.report}`)).body
        expect(report.results[0][0].measures[0].metric.value).toBe(7)
        expect(readdirSync(w.spoolDir)).toEqual([])
        yield* r.stop
        yield* Fiber.join(r.fiber).pipe(Effect.timeout("5 seconds"))
      }),
    30_000
  )
})

describe("bencher runner up across a server restart", () => {
  it.scopedLive(
    "keeps an outcome the server could not take, and delivers it once the server is back",
    () =>
      Effect.gen(function* () {
        const dir = tempFolder("bencher-restart-")
        const db = join(dir, "bencher.db")
        const port = yield* Effect.promise(
          () =>
            new Promise<number>((resolve) => {
              const probe = createServer()
              probe.listen(0, "127.0.0.1", () => {
                const p = (probe.address() as AddressInfo).port
                probe.close(() => resolve(p))
              })
            })
        )
        const first = yield* Scope.make()
        const server = yield* startTestServer({ db, port }).pipe(Scope.extend(first))
        const adminKey = Redacted.value(Option.getOrThrow(Context.get(server.context, AdminBootstrap).adminKey))
        const admin = yield* clientAs(server.url, adminKey)
        yield* admin.specs.create({ payload: { name: "Small", cpu: 1, memory: 0, disk: 0, fallback: true } })
        const runner = yield* admin.runners.create({ payload: { name: "Box", specs: ["small"] } })
        const at = () => new Date().toISOString()
        yield* json(server.url, adminKey, "/v0/run", {
          project: "proj",
          start_time: at(),
          end_time: at(),
          results: [JSON.stringify({ bench: { latency: { value: 1 } } })],
          settings: { adapter: "json" }
        })
        const layout = tempFolder()
        yield* Effect.promise(() => buildTestImage({ output: layout, tag: "v1" }))
        yield* Effect.promise(() =>
          pushLayout({ host: server.url, repository: "proj", key: adminKey, layout, tag: "v1" })
        )
        const submitted = (yield* json(server.url, adminKey, "/v0/run", {
          project: "proj",
          start_time: at(),
          end_time: at(),
          results: [],
          settings: { adapter: "json" },
          job: {
            image: "proj:v1",
            entrypoint: ["/bin/sh", "-c", 'sleep 2; echo \'{"restart":{"latency":{"value":3}}}\'']
          }
        })).body
        const view = () =>
          Effect.map(json(server.url, adminKey, `/v0/projects/proj/jobs/${submitted.job}`), (r) => r.body)
        const spoolDir = tempFolder("bencher-spool-")
        const cacheDir = tempFolder("bencher-cache-")
        const stop = yield* Deferred.make<void>()
        const loop = yield* runRunner({
          host: server.url,
          key: runner.key,
          executor: yield* localExecutor(true),
          cacheDir,
          spoolDir,
          pollTimeout: 2,
          stop,
          stopGrace: Duration.millis(100)
        }).pipe(Effect.forkScoped)
        yield* Effect.gen(function* () {
          while ((yield* view()).status !== "running") yield* Effect.sleep("25 millis")
          // ...and its image is pulled and unpacked: it executes now.
          const unpacked = () =>
            existsSync(join(cacheDir, "rootfs")) &&
            readdirSync(join(cacheDir, "rootfs")).some((f) => !f.endsWith(".tmp"))
          while (!unpacked()) yield* Effect.sleep("25 millis")
          yield* Effect.sleep("200 millis")
        }).pipe(Effect.timeout("15 seconds"))
        // The server goes away while the job runs; the job finishes and its outcome waits in the spool.
        yield* Scope.close(first, Exit.void)
        yield* Effect.gen(function* () {
          while (readdirSync(spoolDir).filter((f) => f.endsWith(".json")).length === 0) yield* Effect.sleep("50 millis")
        }).pipe(Effect.timeout("10 seconds"))
        // Back on the same port and database: the runner reconnects and delivers it.
        yield* startTestServer({ db, port })
        const done = yield* Effect.gen(function* () {
          for (;;) {
            const v = yield* view()
            if (v.status === "processed" || v.status === "failed") return v
            yield* Effect.sleep("50 millis")
          }
        }).pipe(Effect.timeout("20 seconds"))
        expect(done.status).toBe("processed")
        expect(done.output.results[0].stdout).toContain("restart")
        expect(readdirSync(spoolDir).filter((f) => f.endsWith(".json"))).toEqual([])
        yield* Deferred.succeed(stop, undefined)
        yield* Fiber.join(loop).pipe(Effect.timeout("5 seconds"))
      }),
    50_000
  )
})

describe("bencher up", () => {
  it.live(
    "runs the server with a co-located runner `local`, and exits 0 on SIGTERM",
    () =>
      Effect.promise(async () => {
        const dir = tempFolder("bencher-up-")
        const child = spawn(
          process.execPath,
          [
            "bin/bencher.js",
            "up",
            "--port",
            "0",
            "--db",
            join(dir, "bencher.db"),
            "--executor",
            "local",
            "--danger-allow-no-sandbox"
          ],
          {
            cwd: join(import.meta.dirname, "..", ".."),
            stdio: ["ignore", "pipe", "pipe"]
          }
        )
        let out = ""
        child.stdout.on("data", (b: Buffer) => {
          out += b.toString()
        })
        child.stderr.on("data", (b: Buffer) => {
          out += b.toString()
        })
        const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)))
        try {
          const deadline = Date.now() + 20_000
          while (!/runner up: /.test(out) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50))
          const url = /listening on (http:\/\/[^\s]+)/.exec(out)?.[1]
          const adminKey = /Admin API key[^:]*: (\S+)/.exec(out)?.[1]
          expect(url, out).toBeDefined()
          expect(adminKey, out).toBeDefined()
          const runners = (await (
            await fetch(`${url}/v0/runners`, { headers: { authorization: `Bearer ${adminKey}` } })
          ).json()) as any
          expect(runners.map((r: any) => r.slug)).toContain("local")
          expect(existsSync(join(dir, "bencher-data", "runner-local.key"))).toBe(true)
          // The spec local gets a safe share of memory, and says so.
          const memory = Number(
            /spec local created: \d+ vCPU\(s\), memory (\d+) MiB \(half of this host's/.exec(out)?.[1]
          )
          expect(memory, out).toBeGreaterThan(0)
          expect(memory).toBeLessThanOrEqual(Math.min(8192, totalmem() / 2 / 1024 / 1024))
          const started = Date.now()
          child.kill("SIGTERM")
          expect(await exited).toBe(0)
          expect(Date.now() - started).toBeLessThan(5_000)
        } finally {
          child.kill("SIGKILL")
        }
      }),
    40_000
  )
})

// `bencher runner up` killed with kill -9 leaves its sandboxes running; the next instance on the same cache dir
// kills and removes them before it claims, and a SIGTERM stops a running job within the grace period. Real
// processes (bin/bencher.js, so `npm run build` first) with the oci executor, checked through /proc and cgroupfs.
import { describe, expect, it } from "@effect/vitest"
import { Duration, Effect, Either } from "effect"
import { spawn } from "node:child_process"
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { pushLayout } from "../../src/image/client.js"
import { ociStateDir } from "../../src/runner/executors/oci.js"
import { makeExecutor } from "../../src/runner/executors/select.js"
import { runnerOwner, scratchRootOf, withRunnerHome } from "../../src/runner/orphans.js"
import { apiJson as json } from "../helpers/http.js"
import { startIdentityServer } from "../helpers/identity.js"
import { type Spawned, spawnBencher } from "../helpers/process.js"
import { tempFolder } from "../registry/images.js"
import { buildImage, busyboxLayer, writeLayout } from "./fixtures.js"

const oci = await Effect.runPromise(Effect.either(makeExecutor("oci")))
if (Either.isLeft(oci)) console.warn(`skipping the orphan tests: ${oci.left.message}`)

/** Pids whose command line is exactly `argv`. */
const pidsRunning = (argv: ReadonlyArray<string>): Array<number> => {
  const wanted = `${argv.join("\0")}\0`
  const pids: Array<number> = []
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue
    try {
      if (readFileSync(`/proc/${name}/cmdline`, "utf8") === wanted) pids.push(Number(name))
    } catch {
      // Gone meanwhile.
    }
  }
  return pids
}

/** Job cgroups of this owner left in any hierarchy. */
const cgroupsOf = (owner: string): Array<string> => {
  const left: Array<string> = []
  for (const h of ["", ...readdirSync("/sys/fs/cgroup")]) {
    const parent = join("/sys/fs/cgroup", h, "bencher")
    if (!existsSync(parent)) continue
    for (const name of readdirSync(parent)) if (name.startsWith(`${owner}-`)) left.push(join(parent, name))
  }
  return left
}

const waitUntil = (check: () => boolean, what: string, timeout: Duration.DurationInput = "20 seconds") =>
  Effect.gen(function* () {
    while (!check()) yield* Effect.sleep("50 millis")
  }).pipe(Effect.timeoutFail({ duration: timeout, onTimeout: () => new Error(`timed out waiting until ${what}`) }))

describe.skipIf(Either.isLeft(oci))("bencher runner up: orphans of a killed runner", () => {
  it.scopedLive(
    "a new instance on the same cache dir kills and removes what kill -9 left, then runs jobs; SIGTERM stops a running job",
    () =>
      Effect.gen(function* () {
        const server = yield* startIdentityServer
        yield* server.admin.specs.create({
          payload: { name: "Small", cpu: 1, memory: 256 * 1024 * 1024, disk: 64 * 1024 * 1024, fallback: true }
        })
        const runner = yield* server.admin.runners.create({ payload: { name: "Box", specs: ["small"] } })
        const at = () => new Date().toISOString()
        yield* json(server.url, server.adminKey, "/v0/run", {
          project: "proj",
          start_time: at(),
          end_time: at(),
          results: [JSON.stringify({ b: { latency: { value: 1 } } })],
          settings: { adapter: "json" }
        })
        // A team organization runs more than one job at a time: the orphaned job stays `running` for a while.
        const project = (yield* json(server.url, server.adminKey, "/v0/projects/proj")).body
        yield* Effect.promise(() =>
          fetch(`${server.url}/v0/organizations/${project.organization}/tier`, {
            method: "PUT",
            headers: { "content-type": "application/json", authorization: `Bearer ${server.adminKey}` },
            body: JSON.stringify({ level: "team" })
          })
        )
        const layout = tempFolder("bencher-orphan-img-")
        yield* Effect.promise(async () => {
          await writeLayout(
            layout,
            buildImage({ layers: [busyboxLayer()], entrypoint: ["/bin/sh", "-c"], cmd: ["true"] }),
            "v1"
          )
          await pushLayout({ host: server.url, repository: "proj", key: server.adminKey, layout, tag: "v1" })
        })
        const submit = (script: string) =>
          Effect.map(
            json(server.url, server.adminKey, "/v0/run", {
              project: "proj",
              start_time: at(),
              end_time: at(),
              results: [],
              settings: { adapter: "json" },
              job: { image: "proj:v1", cmd: [script] }
            }),
            (r) => {
              expect(r.status).toBe(201)
              return r.body.job as string
            }
          )
        const status = (job: string) =>
          Effect.map(json(server.url, server.adminKey, `/v0/projects/proj/jobs/${job}`), (r) => r.body.status as string)
        const until = (job: string, wanted: ReadonlyArray<string>) =>
          Effect.gen(function* () {
            for (;;) {
              const s = yield* status(job)
              if (wanted.includes(s)) return s
              yield* Effect.sleep("50 millis")
            }
          }).pipe(Effect.timeout("30 seconds"))

        const cacheDir = tempFolder("bencher-orphan-cache-")
        const owner = runnerOwner(cacheDir)
        const startRunner = (): Spawned =>
          spawnBencher([
            "runner",
            "up",
            "--host",
            server.url,
            "--key",
            runner.key,
            "--executor",
            "oci",
            "--cache-dir",
            cacheDir,
            "--poll-timeout",
            "2",
            "--grace-period",
            "1"
          ])
        const spawned: Array<Spawned> = []
        yield* Effect.addFinalizer(() => Effect.sync(() => spawned.forEach((s) => s.child.kill("SIGKILL"))))

        // 1. A never-ending job runs; the runner dies with kill -9 and its sandbox runs on.
        const first = startRunner()
        spawned.push(first)
        const endless = ["sleep", "987654"]
        const orphanJob = yield* submit(endless.join(" "))
        yield* until(orphanJob, ["running"])
        yield* waitUntil(() => pidsRunning(endless).length > 0, "the job's process runs")
        const orphans = pidsRunning(endless)
        first.child.kill("SIGKILL")
        yield* Effect.promise(() => first.exited)
        yield* Effect.sleep("300 millis")
        expect(pidsRunning(endless)).toEqual(orphans)
        expect(cgroupsOf(owner)).not.toEqual([])
        expect(readdirSync(scratchRootOf(cacheDir))).not.toEqual([])

        // 2. The next instance on the same cache dir sweeps it all before it claims.
        const second = startRunner()
        spawned.push(second)
        yield* Effect.promise(() =>
          second.waitFor(/cleaned up after an earlier instance: killed [1-9]\d* process/, 30_000)
        )
        expect(pidsRunning(endless)).toEqual([])
        for (const pid of orphans) expect(existsSync(`/proc/${pid}`)).toBe(false)
        expect(cgroupsOf(owner)).toEqual([])
        expect(existsSync(scratchRootOf(cacheDir)) ? readdirSync(scratchRootOf(cacheDir)) : []).toEqual([])
        expect(existsSync(join(ociStateDir("crun", owner))) ? readdirSync(ociStateDir("crun", owner)) : []).toEqual([])
        expect(readFileSync("/proc/self/mountinfo", "utf8")).not.toContain(cacheDir)

        // 3. ...and runs a normal job.
        const normal = yield* submit('echo \'{"after":{"latency":{"value":2}}}\'')
        expect(yield* until(normal, ["processed", "failed", "canceled"])).toBe("processed")

        // 4. A SIGTERM with a job in flight: the job is stopped after the grace period (1 s), reported, and the runner exits.
        const endless2 = ["sleep", "987655"]
        const inFlight = yield* submit(endless2.join(" "))
        yield* until(inFlight, ["running"])
        yield* waitUntil(() => pidsRunning(endless2).length > 0, "the second job's process runs")
        const started = Date.now()
        second.child.kill("SIGTERM")
        const code = yield* Effect.promise(() => second.exited).pipe(Effect.timeout("20 seconds"))
        expect(Date.now() - started).toBeLessThan(10_000)
        expect(code).toBe(0)
        expect(pidsRunning(endless2)).toEqual([])
        expect(cgroupsOf(owner)).toEqual([])
        expect(yield* status(inFlight)).toBe("canceled")
        expect(existsSync(join(cacheDir, "runner.pid"))).toBe(false)
        expect(existsSync(ociStateDir("crun", owner))).toBe(false)
      }),
    120_000
  )
})

describe("withRunnerHome", () => {
  const executor = { kind: "local", describe: "fake", probe: Effect.void, run: () => Effect.die("unused") } as const

  it.live("refuses a cache dir a live runner holds, takes over one whose holder is gone, and lets go at the end", () =>
    Effect.gen(function* () {
      const cacheDir = tempFolder("bencher-home-")
      const other = spawn("sleep", ["30"])
      const start = readFileSync(`/proc/${other.pid}/stat`, "utf8").split(") ")[1]?.split(" ")[19]
      writeFileSync(join(cacheDir, "runner.pid"), JSON.stringify({ pid: other.pid, start }))
      const busy = yield* Effect.flip(withRunnerHome(cacheDir, executor, () => Effect.void))
      expect(busy.message).toContain(`another runner (pid ${other.pid}) uses the cache dir`)
      other.kill("SIGKILL")
      yield* Effect.promise(() => new Promise((r) => other.on("exit", r)))
      const owner = yield* withRunnerHome(cacheDir, executor, (owned) =>
        Effect.sync(() => {
          expect(JSON.parse(readFileSync(join(cacheDir, "runner.pid"), "utf8")).pid).toBe(process.pid)
          return owned
        })
      )
      expect(owner.kind).toBe("local")
      expect(existsSync(join(cacheDir, "runner.pid"))).toBe(false)
    })
  )
})

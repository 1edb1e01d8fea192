// Server memory with 1,000 connected idle runners, each holding a WebSocket and waiting in a Claim. The server is
// the compiled binary's process (`npm run build` first; this bench runs it), the runners a separate process; the
// RSS is the server's, read from /proc before and after the runners connect.
import { Effect } from "effect"
import { execFileSync, spawn } from "node:child_process"
import { mkdtempSync, readFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { createInterface } from "node:readline"
import { postJson, round } from "./lib/jobs-server.js"

const RUNNERS = 1000
const rssMib = (pid: number) => {
  const line =
    readFileSync(`/proc/${pid}/status`, "utf8")
      .split("\n")
      .find((l) => l.startsWith("VmRSS:")) ?? "VmRSS: 0 kB"
  return round(Number(line.replace(/\D+/g, "")) / 1024, 1)
}

const program = Effect.scoped(
  Effect.gen(function* () {
    execFileSync(process.execPath, ["scripts/bundle.mjs"], { stdio: "inherit" })
    const dir = mkdtempSync(join(tmpdir(), "bencher-rss-"))
    const db = join(dir, "bencher.db")
    // Specs and runners are admin routes: the server writes its first-run admin key here.
    const adminKeyFile = join(dir, "admin.key")
    const server = yield* Effect.acquireRelease(
      Effect.sync(() =>
        spawn(
          process.execPath,
          ["bin/bencher.js", "server", "--port", "0", "--db", db, "--admin-key-file", adminKeyFile],
          { stdio: ["ignore", "pipe", "pipe"] }
        )
      ),
      (s) => Effect.sync(() => s.kill())
    )
    const url = yield* Effect.promise(
      () =>
        new Promise<string>((resolve) => {
          const onLine = (line: string) => {
            const match = /listening on (http:\/\/\S+)/.exec(line)
            if (match?.[1] !== undefined) resolve(match[1])
          }
          createInterface({ input: server.stdout }).on("line", onLine)
          createInterface({ input: server.stderr }).on("line", onLine)
        })
    )
    const pid = server.pid ?? 0
    const adminKey = readFileSync(adminKeyFile, "utf8").trim()
    yield* postJson(`${url}/v0/specs`, { name: "Bench", cpu: 1, memory: 1, disk: 1, fallback: true }, adminKey)
    const keys = yield* Effect.forEach(
      Array.from({ length: RUNNERS }, (_, i) => i),
      (i) =>
        Effect.map(
          postJson(`${url}/v0/runners`, { name: `idle-${i}`, specs: ["bench"] }, adminKey),
          (r) => (r as { key: string }).key
        ),
      { concurrency: 8 }
    )
    yield* Effect.sleep("1 second")
    const before = rssMib(pid)
    const runners = yield* Effect.acquireRelease(
      Effect.sync(() =>
        spawn(process.execPath, ["--import", "tsx", "bench/lib/heartbeat-runners.ts", url, "idle", ...keys], {
          stdio: ["pipe", "pipe", "inherit"]
        })
      ),
      (c) => Effect.sync(() => c.kill())
    )
    const ready = yield* Effect.promise(
      () => new Promise<string>((resolve) => createInterface({ input: runners.stdout }).once("line", resolve))
    )
    yield* Effect.sleep("5 seconds")
    const after = rssMib(pid)
    console.log(
      JSON.stringify({
        bench: "runners-rss",
        runners: RUNNERS,
        runner_process: ready,
        server_rss_before_mib: before,
        server_rss_with_runners_mib: after,
        per_runner_kib: round(((after - before) * 1024) / RUNNERS, 1),
        target_mib: 300,
        ratio: round(after / 300, 2)
      })
    )
  })
)

Effect.runPromise(program).then(
  () => process.exit(0),
  (error) => {
    console.error(error)
    process.exit(1)
  }
)

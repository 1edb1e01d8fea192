// npm run bench -- cli-start: how long the CLI takes to start and do one thing, against `node -e 0` (the baseline,
// measured in the same run). Real processes, each spawned `RUNS` times (default 20) and timed from spawn to exit
// by this process; the commands take turns within each round, so load on the machine falls on all of them alike:
// - `bencher --version` (bin/bencher.js, the npm-installed CLI: the esbuild bundle of `npm run build` in dist/);
// - `bencher run --adapter json --file <one benchmark>` against a running `bencher up` (temp db, its admin key),
//   from a folder outside any git repository, and (`run_local_in_git`) from this repository, where the run also
//   asks git for its context (Bencher's RunContext: 4-5 `git` processes, one after another);
// - `bencher run --image <project>:v1 --adapter json` of a one-line busybox image pushed to that server's
//   registry and already in its co-located runner's cache, end to end (skipped when no sandbox works here);
// - the same `--version` and local run through the single binary dist/bencher when it exists (`npm run build:binary`).
// Medians in ms and ratios to the baseline; targets: `--version` <= 2x, the local run <= 4x. `ratio` is the local
// run's.
import { spawn } from "node:child_process"
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { pushLayout } from "../src/image/client.js"
import { binPath, repoRoot } from "../test/helpers/process.js"
import { buildImage, busyboxLayer, writeLayout } from "../test/runner/fixtures.js"

const RUNS = Number(process.env.RUNS ?? 20)
const PROJECT = "cli-start"
const binary = join(repoRoot, "dist", "bencher")

if (!existsSync(join(repoRoot, "dist", "main.js"))) {
  console.error("bench cli-start spawns the built CLI: run `npm run build` first")
  process.exit(2)
}

const dir = mkdtempSync(join(tmpdir(), "bench-cli-start-"))
const median = (xs: ReadonlyArray<number>) => {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.floor(s.length / 2)] ?? Number.NaN
}
const round = (x: number, digits = 1) => Number(x.toFixed(digits))

/** Runs a command to its exit; its wall time in ms, or an error with its output when it fails. */
const timed = (file: string, args: ReadonlyArray<string>, cwd = dir) =>
  new Promise<number>((resolve, reject) => {
    const started = performance.now()
    const child = spawn(file, args, { cwd, stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, NO_COLOR: "1" } })
    let out = ""
    child.stdout.on("data", (d: Buffer) => void (out += d.toString()))
    child.stderr.on("data", (d: Buffer) => void (out += d.toString()))
    child.once("exit", (code) => {
      const ms = performance.now() - started
      if (code === 0) resolve(ms)
      else reject(new Error(`${file} ${args.join(" ")} exited ${code}:\n${out}`))
    })
  })

const adminKeyFile = join(dir, "admin.key")
const up = spawn(
  process.execPath,
  [
    binPath,
    "up",
    "--port",
    "0",
    "--db",
    join(dir, "bencher.db"),
    "--data-dir",
    join(dir, "data"),
    "--admin-key-file",
    adminKeyFile
  ],
  { stdio: ["ignore", "pipe", "pipe"] }
)

try {
  // Ready when the server listens and the co-located runner has started, or said why there is none.
  let log = ""
  const { url, runner } = await new Promise<{ url: string; runner: boolean }>((resolve, reject) => {
    const onData = (d: Buffer) => {
      log += d.toString()
      const listening = /listening on (http:\/\/\S+)/.exec(log)?.[1]
      if (listening === undefined) return
      if (log.includes("runner up:")) resolve({ url: listening, runner: true })
      else if (log.includes("no co-located runner")) resolve({ url: listening, runner: false })
    }
    up.stdout.on("data", onData)
    up.stderr.on("data", onData)
    up.once("exit", (code) => reject(new Error(`bencher up exited (${code}) before it was ready:\n${log}`)))
  })
  const key = readFileSync(adminKeyFile, "utf8").trim()
  const bmf = join(dir, "bmf.json")
  writeFileSync(bmf, JSON.stringify({ "cli-start": { latency: { value: 1 } } }))
  const server = ["--host", url, "--key", key, "--project", PROJECT]
  const localRun = ["run", ...server, "--adapter", "json", "--file", bmf, "--quiet"]
  const imageRun = ["run", ...server, "--image", `${PROJECT}:v1`, "--adapter", "json", "--quiet"]

  const commands: Array<{ name: string; file: string; args: ReadonlyArray<string>; cwd?: string }> = [
    { name: "node_e0", file: process.execPath, args: ["-e", "0"] },
    { name: "version", file: process.execPath, args: [binPath, "--version"] },
    { name: "run_local", file: process.execPath, args: [binPath, ...localRun] },
    { name: "run_local_in_git", file: process.execPath, args: [binPath, ...localRun], cwd: repoRoot }
  ]
  // The first local run creates the project; the registry only takes images of existing projects.
  await timed(process.execPath, [binPath, ...localRun])
  if (runner) {
    const layout = join(dir, "layout")
    const built = buildImage({
      layers: [busyboxLayer()],
      entrypoint: ["/bin/echo", JSON.stringify({ "cli-start": { latency: { value: 1 } } })],
      env: ["PATH=/bin"]
    })
    await writeLayout(layout, built, "v1")
    await pushLayout({ host: url, repository: PROJECT, key, layout, tag: "v1" })
    // The first remote run pulls the image into the runner's cache; the measured ones find it there.
    await timed(process.execPath, [binPath, ...imageRun])
    commands.push({ name: "run_image", file: process.execPath, args: [binPath, ...imageRun] })
  } else {
    console.error("no co-located runner here (no sandbox works), so no --image run")
  }
  if (existsSync(binary)) {
    commands.push({ name: "binary_version", file: binary, args: ["--version"] })
    commands.push({ name: "binary_run_local", file: binary, args: localRun })
  }

  const samples = new Map(commands.map((c) => [c.name, [] as Array<number>]))
  for (const c of commands) await timed(c.file, c.args, c.cwd) // warm the file cache
  for (let i = 0; i < RUNS; i++) {
    for (const c of commands) samples.get(c.name)?.push(await timed(c.file, c.args, c.cwd))
  }
  const ms = Object.fromEntries(commands.map((c) => [c.name, median(samples.get(c.name) ?? [])]))
  const base = ms.node_e0 ?? Number.NaN
  const result: Record<string, number | boolean | null> = { runs: RUNS }
  for (const c of commands) {
    result[`${c.name}_ms`] = round(ms[c.name] ?? Number.NaN)
    if (c.name !== "node_e0") result[`${c.name}_ratio`] = round((ms[c.name] ?? Number.NaN) / base, 2)
  }
  if (!runner) result.run_image_ms = null
  result.target_version_ratio = 2
  result.target_run_local_ratio = 4
  result.ratio = result.run_local_ratio ?? null
  console.log(JSON.stringify({ bench: "cli-start", ...result }))
} finally {
  up.kill("SIGTERM")
  await new Promise((resolve) => {
    const force = setTimeout(() => up.kill("SIGKILL"), 10_000)
    up.once("exit", () => resolve(clearTimeout(force)))
    if (up.exitCode !== null) resolve(clearTimeout(force))
  })
  rmSync(dir, { recursive: true, force: true })
}

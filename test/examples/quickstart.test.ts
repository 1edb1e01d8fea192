// The README's quick start, run for real: examples/quickstart/walkthrough.sh reads the commands from README.md
// (`bencher up`, then the steps block) and runs them in a fresh folder against a server on a free port, with the
// co-located runner executing the example image in its sandbox (CI is root, so crun or runc).
import { Effect, Either } from "effect"
import { spawn } from "node:child_process"
import { existsSync, mkdtempSync, rmSync } from "node:fs"
import { createServer } from "node:net"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll, describe, expect, it } from "vitest"
import { selectExecutor } from "../../src/runner/executors/select.js"
import { repoRoot, runBencher } from "../helpers/process.js"

const script = join(repoRoot, "examples", "quickstart", "walkthrough.sh")

/** What the host lacks for the walkthrough, or undefined when it can run here. */
const missing = async (): Promise<string | undefined> => {
  const help = await runBencher(["run", "--help"])
  if (!`${help.stdout}${help.stderr}`.includes("--image")) {
    return "`bencher run` has no --image flag; the quick start's remote runs need it"
  }
  if (!existsSync("/bin/busybox")) return "no /bin/busybox (apt-get install busybox-static): the example image needs it"
  const executor = await Effect.runPromise(Effect.either(selectExecutor()))
  if (Either.isLeft(executor)) return `no sandbox for the co-located runner: ${executor.left.message}`
  return undefined
}
const skipReason = await missing()
if (skipReason !== undefined) console.warn(`quickstart walkthrough skipped: ${skipReason}`)

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const server = createServer()
    server.once("error", reject)
    server.listen(0, "127.0.0.1", () => {
      const address = server.address()
      server.close(() =>
        typeof address === "object" && address !== null ? resolve(address.port) : reject(new Error("no port"))
      )
    })
  })

const runScript = (work: string, env: NodeJS.ProcessEnv) =>
  new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = spawn("bash", [script, work], { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] })
    let stdout = ""
    let stderr = ""
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()))
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()))
    child.on("close", (code) => resolve({ code, stdout, stderr }))
  })

/** The steps as the script printed them: `$ <command>`, its output, `[quickstart] exit <code>`. */
const stepsOf = (stdout: string) =>
  [...stdout.matchAll(/^\$ (.+)\n([\s\S]*?)^\[quickstart\] exit (\d+)$/gm)].map((m) => ({
    command: m[1] ?? "",
    output: m[2] ?? "",
    code: Number(m[3])
  }))

const work = mkdtempSync(join(tmpdir(), "bencher-quickstart-"))
afterAll(() => rmSync(work, { recursive: true, force: true }))

describe.skipIf(skipReason !== undefined)("README quick start (examples/quickstart/walkthrough.sh)", () => {
  it("tracks the example image twice without an alert, then catches the regression and exits 1 with --err", async () => {
    const port = await freePort()
    // CI=true as in a CI job; the README's commands all name their project, so none is refused.
    const result = await runScript(work, { BENCHER_HOST: `http://127.0.0.1:${port}`, CI: "true" })
    const transcript = `${result.stdout}\n--- stderr ---\n${result.stderr}`
    expect(result.code, transcript).toBe(0)
    // The admin key the server printed stays out of the transcript.
    expect(result.stdout).not.toMatch(/bencher_user_/)

    const steps = stepsOf(result.stdout)
    const remote = steps.filter((s) => s.command.includes("--image"))
    expect(
      remote.map((s) => s.command.includes("QUICKSTART_SLOWDOWN=4")),
      transcript
    ).toEqual([false, false, true])

    const [first, second, regressed] = remote
    for (const run of [first, second]) {
      expect(run?.code, transcript).toBe(0)
      expect(run?.output).toMatch(/^quickstart::checksum\s+Latency \(ms\)/m)
      expect(run?.output).toMatch(/^quickstart::primes\s+Latency \(ms\)/m)
      expect(run?.output).toContain("No alerts.")
    }
    // The second run already has a boundary (twice the first run's value) and stays under it.
    expect(second?.output).toMatch(/^quickstart::checksum\s+Latency \(ms\)\s+[\d.]+\s+[\d.]+\s+-\s+[\d.]+/m)

    expect(regressed?.code, transcript).toBe(1)
    expect(regressed?.output).toMatch(/^Alerts \(\d+\):$/m)
    expect(regressed?.output).toMatch(/^- .*quickstart::checksum/m)
    expect(regressed?.output).not.toContain("No alerts.")
  }, 180_000)
})

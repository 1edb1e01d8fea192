import { describe, expect, it } from "vitest"
import { execFileSync, spawn } from "node:child_process"
import { copyFileSync, mkdtempSync, readdirSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { repoRoot } from "../helpers/process.js"

describe("single binary", () => {
  it("dist/bencher serves the version endpoint from a folder with nothing else in it", async () => {
    execFileSync("npm", ["run", "--silent", "build:binary"], { cwd: repoRoot, stdio: "pipe" })
    const dir = mkdtempSync(join(tmpdir(), "bencher-bin-"))
    try {
      copyFileSync(join(repoRoot, "dist", "bencher"), join(dir, "bencher"))
      expect(readdirSync(dir)).toEqual(["bencher"])
      const child = spawn(join(dir, "bencher"), ["server", "--port", "0", "--db", join(dir, "b.db")], { cwd: dir })
      const port = await new Promise<string>((resolve, reject) => {
        let out = ""
        child.stdout.on("data", (d: Buffer) => {
          out += d.toString()
          const m = out.match(/listening on http:\/\/127\.0\.0\.1:(\d+)/)
          if (m?.[1] !== undefined) resolve(m[1])
        })
        child.on("exit", (code) => reject(new Error(`binary exited with ${code}: ${out}`)))
      })
      const response = await fetch(`http://127.0.0.1:${port}/v0/server/version`)
      expect(await response.json()).toEqual({ version: expect.stringMatching(/^\d+\.\d+\.\d+/) })
      const exited = new Promise((resolve) => child.on("exit", resolve))
      child.kill("SIGTERM")
      expect(await exited).toBe(0)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  }, 120_000)
})

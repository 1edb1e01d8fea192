import { describe, expect, it } from "vitest"
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { runBencher, spawnBencher } from "../helpers/process.js"

const withTempDir = async (body: (dir: string) => Promise<void>) => {
  const dir = mkdtempSync(join(tmpdir(), "bencher-cli-"))
  try {
    await body(dir)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

const listening = /listening on http:\/\/127\.0\.0\.1:(\d+)/

describe("bencher server (process)", () => {
  it("serves the version endpoint and exits 0 within 2 s of SIGTERM", () =>
    withTempDir(async (dir) => {
      const server = spawnBencher(["server", "--port", "0", "--db", join(dir, "b.db")])
      const match = await server.waitFor(listening)
      const response = await fetch(`http://127.0.0.1:${match[1]}/v0/server/version`)
      expect(await response.json()).toEqual({ version: expect.any(String) })
      const stopAt = Date.now()
      server.child.kill("SIGTERM")
      expect(await server.exited).toBe(0)
      expect(Date.now() - stopAt).toBeLessThan(2000)
    }))

  it("exits 0 within 2 s of SIGINT even with an idle keep-alive connection open", () =>
    withTempDir(async (dir) => {
      const server = spawnBencher(["server", "--port", "0", "--db", join(dir, "b.db")])
      const match = await server.waitFor(listening)
      // Keep-alive connection left idle: it must not hold the process past the deadline.
      await fetch(`http://127.0.0.1:${match[1]}/v0/server/version`)
      const stopAt = Date.now()
      server.child.kill("SIGINT")
      expect(await server.exited).toBe(0)
      expect(Date.now() - stopAt).toBeLessThan(2000)
    }))

  it("reads BENCHER_HOST, BENCHER_PORT and BENCHER_DB from the environment", () =>
    withTempDir(async (dir) => {
      const db = join(dir, "env.db")
      const server = spawnBencher(["server"], { BENCHER_HOST: "127.0.0.1", BENCHER_PORT: "0", BENCHER_DB: db })
      await server.waitFor(listening)
      expect(existsSync(db)).toBe(true)
      server.child.kill("SIGTERM")
      expect(await server.exited).toBe(0)
    }))

  it("starts twice on one database file", () =>
    withTempDir(async (dir) => {
      const db = join(dir, "twice.db")
      for (let i = 0; i < 2; i++) {
        const server = spawnBencher(["server", "--port", "0", "--db", db])
        await server.waitFor(listening)
        server.child.kill("SIGTERM")
        expect(await server.exited).toBe(0)
      }
    }))

  it("refuses a database in a missing folder with one line naming the path, exit 1, nothing created", () =>
    withTempDir(async (dir) => {
      const db = join(dir, "missing", "b.db")
      const result = await runBencher(["server", "--port", "0", "--db", db])
      expect(result.code).toBe(1)
      expect(result.stderr.trim().split("\n")).toHaveLength(1)
      expect(result.stderr).toContain(db)
      expect(readdirSync(dir)).toEqual([])
    }))

  it("refuses a file that is not SQLite, exit 1", () =>
    withTempDir(async (dir) => {
      const db = join(dir, "text.db")
      writeFileSync(db, "definitely not sqlite\n".repeat(100))
      const result = await runBencher(["server", "--port", "0", "--db", db])
      expect(result.code).toBe(1)
      expect(result.stderr).toContain(db)
      expect(result.stderr).toContain("not a database")
    }))

  it("rejects an invalid flag with @effect/cli's message and exit 1", async () => {
    const result = await runBencher(["server", "--port", "not-a-number"])
    expect(result.code).toBe(1)
    expect(result.stdout + result.stderr).toContain("not-a-number")
  })

  it("prints --version and --help", async () => {
    const version = await runBencher(["--version"])
    expect(version.code).toBe(0)
    expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/)
    const help = await runBencher(["--help"])
    expect(help.code).toBe(0)
    expect(help.stdout).toContain("server")
    expect(help.stdout).toContain("--log-level")
  })
})

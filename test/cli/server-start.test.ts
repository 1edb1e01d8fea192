import { describe, expect, it } from "vitest"
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs"
import { createServer } from "node:net"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { spawnBencher } from "../helpers/process.js"

const withTempDir = async (body: (dir: string) => Promise<void>) => {
  const dir = mkdtempSync(join(tmpdir(), "bencher-start-"))
  try {
    await body(dir)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

/** A port nothing listens on right now. */
const freePort = () =>
  new Promise<number>((resolve) => {
    const server = createServer()
    server.listen(0, "127.0.0.1", () => {
      const address = server.address()
      const port = typeof address === "object" && address !== null ? address.port : 0
      server.close(() => resolve(port))
    })
  })

const listening = /listening on http:\/\/127\.0\.0\.1:(\d+)/
const mode = (path: string) => statSync(path).mode & 0o777

describe("bencher server start-up (process)", () => {
  it(
    "writes the admin key file before it answers, and creates the database 0600 and the data dir 0700",
    () =>
      withTempDir(async (dir) => {
        const port = await freePort()
        const keyFile = join(dir, "admin.key")
        const db = join(dir, "b.db")
        const server = spawnBencher(["server", "--port", String(port), "--db", db, "--admin-key-file", keyFile])
        try {
          // Poll as fast as the loop allows; at the first answer the key file must already hold the key.
          let keyAtFirstAnswer: string | undefined
          const deadline = Date.now() + 30_000
          while (keyAtFirstAnswer === undefined && Date.now() < deadline) {
            const answered = await fetch(`http://127.0.0.1:${port}/v0/server/version`).then(
              (r) => r.ok,
              () => false
            )
            if (answered) keyAtFirstAnswer = existsSync(keyFile) ? readFileSync(keyFile, "utf8") : ""
          }
          expect(keyAtFirstAnswer).toMatch(/^bencher_user_\S+\n$/)
          await server.waitFor(listening)
          expect(server.stdout()).toContain(keyAtFirstAnswer?.trim())
          expect(mode(keyFile)).toBe(0o600)
          expect(mode(db)).toBe(0o600)
          expect(mode(`${db}-wal`)).toBe(0o600)
          expect(mode(join(dir, "bencher-data"))).toBe(0o700)
        } finally {
          server.child.kill("SIGTERM")
          await server.exited
        }
      }),
    60_000
  )

  it(
    "a second server on a busy port names the address and exits non-zero",
    () =>
      withTempDir(async (dir) => {
        const first = spawnBencher(["server", "--port", "0", "--db", join(dir, "a.db")])
        try {
          const port = (await first.waitFor(listening))[1]
          const second = spawnBencher(["server", "--port", String(port), "--db", join(dir, "b.db")])
          const code = await second.exited
          expect(code).not.toBe(0)
          expect(second.stderr()).toContain(`address 127.0.0.1:${port} is in use`)
          // the first one serves on
          expect((await fetch(`http://127.0.0.1:${port}/v0/server/version`)).status).toBe(200)
        } finally {
          first.child.kill("SIGTERM")
          await first.exited
        }
      }),
    60_000
  )
})

import { describe, expect, it } from "vitest"
import { existsSync, mkdtempSync, rmSync, statSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { spawnBencher } from "../helpers/process.js"

const listening = /listening on http:\/\/127\.0\.0\.1:(\d+)/

describe("bencher server --data-dir", () => {
  it("keeps registry data in bencher-data next to the db, or where --data-dir / BENCHER_DATA_DIR says", async () => {
    const dir = mkdtempSync(join(tmpdir(), "bencher-data-dir-"))
    try {
      const runs: Array<[Array<string>, NodeJS.ProcessEnv, string]> = [
        [["--db", join(dir, "a.db")], {}, join(dir, "bencher-data")],
        [["--db", join(dir, "b.db"), "--data-dir", join(dir, "flag")], {}, join(dir, "flag")],
        [["--db", join(dir, "c.db")], { BENCHER_DATA_DIR: join(dir, "env") }, join(dir, "env")]
      ]
      for (const [args, env, expected] of runs) {
        const server = spawnBencher(["server", "--port", "0", ...args], env)
        const match = await server.waitFor(listening)
        const ping = await fetch(`http://127.0.0.1:${match[1]}/v2/`)
        expect(ping.status).toBe(401)
        server.child.kill("SIGTERM")
        expect(await server.exited).toBe(0)
        expect(existsSync(join(expected, "blobs", "sha256"))).toBe(true)
        // the token signing key is private to the server's user
        expect(statSync(join(expected, "registry-token.key")).mode & 0o777).toBe(0o600)
      }
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})

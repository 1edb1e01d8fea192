import { describe, expect, it } from "vitest"
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { runBencher, spawnBencher } from "../helpers/process.js"

const listening = /listening on http:\/\/127\.0\.0\.1:(\d+)/
const adminKeyLine = /Admin API key \(shown once, store it now\): (bencher_user_[A-Za-z0-9]{30})/

describe("bencher project", () => {
  it("creates, lists, views, updates and deletes a project through the typed client", async () => {
    const dir = mkdtempSync(join(tmpdir(), "bencher-cli-project-"))
    const server = spawnBencher(["server", "--port", "0", "--db", join(dir, "b.db")])
    try {
      const port = (await server.waitFor(listening))[1]
      const adminKey = adminKeyLine.exec(server.stdout())?.[1] ?? ""
      const env = { BENCHER_HOST: `http://127.0.0.1:${port}`, BENCHER_API_KEY: adminKey }
      expect((await runBencher(["org", "create", "--name", "Acme"], env)).code).toBe(0)

      const created = await runBencher(
        ["project", "create", "acme", "--name", "Rocket Engine", "--visibility", "private"],
        env
      )
      expect(created.code).toBe(0)
      expect(JSON.parse(created.stdout)).toMatchObject({
        name: "Rocket Engine",
        slug: "rocket-engine",
        visibility: "private"
      })

      const listed = await runBencher(["project", "list", "--org", "acme"], env)
      expect((JSON.parse(listed.stdout) as Array<{ slug: string }>).map((p) => p.slug)).toEqual(["rocket-engine"])

      const updated = await runBencher(
        ["project", "update", "rocket-engine", "--name", "Rocket", "--slug", "rocket", "--visibility", "public"],
        env
      )
      expect(JSON.parse(updated.stdout)).toMatchObject({ name: "Rocket", slug: "rocket", visibility: "public" })
      // Anyone may view a public project; the old slug no longer resolves.
      expect(
        JSON.parse((await runBencher(["project", "view", "rocket"], { BENCHER_HOST: env.BENCHER_HOST })).stdout)
      ).toMatchObject({ slug: "rocket" })
      expect((await runBencher(["project", "view", "rocket-engine"], env)).code).toBe(1)

      expect((await runBencher(["project", "delete", "rocket"], env)).code).toBe(0)
      const gone = await runBencher(["project", "view", "rocket"], env)
      expect(gone.code).toBe(1)
      expect(gone.stderr.toLowerCase()).toContain("not found")
    } finally {
      server.child.kill("SIGTERM")
      await server.exited
      rmSync(dir, { recursive: true, force: true })
    }
  }, 120_000)
})

import { describe, expect, it } from "vitest"
import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { runBencher, spawnBencher } from "../helpers/process.js"

const withTempDir = async (body: (dir: string) => Promise<void>) => {
  const dir = mkdtempSync(join(tmpdir(), "bencher-cli-identity-"))
  try {
    await body(dir)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

const listening = /listening on http:\/\/127\.0\.0\.1:(\d+)/
const adminKeyLine = /Admin API key \(shown once, store it now\): (bencher_user_[A-Za-z0-9]{30})/g

const occurrences = (haystack: string, needle: string) => haystack.split(needle).length - 1

describe("bencher server first run", () => {
  it(
    "prints the admin key once, writes it with mode 0600, and never again on later starts",
    () =>
      withTempDir(async (dir) => {
        const db = join(dir, "b.db")
        const keyFile = join(dir, "admin.key")
        const first = spawnBencher(["server", "--port", "0", "--db", db, "--admin-key-file", keyFile])
        const port = (await first.waitFor(listening))[1]
        const key = [...first.stdout().matchAll(adminKeyLine)].map((m) => m[1])
        expect(key).toHaveLength(1)
        const adminKey = key[0] ?? ""
        expect(readFileSync(keyFile, "utf8").trim()).toBe(adminKey)
        expect(statSync(keyFile).mode & 0o777).toBe(0o600)
        const bad = await fetch(`http://127.0.0.1:${port}/v0/user`, {
          headers: { authorization: `Bearer ${adminKey}x` }
        })
        expect(bad.status).toBe(401)
        const me = await fetch(`http://127.0.0.1:${port}/v0/user`, { headers: { authorization: `Bearer ${adminKey}` } })
        expect(((await me.json()) as { admin: boolean }).admin).toBe(true)
        first.child.kill("SIGTERM")
        expect(await first.exited).toBe(0)
        expect(occurrences(first.stdout() + first.stderr(), adminKey.slice(-30))).toBe(1)

        const second = spawnBencher(["server", "--port", "0", "--db", db, "--admin-key-file", join(dir, "again.key")])
        await second.waitFor(listening)
        second.child.kill("SIGTERM")
        expect(await second.exited).toBe(0)
        expect(second.stdout()).not.toMatch(adminKeyLine)
        expect(() => statSync(join(dir, "again.key"))).toThrow()
      }),
    60_000
  )
})

describe("bencher user, org and member", () => {
  it(
    "manage accounts, keys, organizations and members through the typed client",
    () =>
      withTempDir(async (dir) => {
        const server = spawnBencher(["server", "--port", "0", "--db", join(dir, "b.db")])
        try {
          const port = (await server.waitFor(listening))[1]
          const adminKey = [...server.stdout().matchAll(adminKeyLine)].map((m) => m[1])[0] ?? ""
          const env = { BENCHER_HOST: `http://127.0.0.1:${port}`, BENCHER_API_KEY: adminKey }

          const created = await runBencher(["user", "create", "--name", "Grace", "--email", "grace@example.com"], env)
          expect(created.code).toBe(0)
          expect(JSON.parse(created.stdout)).toMatchObject({ slug: "grace", admin: false })

          const key = await runBencher(["user", "key", "create", "grace", "--name", "laptop"], env)
          const graceKey = (JSON.parse(key.stdout) as { key: string }).key
          expect(graceKey).toMatch(/^bencher_user_[A-Za-z0-9]{30}$/)

          const org = await runBencher(["org", "create", "--name", "Grace Labs", "--key", graceKey], env)
          expect(JSON.parse(org.stdout)).toMatchObject({ slug: "grace-labs" })

          const added = await runBencher(
            ["member", "add", "grace-labs", "--email", "admin@localhost", "--role", "member"],
            {
              ...env,
              BENCHER_API_KEY: graceKey
            }
          )
          expect(added.code).toBe(0)
          const members = await runBencher(["member", "list", "grace-labs"], env)
          expect(
            (JSON.parse(members.stdout) as Array<{ slug: string; role: string }>).map((m) => [m.slug, m.role])
          ).toEqual([
            ["grace", "leader"],
            ["admin", "member"]
          ])

          const denied = await runBencher(["org", "plan", "grace-labs", "--set", "team", "--key", graceKey], env)
          expect(denied.code).toBe(1)
          expect(denied.stderr).toContain("Permission denied")
          expect(denied.stderr).not.toContain(graceKey)
        } finally {
          server.child.kill("SIGTERM")
          await server.exited
        }
      }),
    120_000
  )
})

import { describe, expect, it } from "@effect/vitest"
import { Context, Effect, Redacted } from "effect"
import { readdirSync, readFileSync } from "node:fs"
import { basename, dirname, join } from "node:path"
import { hashKey } from "../../src/domain/keys.js"
import { Organizations } from "../../src/identity/organizations.js"
import { ProjectKeys } from "../../src/identity/project-keys.js"
import { Usage } from "../../src/usage/usage.js"
import { clientAs, createUserWithKey, startIdentityServer } from "../helpers/identity.js"
import { insertProject } from "../helpers/store.js"

const call = (url: string, method: string, path: string, credential?: string, body?: unknown) =>
  Effect.promise(async () => {
    const headers: Record<string, string> = {}
    if (credential !== undefined)
      headers["authorization"] = /^(Bearer|Basic) /.test(credential) ? credential : `Bearer ${credential}`
    if (body !== undefined) headers["content-type"] = "application/json"
    const response = await fetch(`${url}${path}`, {
      method,
      headers,
      ...(body === undefined ? {} : { body: JSON.stringify(body) })
    })
    return { status: response.status, text: await response.text() }
  })

/** Org A (leader, member) with a private project and its key; an outsider leads org B. */
const world = Effect.gen(function* () {
  const server = yield* startIdentityServer
  const leader = yield* createUserWithKey(server.admin, server.url, "Leader")
  const member = yield* createUserWithKey(server.admin, server.url, "Member")
  const outsider = yield* createUserWithKey(server.admin, server.url, "Outsider")
  const orgA = yield* leader.client.organizations.create({ payload: { name: "Org A" } })
  yield* outsider.client.organizations.create({ payload: { name: "Org B" } })
  yield* leader.client.members.add({
    path: { organization: orgA.slug },
    payload: { email: member.user.email, role: "member" }
  })
  const organizations = Context.get(server.context, Organizations)
  const orgRow = yield* organizations.get(orgA.uuid)
  const project = yield* insertProject(orgRow.id, "secret-project", "private").pipe(Effect.provide(server.context))
  const created = yield* Context.get(server.context, ProjectKeys).create({ ownerId: project.id, name: "ci" })
  return { server, leader, member, outsider, orgA, orgRow, project, projectKey: Redacted.value(created.plaintext) }
})

const roles = ["admin", "leader", "member", "outsider", "anonymous", "project key"] as const

describe("Identity API", () => {
  it.scopedLive("answers each role x endpoint (read, write, admin) as the permission table says", () =>
    Effect.gen(function* () {
      const w = yield* world
      const credential: Record<(typeof roles)[number], string | undefined> = {
        admin: w.server.adminKey,
        leader: w.leader.key,
        member: w.member.key,
        outsider: w.outsider.key,
        anonymous: undefined,
        "project key": w.projectKey
      }
      const org = w.orgA.slug
      //                 class    method   path                                        body        admin leader member outsider anon key
      const table: ReadonlyArray<readonly [string, string, string, unknown, ReadonlyArray<number>]> = [
        ["read", "GET", `/v0/organizations/${org}`, undefined, [200, 200, 200, 404, 401, 403]],
        ["read", "GET", `/v0/organizations/${org}/members`, undefined, [200, 200, 200, 404, 401, 403]],
        ["read", "GET", `/v0/organizations/${org}/tier`, undefined, [200, 200, 200, 404, 401, 403]],
        ["read", "GET", `/v0/users/${w.leader.user.uuid}/keys`, undefined, [200, 200, 403, 403, 401, 403]],
        ["write", "PATCH", `/v0/organizations/${org}`, { name: "Org A" }, [200, 200, 403, 404, 401, 403]],
        [
          "write",
          "PATCH",
          `/v0/organizations/${org}/members/${w.member.user.uuid}`,
          { role: "member" },
          [200, 200, 403, 404, 401, 403]
        ],
        ["write", "GET", `/v0/organizations/${org}/usage`, undefined, [200, 200, 403, 404, 401, 403]],
        ["write", "POST", "/v0/organizations", { name: "Another" }, [201, 201, 201, 201, 401, 403]],
        ["write", "GET", `/v0/projects/${w.project.uuid}/keys`, undefined, [200, 200, 403, 404, 404, 403]],
        ["admin", "GET", "/v0/users", undefined, [200, 403, 403, 403, 401, 403]],
        ["admin", "PUT", `/v0/organizations/${org}/tier`, { level: "free" }, [200, 403, 403, 403, 401, 403]]
      ]
      const actual: Array<string> = []
      const expected: Array<string> = []
      for (const [kind, method, path, body, statuses] of table) {
        for (const [i, role] of roles.entries()) {
          const response = yield* call(w.server.url, method, path, credential[role], body)
          actual.push(`${kind} ${method} ${path} as ${role}: ${response.status}`)
          expected.push(`${kind} ${method} ${path} as ${role}: ${statuses[i]}`)
        }
      }
      expect(actual).toEqual(expected)
    })
  )

  it.scopedLive("answers every bad credential with the same 401 that never echoes the credential", () =>
    Effect.gen(function* () {
      const w = yield* world
      const { admin, url } = w.server
      const revoked = yield* admin.users.createKey({ path: { user: w.member.user.uuid }, payload: { name: "old" } })
      yield* admin.users.revokeKey({ path: { user: w.member.user.uuid, key: revoked.uuid } })
      const expiring = yield* admin.users.createKey({
        path: { user: w.member.user.uuid },
        payload: { name: "short", ttl: 1 }
      })
      expect((yield* call(url, "GET", "/v0/user", expiring.key)).status).toBe(200)
      yield* Effect.sleep("1100 millis")
      const bad = [
        "Bearer not-a-key",
        `Basic ${Buffer.from(`x:${w.member.key}`).toString("base64")}`,
        `bencher_user_${"A".repeat(30)}`,
        `bencher_user_${"A".repeat(29)}`,
        `bencher_runner_${"A".repeat(30)}`,
        `bencher_run_${"b".repeat(30)}`,
        revoked.key,
        expiring.key
      ]
      const bodies = new Set<string>()
      for (const credential of bad) {
        const response = yield* call(url, "GET", "/v0/user", credential)
        expect(response.status).toBe(401)
        expect(response.text).not.toContain(credential.replace(/^(Bearer|Basic) /, ""))
        bodies.add(JSON.parse(response.text).message as string)
      }
      expect([...bodies]).toEqual(["Invalid credentials"])
    })
  )

  it.scopedLive("rotates and revokes keys with immediate effect", () =>
    Effect.gen(function* () {
      const w = yield* world
      const { url } = w.server
      const self = w.member.client
      const rotated = yield* self.users.rotateKey({ path: { user: w.member.user.uuid, key: w.member.keyUuid } })
      expect(rotated.key).toMatch(/^bencher_user_[A-Za-z0-9]{30}$/)
      expect((yield* call(url, "GET", "/v0/user", w.member.key)).status).toBe(401)
      expect((yield* call(url, "GET", "/v0/user", rotated.key)).status).toBe(200)
      const next = yield* clientAs(url, rotated.key)
      yield* next.users.revokeKey({ path: { user: w.member.user.uuid, key: rotated.uuid } })
      expect((yield* call(url, "GET", "/v0/user", rotated.key)).status).toBe(401)
      const listed = yield* w.server.admin.users.listKeys({ path: { user: w.member.user.uuid } })
      expect(listed.every((k) => k.revoked !== null)).toBe(true)
      expect(JSON.stringify(listed)).not.toContain("bencher_user_")
    })
  )

  it.scopedLive("stores keys only as SHA-256 hashes: the raw database files never contain a plaintext key", () =>
    Effect.gen(function* () {
      const w = yield* world
      const plaintexts = [w.server.adminKey, w.leader.key, w.member.key, w.outsider.key, w.projectKey]
      const created = yield* w.leader.client.projectKeys.create({
        path: { project: w.project.uuid },
        payload: { name: "api" }
      })
      plaintexts.push(created.key)
      const dir = dirname(w.server.db)
      const files = readdirSync(dir).filter((f) => f.startsWith(basename(w.server.db)))
      const raw = Buffer.concat(files.map((f) => readFileSync(join(dir, f))))
      for (const key of plaintexts) {
        expect(raw.includes(Buffer.from(key))).toBe(false)
        expect(raw.includes(Buffer.from(key.slice(-30)))).toBe(false)
        expect(raw.includes(Buffer.from(hashKey(key)))).toBe(true)
      }
    })
  )

  it.scopedLive("lets a user claim an unclaimed organization once and become its leader", () =>
    Effect.gen(function* () {
      const w = yield* world
      const organizations = Context.get(w.server.context, Organizations)
      const unclaimed = yield* organizations.createUnclaimed("192.0.2.1")
      expect(unclaimed.claimed).toBeNull()
      expect(
        (yield* call(w.server.url, "POST", `/v0/organizations/${unclaimed.uuid}/claim`, undefined, {})).status
      ).toBe(401)
      expect(
        (yield* call(w.server.url, "POST", `/v0/organizations/${unclaimed.uuid}/claim`, w.projectKey, {})).status
      ).toBe(403)
      expect(
        (yield* call(w.server.url, "POST", `/v0/organizations/${unclaimed.slug}/claim`, w.member.key, {})).status
      ).toBe(404)
      const claimed = yield* w.member.client.organizations.claim({
        path: { organization: unclaimed.uuid },
        payload: {}
      })
      expect(claimed.claimed).not.toBeNull()
      const members = yield* w.member.client.members.list({ path: { organization: unclaimed.uuid } })
      expect(members.map((m) => [m.uuid, m.role])).toEqual([[w.member.user.uuid, "leader"]])
      const again = yield* Effect.flip(
        w.outsider.client.organizations.claim({ path: { organization: unclaimed.uuid }, payload: {} })
      )
      expect(again._tag).toBe("Conflict")
      const tier = yield* w.member.client.organizations.tier({ path: { organization: unclaimed.uuid } })
      expect(tier.tier).toBe("free")
    })
  )

  it.scopedLive("sets plans by admin and derives priority, timeouts and concurrency per tier", () =>
    Effect.gen(function* () {
      const w = yield* world
      const { admin } = w.server
      const organization = w.orgA.uuid
      const free = yield* admin.organizations.tier({ path: { organization } })
      expect([free.level, free.priority, free.timeout_default, free.timeout_max, free.concurrency]).toEqual([
        "free",
        100,
        300,
        300,
        "one-per-organization"
      ])
      const team = yield* admin.organizations.setTier({ path: { organization }, payload: { level: "team" } })
      expect([team.level, team.priority, team.timeout_default, team.concurrency]).toEqual([
        "team",
        200,
        3600,
        "unlimited"
      ])
      const enterprise = yield* admin.organizations.setTier({
        path: { organization },
        payload: { level: "enterprise" }
      })
      expect([enterprise.priority, enterprise.timeout_default, enterprise.timeout_max]).toEqual([300, 3600, null])
      const seenByLeader = yield* w.leader.client.organizations.tier({ path: { organization } })
      expect(seenByLeader.level).toBe("enterprise")
      const unclaimed = yield* Context.get(w.server.context, Organizations).createUnclaimed("192.0.2.9")
      const unclaimedTier = yield* admin.organizations.tier({ path: { organization: unclaimed.uuid } })
      expect([
        unclaimedTier.tier,
        unclaimedTier.priority,
        unclaimedTier.timeout_max,
        unclaimedTier.concurrency
      ]).toEqual(["unclaimed", 0, 60, "one-per-source-ip"])
    })
  )

  it.scopedLive("reports runner minutes and metrics for a period", () =>
    Effect.gen(function* () {
      const w = yield* world
      const usage = Context.get(w.server.context, Usage)
      const org = w.orgRow.id
      yield* usage.recordRunnerMinutes({
        organizationId: org,
        jobId: 1,
        startedAt: Date.UTC(2026, 0, 1),
        now: Date.UTC(2026, 0, 1, 0, 2, 30)
      })
      yield* usage.recordRunnerMinutes({
        organizationId: org,
        jobId: 2,
        startedAt: Date.UTC(2026, 1, 1),
        now: Date.UTC(2026, 1, 1, 0, 0, 5)
      })
      yield* usage.recordMetrics({
        organizationId: org,
        projectId: w.project.id,
        reportId: 1,
        metrics: 40,
        recordedAt: Date.UTC(2026, 0, 2)
      })
      const january = yield* w.leader.client.organizations.usage({
        path: { organization: w.orgA.slug },
        urlParams: { start: "2026-01-01T00:00:00Z", end: "2026-02-01T00:00:00Z" }
      })
      expect([january.runner_minutes, january.metrics, january.kind]).toEqual([3, 40, "self_hosted_free"])
      const all = yield* w.leader.client.organizations.usage({
        path: { organization: w.orgA.slug },
        urlParams: { start: String(Date.UTC(2025, 0, 1)), end: String(Date.UTC(2027, 0, 1)) }
      })
      expect(all.runner_minutes).toBe(4)
      const backwards = yield* call(
        w.server.url,
        "GET",
        `/v0/organizations/${w.orgA.slug}/usage?start=2026-02-01T00:00:00Z&end=2026-01-01T00:00:00Z`,
        w.leader.key
      )
      expect(backwards.status).toBe(400)
    })
  )

  it.scopedLive("lets a user see and edit only themself unless admin, and only admins grant admin", () =>
    Effect.gen(function* () {
      const w = yield* world
      const me = yield* w.member.client.users.me()
      expect(me.uuid).toBe(w.member.user.uuid)
      const renamed = yield* w.member.client.users.update({
        path: { user: me.uuid },
        payload: { name: "Member Renamed" }
      })
      expect(renamed.name).toBe("Member Renamed")
      const escalate = yield* call(w.server.url, "PATCH", `/v0/users/${me.uuid}`, w.member.key, { admin: true })
      expect(escalate.status).toBe(403)
      const locked = yield* w.server.admin.users.update({ path: { user: me.uuid }, payload: { locked: true } })
      expect(locked.locked).toBe(true)
      expect((yield* call(w.server.url, "GET", "/v0/user", w.member.key)).status).toBe(401)
    })
  )

  it.scopedLive("answers allowed/{permission} for visible organizations and 404 for others", () =>
    Effect.gen(function* () {
      const w = yield* world
      const organization = w.orgA.slug
      const view = yield* w.member.client.organizations.allowed({ path: { organization, permission: "view" } })
      const manage = yield* w.member.client.organizations.allowed({ path: { organization, permission: "manage" } })
      const leader = yield* w.leader.client.organizations.allowed({ path: { organization, permission: "manage" } })
      expect([view.allowed, manage.allowed, leader.allowed]).toEqual([true, false, true])
      const outsider = yield* Effect.flip(
        w.outsider.client.organizations.allowed({ path: { organization, permission: "view" } })
      )
      expect(outsider._tag).toBe("NotFound")
    })
  )

  it.scopedLive("publishes the identity endpoints in the OpenAPI document", () =>
    Effect.gen(function* () {
      const server = yield* startIdentityServer
      const spec = JSON.parse((yield* call(server.url, "GET", "/v0/server/spec")).text) as {
        paths: Record<string, unknown>
      }
      expect(Object.keys(spec.paths)).toEqual(
        expect.arrayContaining([
          "/v0/users/{user}/keys",
          "/v0/organizations/{organization}/claim",
          "/v0/organizations/{organization}/members/{user}",
          "/v0/organizations/{organization}/usage",
          "/v0/projects/{project}/keys/{key}"
        ])
      )
    })
  )

  it.scopedLive("keeps at least one leader in every organization", () =>
    Effect.gen(function* () {
      const w = yield* world
      const demote = yield* Effect.flip(
        w.leader.client.members.update({
          path: { organization: w.orgA.slug, user: w.leader.user.uuid },
          payload: { role: "member" }
        })
      )
      expect(demote._tag).toBe("Conflict")
      yield* w.leader.client.members.update({
        path: { organization: w.orgA.slug, user: w.member.user.uuid },
        payload: { role: "leader" }
      })
      yield* w.leader.client.members.remove({ path: { organization: w.orgA.slug, user: w.leader.user.uuid } })
      const members = yield* w.member.client.members.list({ path: { organization: w.orgA.slug } })
      expect(members.map((m) => m.role)).toEqual(["leader"])
    })
  )
})

import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { createUserWithKey, startIdentityServer } from "../helpers/identity.js"
import { latency, runBody } from "./helpers.js"

const run = (url: string, body: unknown, key?: string) =>
  Effect.promise(async () => {
    const headers: Record<string, string> = { "content-type": "application/json" }
    if (key !== undefined) headers["authorization"] = `Bearer ${key}`
    const response = await fetch(`${url}/v0/run`, { method: "POST", headers, body: JSON.stringify(body) })
    return { status: response.status, body: (await response.json()) as any }
  })

describe("POST /v0/run and identity", () => {
  it.scopedLive(
    "creates an unclaimed project for an anonymous run, which the first signed-in run claims; then anonymous runs get 401",
    () =>
      Effect.gen(function* () {
        const { url, admin } = yield* startIdentityServer
        const first = yield* run(url, runBody([latency("a", 1)]))
        expect(first.status).toBe(201)
        const slug = first.body.project.slug
        expect((yield* run(url, runBody([latency("a", 2)], { project: slug }))).status).toBe(201)

        const alice = yield* createUserWithKey(admin, url, "Alice")
        expect((yield* run(url, runBody([latency("a", 3)], { project: slug }), alice.key)).status).toBe(201)
        const again = yield* run(url, runBody([latency("a", 4)], { project: slug }))
        expect(again.status).toBe(401)
      })
  )

  it.scopedLive("lets a project key run only on its own project", () =>
    Effect.gen(function* () {
      const { url, adminKey, admin } = yield* startIdentityServer
      const mine = (yield* run(url, runBody([latency("a", 1)], { project: "mine" }), adminKey)).body.project
      yield* run(url, runBody([latency("a", 1)], { project: "theirs" }), adminKey)
      const key = yield* admin.projectKeys.create({ path: { project: mine.uuid }, payload: { name: "ci" } })
      expect((yield* run(url, runBody([latency("a", 2)], { project: "mine" }), key.key)).status).toBe(201)
      const elsewhere = yield* run(url, runBody([latency("a", 2)], { project: "theirs" }), key.key)
      expect([403, 404]).toContain(elsewhere.status)
      const onTheFly = yield* run(url, runBody([latency("a", 2)]), key.key)
      expect(onTheFly.status).toBe(400)
    })
  )

  it.scopedLive("meters the metrics of every report in the organization's usage", () =>
    Effect.gen(function* () {
      const { url, adminKey, admin } = yield* startIdentityServer
      const report = (yield* run(
        url,
        runBody([{ a: { latency: { value: 1 } }, b: { latency: { value: 2 }, throughput: { value: 3 } } }], {
          project: "meter"
        }),
        adminKey
      )).body
      const usage = yield* admin.organizations.usage({
        path: { organization: report.project.organization },
        urlParams: {}
      })
      expect(JSON.stringify(usage)).toContain("3")
    })
  )

  it.scopedLive("lists only the projects the caller may see, with a matching X-Total-Count", () =>
    Effect.gen(function* () {
      const { url, adminKey } = yield* startIdentityServer
      yield* run(url, runBody([latency("a", 1)], { project: "open" }), adminKey)
      yield* run(url, runBody([latency("a", 1)], { project: "closed" }), adminKey)
      const patch = yield* Effect.promise(() =>
        fetch(`${url}/v0/projects/closed`, {
          method: "PATCH",
          headers: { "content-type": "application/json", authorization: `Bearer ${adminKey}` },
          body: JSON.stringify({ visibility: "private" })
        })
      )
      expect(patch.status).toBe(200)
      const list = (key?: string) =>
        Effect.promise(async () => {
          const response = await fetch(`${url}/v0/projects`, {
            headers: key === undefined ? {} : { authorization: `Bearer ${key}` }
          })
          return {
            total: response.headers.get("x-total-count"),
            slugs: ((await response.json()) as Array<{ slug: string }>).map((p) => p.slug)
          }
        })
      expect(yield* list()).toEqual({ total: "1", slugs: ["open"] })
      expect(yield* list(adminKey)).toEqual({ total: "2", slugs: ["closed", "open"] })
      const hidden = yield* Effect.promise(() => fetch(`${url}/v0/projects/closed`))
      expect(hidden.status).toBe(404)
    })
  )
})

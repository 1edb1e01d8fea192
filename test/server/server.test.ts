import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { readFileSync } from "node:fs"
import { join } from "node:path"
import { repoRoot } from "../helpers/process.js"
import { startTestServer } from "../helpers/server.js"

const packageVersion = (JSON.parse(readFileSync(join(repoRoot, "package.json"), "utf8")) as { version: string }).version

describe("bencher server", () => {
  it.scopedLive("answers GET /v0/server/version with the package version", () =>
    Effect.gen(function* () {
      const { client } = yield* startTestServer()
      const body = yield* client.server.version()
      expect(body.version).toBe(packageVersion)
    })
  )

  it.scopedLive("serves the OpenAPI document generated from the HttpApi contract", () =>
    Effect.gen(function* () {
      const { url } = yield* startTestServer()
      const response = yield* Effect.promise(() => fetch(`${url}/v0/server/spec`))
      const spec = (yield* Effect.promise(() => response.json())) as {
        openapi: string
        paths: Record<string, unknown>
        info: { version: string }
      }
      expect(response.status).toBe(200)
      expect(spec.openapi).toMatch(/^3\./)
      expect(Object.keys(spec.paths)).toEqual(expect.arrayContaining(["/v0/server/version", "/v0/server/spec"]))
      expect(spec.info.version).toBe(packageVersion)
    })
  )

  it.scopedLive("answers unknown routes with a JSON 404", () =>
    Effect.gen(function* () {
      const { url } = yield* startTestServer()
      const response = yield* Effect.promise(() => fetch(`${url}/v0/nothing/here`))
      const body = (yield* Effect.promise(() => response.json())) as { message: string; request_id: string }
      expect(response.status).toBe(404)
      expect(body.message).toContain("/v0/nothing/here")
      expect(typeof body.request_id).toBe("string")
    })
  )

  it.scopedLive("rejects a request body over the limit with 413", () =>
    Effect.gen(function* () {
      const { url } = yield* startTestServer({ maxBodyBytes: 1024 })
      const response = yield* Effect.promise(() =>
        fetch(`${url}/v0/server/version`, {
          method: "POST",
          body: "x".repeat(4096),
          headers: { "content-type": "text/plain" }
        })
      )
      const body = (yield* Effect.promise(() => response.json())) as { message: string }
      expect(response.status).toBe(413)
      expect(body.message).toContain("1024")
    })
  )

  it.scopedLive("accepts the default limit of 4 MiB and refuses one byte more", () =>
    Effect.gen(function* () {
      const { url } = yield* startTestServer()
      const over = yield* Effect.promise(() =>
        fetch(`${url}/v0/server/version`, { method: "POST", body: "x".repeat(4 * 1024 * 1024 + 1) })
      )
      expect(over.status).toBe(413)
      const under = yield* Effect.promise(() =>
        fetch(`${url}/v0/server/version`, { method: "POST", body: "x".repeat(1024) })
      )
      expect(under.status).not.toBe(413)
    })
  )
})

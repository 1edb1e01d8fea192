import { describe, expect, it } from "@effect/vitest"
import { Context, Effect } from "effect"
import { RegistryTokens } from "../../src/registry/tokens.js"
import { bearer, fetchToken, ociCode, type Registry, sha256, withRegistry } from "./fixture.js"

const claimsOf = (token: string) =>
  JSON.parse(Buffer.from(token.split(".")[0] ?? "", "base64url").toString("utf8")) as {
    aud: string
    sub: string
    access: Array<{ project: string; actions: Array<string> }>
    exp: number
    iat: number
  }

const tokensOf = (r: Registry) => Context.get(r.context as Context.Context<RegistryTokens>, RegistryTokens)

const upload = (r: Registry, slug: string, headers: Record<string, string> = {}) =>
  fetch(`${r.url}/v2/${slug}/blobs/uploads/?digest=${sha256("x")}`, { method: "POST", body: "x", headers })

describe("registry auth: the docker token flow", () => {
  it.scopedLive("answers GET /v2/ without credentials with 401 and a Bearer challenge naming the token endpoint", () =>
    withRegistry(async (r) => {
      const response = await fetch(`${r.url}/v2/`)
      expect(response.status).toBe(401)
      expect(await ociCode(response)).toBe("UNAUTHORIZED")
      expect(response.headers.get("www-authenticate")).toBe(
        `Bearer realm="http://${r.host}/v0/auth/oci/token",service="${r.host}"`
      )
      const token = (await fetchToken(r.url, "", r.key)).token
      const ok = await fetch(`${r.url}/v2/`, { headers: bearer(token) })
      expect(ok.status).toBe(200)
      expect(ok.headers.get("docker-distribution-api-version")).toBe("registry/2.0")
    })
  )

  it.scopedLive("grants pull,push to Basic credentials and only pull of public projects to anonymous callers", () =>
    withRegistry(async (r) => {
      const open = await r.project("open")
      const closed = await r.project("closed", "private")
      const user = await fetchToken(r.url, "repository:open:pull,push", r.key)
      expect(user.status).toBe(200)
      expect(user.access_token).toBe(user.token)
      expect(user.expires_in).toBe(300)
      expect(claimsOf(user.token).access).toEqual([{ project: open.uuid, actions: ["pull", "push"] }])

      const anonymous = await fetchToken(r.url, "repository:open:pull,push")
      expect(claimsOf(anonymous.token).access).toEqual([{ project: open.uuid, actions: ["pull"] }])
      const anonymousPrivate = await fetchToken(r.url, `repository:${closed.uuid}:pull`)
      expect(claimsOf(anonymousPrivate.token).access).toEqual([])

      const emptyPassword = await fetch(`${r.url}/v0/auth/oci/token?scope=repository:open:pull`, {
        headers: { authorization: `Basic ${Buffer.from("user:").toString("base64")}` }
      })
      expect(emptyPassword.status).toBe(401)
      expect(await ociCode(emptyPassword)).toBe("UNAUTHORIZED")
    })
  )

  it.scopedLive("lets anyone pull a public project without a token; a private one needs a token", () =>
    withRegistry(async (r) => {
      await r.project("open")
      await r.project("closed", "private")
      for (const slug of ["open", "closed"]) {
        const t = (await fetchToken(r.url, `repository:${slug}:pull,push`, r.key)).token
        expect((await upload(r, slug, bearer(t))).status).toBe(201)
      }
      expect((await fetch(`${r.url}/v2/open/blobs/${sha256("x")}`)).status).toBe(200)
      const closed = await fetch(`${r.url}/v2/closed/blobs/${sha256("x")}`)
      expect(closed.status).toBe(401)
      expect(closed.headers.get("www-authenticate")).toContain(`scope="repository:closed:pull"`)
      const pullToken = (await fetchToken(r.url, "repository:closed:pull", r.key)).token
      expect((await fetch(`${r.url}/v2/closed/blobs/${sha256("x")}`, { headers: bearer(pullToken) })).status).toBe(200)
    })
  )

  it.scopedLive("refuses a push without a token with 401 and the pull,push challenge; a pull-only token gets 403", () =>
    withRegistry(async (r) => {
      await r.project("open")
      const none = await upload(r, "open")
      expect(none.status).toBe(401)
      expect(await ociCode(none)).toBe("UNAUTHORIZED")
      expect(none.headers.get("www-authenticate")).toBe(
        `Bearer realm="http://${r.host}/v0/auth/oci/token",service="${r.host}",scope="repository:open:pull,push"`
      )
      const anonymous = (await fetchToken(r.url, "repository:open:pull,push")).token
      const denied = await upload(r, "open", bearer(anonymous))
      expect(denied.status).toBe(403)
      expect(await ociCode(denied)).toBe("DENIED")
      expect(r.blobFiles()).toEqual([])
    })
  )

  it.scopedLive("gives runners a 10-minute pull-only token for one project", () =>
    withRegistry(async (r) => {
      const project = await r.project("closed", "private")
      await r.project("elsewhere", "private")
      const push = (await fetchToken(r.url, "repository:closed:pull,push", r.key)).token
      await upload(r, "closed", bearer(push))
      const elsewhere = (await fetchToken(r.url, "repository:elsewhere:pull,push", r.key)).token
      await upload(r, "elsewhere", bearer(elsewhere))

      const minted = await Effect.runPromise(tokensOf(r).mintRunnerPullToken(project.uuid, "runner-1"))
      expect(minted.expiresIn).toBe(600)
      const claims = claimsOf(minted.token)
      expect(claims).toMatchObject({
        aud: "OciRunner",
        sub: "runner-1",
        access: [{ project: project.uuid, actions: ["pull"] }]
      })
      expect(claims.exp - claims.iat).toBe(600)

      expect((await fetch(`${r.url}/v2/closed/blobs/${sha256("x")}`, { headers: bearer(minted.token) })).status).toBe(
        200
      )
      expect(
        (await fetch(`${r.url}/v2/${project.uuid}/blobs/${sha256("x")}`, { headers: bearer(minted.token) })).status
      ).toBe(200)
      // another private project is unknown to this token (a 403 would say it exists)
      expect(
        (await fetch(`${r.url}/v2/elsewhere/blobs/${sha256("x")}`, { headers: bearer(minted.token) })).status
      ).toBe(404)
      expect((await upload(r, "closed", bearer(minted.token))).status).toBe(403)
    })
  )

  it.scopedLive(
    "answers 404 NAME_UNKNOWN, as for a missing repository, to a token that may not see a private one",
    () =>
      withRegistry(async (r) => {
        const closed = await r.project("closed", "private")
        const owner = (await fetchToken(r.url, "repository:closed:pull,push", r.key)).token
        expect((await upload(r, "closed", bearer(owner))).status).toBe(201)
        const anonymous = (await fetchToken(r.url, "repository:closed:pull,push")).token
        const otherUser = (
          await Effect.runPromise(tokensOf(r).mint({ aud: "OciAuth", sub: "user:someone-else", access: [] }, 300))
        ).token
        for (const token of [anonymous, otherUser]) {
          for (const path of [
            `closed/blobs/${sha256("x")}`,
            "closed/manifests/v1",
            "closed/tags/list",
            `${closed.uuid}/tags/list`
          ]) {
            const response = await fetch(`${r.url}/v2/${path}`, { headers: bearer(token) })
            expect(response.status, path).toBe(404)
            expect(await ociCode(response)).toBe("NAME_UNKNOWN")
          }
          const push = await upload(r, "closed", bearer(token))
          expect(push.status).toBe(404)
          expect(await ociCode(push)).toBe("NAME_UNKNOWN")
          const missing = await fetch(`${r.url}/v2/nowhere/tags/list`, { headers: bearer(token) })
          expect(missing.status).toBe(404)
          expect(await ociCode(missing)).toBe("NAME_UNKNOWN")
        }
      })
  )

  it.scopedLive("rejects expired and tampered tokens with 401", () =>
    withRegistry(async (r) => {
      const project = await r.project("closed", "private")
      const expired = await Effect.runPromise(
        tokensOf(r).mint(
          { aud: "OciAuth", sub: "user:x", access: [{ project: project.uuid, actions: ["pull", "push"] }] },
          -1
        )
      )
      const response = await fetch(`${r.url}/v2/closed/tags/list`, { headers: bearer(expired.token) })
      expect(response.status).toBe(401)
      expect(((await response.json()) as { errors: Array<{ message: string }> }).errors[0]?.message).toContain(
        "expired"
      )

      const valid = (await fetchToken(r.url, "repository:closed:pull", r.key)).token
      const [payload, signature] = valid.split(".")
      const claims = JSON.parse(Buffer.from(payload ?? "", "base64url").toString("utf8")) as {
        access: Array<{ actions: Array<string> }>
      }
      claims.access[0]!.actions = ["pull", "push"]
      const forged = `${Buffer.from(JSON.stringify(claims)).toString("base64url")}.${signature}`
      const tampered = await upload(r, "closed", bearer(forged))
      expect(tampered.status).toBe(401)
    })
  )
})

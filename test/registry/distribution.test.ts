import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import * as fs from "node:fs"
import * as http from "node:http"
import { join } from "node:path"
import { pushLayout, RegistryClient } from "../../src/image/client.js"
import { resolveDigest } from "../../src/registry/image-registry.js"
import { MediaType } from "../../src/oci/index.js"
import {
  bearer,
  fetchToken,
  ociCode,
  rawRequest,
  type Registry,
  sha256,
  startRegistry,
  withRegistry
} from "./fixture.js"
import { buildTestImage, makeIndexLayout, tempFolder } from "./images.js"

const pushToken = async (r: Registry, slug: string) =>
  (await fetchToken(r.url, `repository:${slug}:pull,push`, r.key)).token

const monolithic = async (r: Registry, slug: string, token: string, body: Uint8Array | string, digest = sha256(body)) =>
  fetch(`${r.url}/v2/${slug}/blobs/uploads/?digest=${digest}`, { method: "POST", body, headers: bearer(token) })

const startUpload = async (r: Registry, slug: string, token: string) => {
  const response = await fetch(`${r.url}/v2/${slug}/blobs/uploads/`, { method: "POST", headers: bearer(token) })
  expect(response.status).toBe(202)
  return response.headers.get("location") ?? ""
}

const manifestFor = (
  config: { digest: string; size: number },
  layers: ReadonlyArray<{ digest: string; size: number }>
) =>
  JSON.stringify({
    schemaVersion: 2,
    mediaType: MediaType.ociManifest,
    config: { mediaType: MediaType.ociConfig, digest: config.digest, size: config.size },
    layers: layers.map((l) => ({ mediaType: MediaType.ociLayerGzip, digest: l.digest, size: l.size }))
  })

const putManifest = (
  r: Registry,
  slug: string,
  token: string,
  reference: string,
  body: string | Uint8Array,
  contentType: string = MediaType.ociManifest
) =>
  fetch(`${r.url}/v2/${slug}/manifests/${reference}`, {
    method: "PUT",
    body,
    headers: { ...bearer(token), "content-type": contentType }
  })

describe("OCI distribution API: blobs", () => {
  it.scopedLive("stores a monolithic upload under its digest and serves it with HEAD, GET and Range", () =>
    withRegistry(async (r) => {
      await r.project("demo")
      const token = await pushToken(r, "demo")
      const body = "0123456789abcdef"
      const created = await monolithic(r, "demo", token, body)
      expect(created.status).toBe(201)
      expect(created.headers.get("docker-content-digest")).toBe(sha256(body))
      expect(created.headers.get("location")).toBe(`/v2/demo/blobs/${sha256(body)}`)

      const head = await fetch(`${r.url}/v2/demo/blobs/${sha256(body)}`, { method: "HEAD" })
      expect(head.status).toBe(200)
      expect(head.headers.get("content-length")).toBe("16")
      expect(head.headers.get("docker-content-digest")).toBe(sha256(body))

      const get = await fetch(`${r.url}/v2/demo/blobs/${sha256(body)}`)
      expect(await get.text()).toBe(body)

      const range = await fetch(`${r.url}/v2/demo/blobs/${sha256(body)}`, { headers: { range: "bytes=4-7" } })
      expect(range.status).toBe(206)
      expect(range.headers.get("content-range")).toBe("bytes 4-7/16")
      expect(await range.text()).toBe("4567")

      const suffix = await fetch(`${r.url}/v2/demo/blobs/${sha256(body)}`, { headers: { range: "bytes=-3" } })
      expect(await suffix.text()).toBe("def")

      const unsatisfiable = await fetch(`${r.url}/v2/demo/blobs/${sha256(body)}`, { headers: { range: "bytes=99-" } })
      expect(unsatisfiable.status).toBe(416)
      expect(unsatisfiable.headers.get("content-range")).toBe("bytes */16")
    })
  )

  it.scopedLive("assembles a chunked upload from PATCHes and verifies the digest on PUT", () =>
    withRegistry(async (r) => {
      await r.project("demo")
      const token = await pushToken(r, "demo")
      const parts = ["first chunk|", "second chunk|", "last"]
      const whole = parts.join("")
      let location = await startUpload(r, "demo", token)
      let offset = 0
      for (const part of parts.slice(0, 2)) {
        const patch = await fetch(new URL(location, r.url), {
          method: "PATCH",
          body: part,
          headers: {
            ...bearer(token),
            "content-range": `${offset}-${offset + part.length - 1}`,
            "content-type": "application/octet-stream"
          }
        })
        expect(patch.status).toBe(202)
        offset += part.length
        expect(patch.headers.get("range")).toBe(`0-${offset - 1}`)
        location = patch.headers.get("location") ?? ""
      }
      const status = await fetch(new URL(location, r.url), { headers: bearer(token) })
      expect(status.status).toBe(204)
      expect(status.headers.get("range")).toBe(`0-${offset - 1}`)

      const url = new URL(location, r.url)
      url.searchParams.set("digest", sha256(whole))
      const put = await fetch(url, { method: "PUT", body: parts[2] ?? "", headers: bearer(token) })
      expect(put.status).toBe(201)
      const get = await fetch(`${r.url}/v2/demo/blobs/${sha256(whole)}`)
      expect(await get.text()).toBe(whole)
      expect(r.leftovers()).toEqual([])
    })
  )

  it.scopedLive("answers a chunk that does not start at the current offset with 416 and the current Range", () =>
    withRegistry(async (r) => {
      await r.project("demo")
      const token = await pushToken(r, "demo")
      const location = await startUpload(r, "demo", token)
      await fetch(new URL(location, r.url), {
        method: "PATCH",
        body: "abcd",
        headers: { ...bearer(token), "content-range": "0-3" }
      })
      const skip = await fetch(new URL(location, r.url), {
        method: "PATCH",
        body: "zz",
        headers: { ...bearer(token), "content-range": "10-11" }
      })
      expect(skip.status).toBe(416)
      expect(skip.headers.get("range")).toBe("0-3")
      expect(await ociCode(skip)).toBe("BLOB_UPLOAD_INVALID")
      const cancel = await fetch(new URL(location, r.url), { method: "DELETE", headers: bearer(token) })
      expect(cancel.status).toBe(204)
      const gone = await fetch(new URL(location, r.url), { headers: bearer(token) })
      expect(gone.status).toBe(404)
      expect(await ociCode(gone)).toBe("BLOB_UPLOAD_UNKNOWN")
      expect(r.leftovers()).toEqual([])
    })
  )

  it.scopedLive("rejects a digest mismatch with DIGEST_INVALID and keeps nothing (monolithic and chunked)", () =>
    withRegistry(async (r) => {
      await r.project("demo")
      const token = await pushToken(r, "demo")
      const wrong = sha256("something else")
      const mono = await monolithic(r, "demo", token, "the bytes", wrong)
      expect(mono.status).toBe(400)
      expect(await ociCode(mono)).toBe("DIGEST_INVALID")

      const location = await startUpload(r, "demo", token)
      await fetch(new URL(location, r.url), { method: "PATCH", body: "the bytes", headers: bearer(token) })
      const url = new URL(location, r.url)
      url.searchParams.set("digest", wrong)
      const put = await fetch(url, { method: "PUT", headers: bearer(token) })
      expect(put.status).toBe(400)
      expect(await ociCode(put)).toBe("DIGEST_INVALID")

      const malformed = await fetch(`${r.url}/v2/demo/blobs/uploads/?digest=sha256:nothex`, {
        method: "POST",
        body: "x",
        headers: bearer(token)
      })
      expect(malformed.status).toBe(400)
      expect(await ociCode(malformed)).toBe("DIGEST_INVALID")

      expect((await fetch(`${r.url}/v2/demo/blobs/${sha256("the bytes")}`, { method: "HEAD" })).status).toBe(404)
      expect(r.blobFiles()).toEqual([])
      expect(r.leftovers()).toEqual([])
    })
  )

  it.scopedLive("keeps nothing of an upload whose client disconnects half-way", () =>
    withRegistry(async (r) => {
      await r.project("demo")
      const token = await pushToken(r, "demo")
      const location = await startUpload(r, "demo", token)
      const cut = (path: string, method: string) =>
        new Promise<void>((resolve) => {
          const { hostname, port } = new URL(r.url)
          const req = http.request({
            hostname,
            port,
            method,
            path,
            headers: { ...bearer(token), "content-length": String(1024 * 1024) }
          })
          req.on("error", () => resolve())
          req.write(Buffer.alloc(64 * 1024, 1), () =>
            setTimeout(() => {
              req.destroy()
              resolve()
            }, 100)
          )
        })
      await cut(`/v2/demo/blobs/uploads/?digest=${sha256("never")}`, "POST")
      await cut(location, "PATCH")
      for (let i = 0; i < 50 && r.leftovers().length > 0; i++) await new Promise((done) => setTimeout(done, 50))
      expect(r.leftovers()).toEqual([])
      expect(r.blobFiles()).toEqual([])
      const gone = await fetch(new URL(location, r.url), { headers: bearer(token) })
      expect(await ociCode(gone)).toBe("BLOB_UPLOAD_UNKNOWN")
    })
  )

  it.scopedLive("mounts a blob from another repository the caller can pull, without re-uploading it", () =>
    withRegistry(async (r) => {
      await r.project("source")
      await r.project("target")
      const body = "shared layer bytes"
      expect((await monolithic(r, "source", await pushToken(r, "source"), body)).status).toBe(201)
      const token = (await fetchToken(r.url, "repository:target:pull,push", r.key)).token
      const before = r.blobFiles().length
      const mount = await fetch(`${r.url}/v2/target/blobs/uploads/?mount=${sha256(body)}&from=source`, {
        method: "POST",
        headers: bearer(token)
      })
      expect(mount.status).toBe(201)
      expect(mount.headers.get("location")).toBe(`/v2/target/blobs/${sha256(body)}`)
      expect(await (await fetch(`${r.url}/v2/target/blobs/${sha256(body)}`)).text()).toBe(body)
      expect(r.blobFiles().length).toBe(before)

      const unknown = await fetch(`${r.url}/v2/target/blobs/uploads/?mount=${sha256("nope")}&from=source`, {
        method: "POST",
        headers: bearer(token)
      })
      expect(unknown.status).toBe(202)
    })
  )

  it.scopedLive("stores each blob once when the same image is pushed twice and to a second project", () =>
    withRegistry(async (r) => {
      await r.project("demo")
      await r.project("other")
      const layout = tempFolder()
      await buildTestImage({ output: layout, tag: "v1", files: { "big.bin": Buffer.alloc(256 * 1024, 7) } })
      const first = await pushLayout({ host: r.url, repository: "demo", key: r.key, layout, tag: "v1" })
      expect(first.uploaded).toBe(2)
      const files = r.blobFiles().length
      const second = await pushLayout({ host: r.url, repository: "demo", key: r.key, layout, tag: "v2" })
      expect(second.uploaded).toBe(0)
      expect(second.digest).toBe(first.digest)
      const third = await pushLayout({ host: r.url, repository: "other", key: r.key, layout, tag: "v1" })
      expect(third.uploaded).toBe(2)
      expect(r.blobFiles().length).toBe(files)
      // config + layer + manifest, each once
      expect(files).toBe(3)
    })
  )

  it.scopedLive("deletes a blob from a repository; the other repository still serves it", () =>
    withRegistry(async (r) => {
      await r.project("demo")
      await r.project("other")
      const body = "deletable"
      await monolithic(r, "demo", await pushToken(r, "demo"), body)
      await monolithic(r, "other", await pushToken(r, "other"), body)
      const del = await fetch(`${r.url}/v2/demo/blobs/${sha256(body)}`, {
        method: "DELETE",
        headers: bearer(await pushToken(r, "demo"))
      })
      expect(del.status).toBe(202)
      expect((await fetch(`${r.url}/v2/demo/blobs/${sha256(body)}`)).status).toBe(404)
      expect((await fetch(`${r.url}/v2/other/blobs/${sha256(body)}`)).status).toBe(200)
    })
  )
})

describe("OCI distribution API: manifests and tags", () => {
  it.scopedLive(
    "rejects a manifest that references blobs the repository does not hold with MANIFEST_BLOB_UNKNOWN",
    () =>
      withRegistry(async (r) => {
        await r.project("demo")
        await r.project("other")
        const token = await pushToken(r, "demo")
        const config = "{}"
        await monolithic(r, "demo", token, config)
        // held by another project only: still unknown here
        await monolithic(r, "other", await pushToken(r, "other"), "layer")
        const manifest = manifestFor({ digest: sha256(config), size: 2 }, [{ digest: sha256("layer"), size: 5 }])
        const response = await putManifest(r, "demo", token, "v1", manifest)
        expect(response.status).toBe(400)
        expect(await ociCode(response)).toBe("MANIFEST_BLOB_UNKNOWN")
        expect((await fetch(`${r.url}/v2/demo/manifests/v1`)).status).toBe(404)
        expect(await (await fetch(`${r.url}/v2/demo/tags/list`)).json()).toEqual({ name: "demo", tags: [] })
        expect(r.blobFiles().map((f) => f.split("/").pop())).not.toContain(sha256(manifest).slice(7))
      })
  )

  it.scopedLive("rejects a manifest over 4 MiB with 413 SIZE_INVALID and stores nothing", () =>
    withRegistry(async (r) => {
      await r.project("demo")
      const token = await pushToken(r, "demo")
      const huge = JSON.stringify({
        schemaVersion: 2,
        mediaType: MediaType.ociManifest,
        annotations: { pad: "x".repeat(4 * 1024 * 1024) }
      })
      const response = await putManifest(r, "demo", token, "big", huge)
      expect(response.status).toBe(413)
      expect(await ociCode(response)).toBe("SIZE_INVALID")
      expect(r.blobFiles()).toEqual([])
      expect(r.leftovers()).toEqual([])
    })
  )

  it.scopedLive("rejects malformed manifests, a digest reference that does not match and an invalid tag", () =>
    withRegistry(async (r) => {
      await r.project("demo")
      const token = await pushToken(r, "demo")
      const cases: Array<[string, string, string, number, string]> = [
        ["v1", "not json", MediaType.ociManifest, 400, "MANIFEST_INVALID"],
        [
          "v1",
          JSON.stringify({ schemaVersion: 2, mediaType: MediaType.ociManifest, layers: [] }),
          MediaType.ociManifest,
          400,
          "MANIFEST_INVALID"
        ],
        [
          "v1",
          JSON.stringify({ schemaVersion: 2, mediaType: MediaType.ociIndex, manifests: [] }),
          MediaType.ociManifest,
          400,
          "MANIFEST_INVALID"
        ],
        [
          "v1",
          JSON.stringify({
            schemaVersion: 2,
            manifests: [{ mediaType: MediaType.ociManifest, digest: "sha256:zz", size: 1 }]
          }),
          MediaType.ociIndex,
          400,
          "MANIFEST_INVALID"
        ],
        [
          sha256("other"),
          JSON.stringify({ schemaVersion: 2, mediaType: MediaType.ociIndex, manifests: [] }),
          MediaType.ociIndex,
          400,
          "DIGEST_INVALID"
        ],
        [
          ".bad-tag",
          JSON.stringify({ schemaVersion: 2, mediaType: MediaType.ociIndex, manifests: [] }),
          MediaType.ociIndex,
          400,
          "MANIFEST_INVALID"
        ],
        [
          "x".repeat(129),
          JSON.stringify({ schemaVersion: 2, mediaType: MediaType.ociIndex, manifests: [] }),
          MediaType.ociIndex,
          400,
          "MANIFEST_INVALID"
        ]
      ]
      for (const [reference, body, type, status, code] of cases) {
        const response = await putManifest(r, "demo", token, reference, body, type)
        expect({ reference, status: response.status, code: await ociCode(response) }).toEqual({
          reference,
          status,
          code
        })
      }
      expect(r.blobFiles()).toEqual([])
      expect(await (await fetch(`${r.url}/v2/demo/tags/list`)).json()).toEqual({ name: "demo", tags: [] })
    })
  )

  it.scopedLive("answers path traversal and names that are not project slugs with NAME_INVALID", () =>
    withRegistry(async (r) => {
      await r.project("demo")
      const paths = [
        "/v2/../../etc/blobs/" + sha256("x"),
        "/v2/..%2F..%2Fetc/manifests/latest",
        "/v2/demo/../other/tags/list",
        "/v2/Demo/tags/list",
        "/v2/org/demo/manifests/latest",
        "/v2/%2e%2e/blobs/uploads/"
      ]
      for (const path of paths) {
        const response = await rawRequest(r.url, "GET", path)
        expect({ path, status: response.status }).toEqual({ path, status: 400 })
        expect(JSON.parse(response.body).errors[0].code).toBe("NAME_INVALID")
      }
      const unknown = await fetch(`${r.url}/v2/no-such-project/manifests/latest`, {
        headers: bearer(await pushToken(r, "demo"))
      })
      expect(unknown.status).toBe(404)
      expect(await ociCode(unknown)).toBe("NAME_UNKNOWN")
    })
  )

  it.scopedLive("lists tags in lexical order with n/last pagination and a Link header", () =>
    withRegistry(async (r) => {
      await r.project("demo")
      const layout = tempFolder()
      await buildTestImage({ output: layout, tag: "v1" })
      for (const tag of ["c", "a", "b", "d", "e"]) {
        await pushLayout({ host: r.url, repository: "demo", key: r.key, layout, tag, sourceTag: "v1" })
      }
      const all = await fetch(`${r.url}/v2/demo/tags/list`)
      expect(await all.json()).toEqual({ name: "demo", tags: ["a", "b", "c", "d", "e"] })
      const page = await fetch(`${r.url}/v2/demo/tags/list?n=2&last=b`)
      expect(await page.json()).toEqual({ name: "demo", tags: ["c", "d"] })
      expect(page.headers.get("link")).toBe(`</v2/demo/tags/list?n=2&last=d>; rel="next"`)
      const lastPage = await fetch(`${r.url}/v2/demo/tags/list?n=2&last=d`)
      expect(await lastPage.json()).toEqual({ name: "demo", tags: ["e"] })
      expect(lastPage.headers.get("link")).toBeNull()
    })
  )

  it.scopedLive("serves manifests by tag and digest, deletes a tag, then the manifest by digest", () =>
    withRegistry(async (r) => {
      await r.project("demo")
      const layout = tempFolder()
      const built = await buildTestImage({ output: layout, tag: "v1" })
      await pushLayout({ host: r.url, repository: "demo", key: r.key, layout, tag: "v1" })
      await pushLayout({ host: r.url, repository: "demo", key: r.key, layout, tag: "v2", sourceTag: "v1" })
      const byTag = await fetch(`${r.url}/v2/demo/manifests/v1`)
      expect(byTag.headers.get("content-type")).toBe(MediaType.ociManifest)
      expect(byTag.headers.get("docker-content-digest")).toBe(built.digest)
      expect(sha256(new Uint8Array(await byTag.arrayBuffer()))).toBe(built.digest)
      const head = await fetch(`${r.url}/v2/demo/manifests/${built.digest}`, { method: "HEAD" })
      expect(head.status).toBe(200)
      expect(head.headers.get("content-length")).toBe(String(built.size))

      const token = await pushToken(r, "demo")
      expect((await fetch(`${r.url}/v2/demo/manifests/v1`, { method: "DELETE", headers: bearer(token) })).status).toBe(
        202
      )
      expect((await fetch(`${r.url}/v2/demo/manifests/v1`)).status).toBe(404)
      expect((await fetch(`${r.url}/v2/demo/manifests/v2`)).status).toBe(200)
      expect(
        (await fetch(`${r.url}/v2/demo/manifests/${built.digest}`, { method: "DELETE", headers: bearer(token) })).status
      ).toBe(202)
      const gone = await fetch(`${r.url}/v2/demo/manifests/v2`)
      expect(gone.status).toBe(404)
      expect(await ociCode(gone)).toBe("MANIFEST_UNKNOWN")
    })
  )

  it.scopedLive("lists the referrers of a subject, filtered by artifactType", () =>
    withRegistry(async (r) => {
      await r.project("demo")
      const layout = tempFolder()
      const built = await buildTestImage({ output: layout, tag: "v1" })
      await pushLayout({ host: r.url, repository: "demo", key: r.key, layout, tag: "v1" })
      const token = await pushToken(r, "demo")
      const empty = "{}"
      await monolithic(r, "demo", token, empty)
      const sbom = JSON.stringify({
        schemaVersion: 2,
        mediaType: MediaType.ociManifest,
        artifactType: "application/vnd.example.sbom",
        config: { mediaType: "application/vnd.oci.empty.v1+json", digest: sha256(empty), size: 2 },
        layers: [],
        subject: { mediaType: MediaType.ociManifest, digest: built.digest, size: built.size },
        annotations: { "org.example": "yes" }
      })
      const put = await putManifest(r, "demo", token, sha256(sbom), sbom)
      expect(put.status).toBe(201)
      expect(put.headers.get("oci-subject")).toBe(built.digest)

      const referrers = await fetch(`${r.url}/v2/demo/referrers/${built.digest}`)
      expect(referrers.headers.get("content-type")).toBe(MediaType.ociIndex)
      expect(await referrers.json()).toEqual({
        schemaVersion: 2,
        mediaType: MediaType.ociIndex,
        manifests: [
          {
            mediaType: MediaType.ociManifest,
            digest: sha256(sbom),
            size: Buffer.byteLength(sbom),
            artifactType: "application/vnd.example.sbom",
            annotations: { "org.example": "yes" }
          }
        ]
      })
      const filtered = await fetch(`${r.url}/v2/demo/referrers/${built.digest}?artifactType=application/other`)
      expect(filtered.headers.get("oci-filters-applied")).toBe("artifactType")
      expect(((await filtered.json()) as { manifests: Array<unknown> }).manifests).toEqual([])
      const bad = await fetch(`${r.url}/v2/demo/referrers/not-a-digest`)
      expect(bad.status).toBe(400)
      expect(await ociCode(bad)).toBe("DIGEST_INVALID")
    })
  )
})

describe("resolveDigest", () => {
  it.scopedLive("resolves a tag, a digest, and the runner's platform of an index", () =>
    Effect.gen(function* () {
      const r = yield* withRegistryContext()
      const layout = tempFolder()
      const image = yield* Effect.promise(() => makeIndexLayout(layout))
      yield* Effect.promise(() => pushLayout({ host: r.url, repository: "demo", key: r.key, layout, tag: "multi" }))
      yield* Effect.promise(() =>
        pushLayout({ host: r.url, repository: "demo", key: r.key, layout, tag: "single", sourceTag: "amd64" })
      )
      const resolve = (reference: string, platform?: "linux/amd64" | "linux/arm64") =>
        resolveDigest("demo", reference, platform).pipe(Effect.provide(r.context))
      expect(yield* resolve("multi")).toBe(image.amd64)
      expect(yield* resolve("multi", "linux/arm64")).toBe(image.arm64)
      expect(yield* resolve("single", "linux/arm64")).toBe(image.amd64)
      expect(yield* resolve(`@${image.index}`)).toBe(image.index)
      expect(yield* resolve(image.arm64)).toBe(image.arm64)
      const project = yield* Effect.promise(async () =>
        (await fetch(`${r.url}/v2/demo/manifests/multi`)).headers.get("docker-content-digest")
      )
      expect(project).toBe(image.index)
      expect((yield* Effect.flip(resolve("missing")))._tag).toBe("ImageNotFound")
      expect((yield* Effect.flip(resolve(`@${sha256("nothing")}`)))._tag).toBe("ImageNotFound")
      expect((yield* Effect.flip(resolveDigest("nope", "multi").pipe(Effect.provide(r.context))))._tag).toBe(
        "ImageNotFound"
      )
    })
  )

  it.scopedLive("pulls every blob of a pushed image back byte for byte", () =>
    withRegistry(async (r) => {
      await r.project("demo")
      const layout = tempFolder()
      const built = await buildTestImage({ output: layout, tag: "v1", files: { "data.bin": Buffer.alloc(100_000, 3) } })
      await pushLayout({ host: r.url, repository: "demo", key: r.key, layout, tag: "v1" })
      const client = new RegistryClient({ host: r.url, repository: "demo" })
      await client.authenticate(["pull"])
      const manifest = await client.getManifest("v1")
      expect(manifest.digest).toBe(built.digest)
      const target = join(tempFolder(), "layer")
      const size = await client.pullBlob(built.layer, target)
      expect(fs.readFileSync(target)).toEqual(fs.readFileSync(join(layout, "blobs", "sha256", built.layer.slice(7))))
      expect(size).toBeGreaterThan(0)
    })
  )
})

const withRegistryContext = () =>
  Effect.gen(function* () {
    const r = yield* startRegistry()
    yield* Effect.promise(() => r.project("demo"))
    return r
  })

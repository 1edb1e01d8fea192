import { describe, expect, it } from "@effect/vitest"
import { Effect, Either } from "effect"
import { existsSync, readFileSync, readlinkSync } from "node:fs"
import { mkdtemp, rm } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll, beforeAll } from "vitest"
import { parseImageReference } from "../../src/oci/index.js"
import { pullImage, sourceFor } from "../../src/runner/image/store.js"
import {
  buildImage,
  buildIndex,
  busyboxLayer,
  sha256,
  startRegistry,
  type TestRegistry,
  tarOf,
  writeLayout
} from "./fixtures.js"

const TOKEN = "job-pull-token"
let registry: TestRegistry
let work: string

beforeAll(async () => {
  registry = await startRegistry(TOKEN)
  work = await mkdtemp(join(tmpdir(), "bencher-image-test-"))
})
afterAll(async () => {
  await registry.close()
  await rm(work, { recursive: true, force: true })
})

const pull = (
  ref: string,
  options: { cache?: string; token?: string; maxDownloadBytes?: number; maxUnpackedBytes?: number } = {}
) =>
  Effect.flatMap(parseImageReference(ref), (parsed) =>
    pullImage(sourceFor(parsed, { token: options.token ?? TOKEN }), parsed.reference, {
      cacheDir: options.cache ?? join(work, `cache-${Math.random().toString(36).slice(2)}`),
      maxDownloadBytes: options.maxDownloadBytes,
      maxUnpackedBytes: options.maxUnpackedBytes
    })
  )

const base = buildImage({
  layers: [busyboxLayer()],
  entrypoint: ["/bin/sh", "-c"],
  cmd: ["echo hi"],
  env: ["PATH=/bin", "A=1"],
  workingDir: "/bin"
})

describe("parseImageReference", () => {
  it.effect("splits registry, repository and tag or digest", () =>
    Effect.gen(function* () {
      expect(yield* parseImageReference("localhost:6610/proj/img:v1")).toEqual({
        _tag: "Registry",
        registry: "localhost:6610",
        repository: "proj/img",
        reference: "v1"
      })
      const digest = `sha256:${"a".repeat(64)}`
      expect((yield* parseImageReference(`r.example/p@${digest}`)).reference).toBe(digest)
      expect((yield* parseImageReference("r.example/p")).reference).toBe("latest")
      expect(yield* parseImageReference("oci:/tmp/layout:v2")).toEqual({
        _tag: "Layout",
        dir: "/tmp/layout",
        reference: "v2"
      })
      expect((yield* Effect.flip(parseImageReference("justaname")))._tag).toBe("InvalidReference")
      expect((yield* Effect.flip(parseImageReference("r.example/p@sha256:xyz")))._tag).toBe("InvalidReference")
    })
  )
})

describe("pullImage", () => {
  it.effect("pulls with the job token, verifies and unpacks, and reads the image config", () =>
    Effect.gen(function* () {
      registry.put("proj/base", base, "v1")
      const image = yield* pull(`${registry.host}/proj/base:v1`)
      expect(image.digest).toBe(base.manifestDigest)
      expect(readFileSync(join(image.rootfs, "bin/busybox")).length).toBe(readFileSync("/bin/busybox").length)
      expect(readlinkSync(join(image.rootfs, "bin/sh"))).toBe("busybox")
      expect(existsSync(join(image.rootfs, "output"))).toBe(true)
      expect(image.runtime).toEqual({
        entrypoint: ["/bin/sh", "-c"],
        cmd: ["echo hi"],
        env: ["PATH=/bin", "A=1"],
        workingDir: "/bin"
      })
      expect(image.downloadedBytes).toBeGreaterThan(0)
    })
  )

  it.effect("downloads nothing on a second pull of the same digest", () =>
    Effect.gen(function* () {
      registry.put("proj/base", base, "v1")
      const cache = join(work, "shared-cache")
      yield* pull(`${registry.host}/proj/base@${base.manifestDigest}`, { cache })
      const before = registry.requests.length
      const again = yield* pull(`${registry.host}/proj/base@${base.manifestDigest}`, { cache })
      expect(registry.requests.length).toBe(before)
      expect(again.downloadedBytes).toBe(0)
      // A tag costs one manifest request, no blob.
      yield* pull(`${registry.host}/proj/base:v1`, { cache })
      expect(registry.requests.slice(before)).toEqual([`/v2/proj/base/manifests/v1`])
    })
  )

  it.effect("refuses a pull without the token", () =>
    Effect.gen(function* () {
      registry.put("proj/base", base, "v1")
      const error = yield* Effect.flip(pull(`${registry.host}/proj/base:v1`, { token: "wrong" }))
      expect(error._tag).toBe("ImageFetchError")
      expect(error.message).toContain("401")
    })
  )

  it.effect("exchanges the job token at the registry's token realm when challenged", () =>
    Effect.gen(function* () {
      const guarded = yield* Effect.promise(() => startRegistry("registry-issued", "job-token"))
      yield* Effect.addFinalizer(() => Effect.promise(() => guarded.close()))
      guarded.put("proj/base", base, "v1")
      const image = yield* pull(`${guarded.host}/proj/base:v1`, { token: "job-token" })
      expect(image.digest).toBe(base.manifestDigest)
      expect(guarded.requests.filter((r) => r.startsWith("/token?"))).toHaveLength(1)
      const refused = yield* Effect.flip(pull(`${guarded.host}/proj/base:v1`, { token: "stolen" }))
      expect(refused.message).toContain("authentication failed")
    }).pipe(Effect.scoped)
  )

  it.effect("lets concurrent pulls of one digest share the cache", () =>
    Effect.gen(function* () {
      registry.put("proj/base", base, "v1")
      const cache = join(work, "concurrent-cache")
      const images = yield* Effect.all(
        Array.from({ length: 4 }, () => pull(`${registry.host}/proj/base@${base.manifestDigest}`, { cache })),
        { concurrency: "unbounded" }
      )
      expect(new Set(images.map((i) => i.rootfs)).size).toBe(1)
      expect(readFileSync(join(images[0]?.rootfs ?? "", "bin/busybox")).length).toBe(
        readFileSync("/bin/busybox").length
      )
    })
  )

  it.effect("chooses this platform from an index", () =>
    Effect.gen(function* () {
      const other = buildImage({ layers: [tarOf([{ path: "other", content: "x" }])], cmd: ["/other"] })
      const arch = process.arch === "arm64" ? "arm64" : "amd64"
      const index = buildIndex([
        { image: other, architecture: arch === "amd64" ? "arm64" : "amd64" },
        { image: base, architecture: arch }
      ])
      registry.put("proj/multi", other)
      registry.put("proj/multi", base)
      registry.putRaw("proj/multi", "v1", index.bytes, "application/vnd.oci.image.index.v1+json")
      const image = yield* pull(`${registry.host}/proj/multi:v1`)
      expect(image.digest).toBe(base.manifestDigest)
      const none = buildIndex([{ image: other, architecture: "s390x" }])
      registry.putRaw("proj/multi", "s390x", none.bytes, "application/vnd.oci.image.index.v1+json")
      const error = yield* Effect.flip(pull(`${registry.host}/proj/multi:s390x`))
      expect(error._tag).toBe("ImageInvalid")
      expect(error.message).toContain("s390x")
    })
  )

  it.effect("honours whiteouts and opaque directories of later layers", () =>
    Effect.gen(function* () {
      const lower = tarOf([
        { path: "data/", type: "Directory" },
        { path: "data/keep", content: "keep" },
        { path: "data/gone", content: "gone" },
        { path: "opaque/", type: "Directory" },
        { path: "opaque/old", content: "old" }
      ])
      const upper = tarOf([
        { path: "data/.wh.gone", content: "" },
        { path: "opaque/", type: "Directory" },
        { path: "opaque/.wh..wh..opq", content: "" },
        { path: "opaque/new", content: "new" }
      ])
      const image = buildImage({ layers: [busyboxLayer(), lower, upper], cmd: ["/bin/true"] })
      registry.put("proj/wh", image, "v1")
      const pulled = yield* pull(`${registry.host}/proj/wh:v1`)
      expect(existsSync(join(pulled.rootfs, "data/keep"))).toBe(true)
      expect(existsSync(join(pulled.rootfs, "data/gone"))).toBe(false)
      expect(existsSync(join(pulled.rootfs, "data/.wh.gone"))).toBe(false)
      expect(existsSync(join(pulled.rootfs, "opaque/old"))).toBe(false)
      expect(readFileSync(join(pulled.rootfs, "opaque/new"), "utf8")).toBe("new")
      expect(existsSync(join(pulled.rootfs, "opaque/.wh..wh..opq"))).toBe(false)
    })
  )

  it.effect("reads an OCI layout directory", () =>
    Effect.gen(function* () {
      const dir = join(work, "layout")
      yield* Effect.promise(() => writeLayout(dir, base, "dev"))
      const image = yield* pull(`oci:${dir}:dev`)
      expect(image.digest).toBe(base.manifestDigest)
    })
  )
})

describe("pullImage with bad input", () => {
  const expectFailure = (ref: string, tag: string, text: string, options = {}) =>
    Effect.gen(function* () {
      const outcome = yield* Effect.either(pull(ref, options))
      expect(Either.isLeft(outcome)).toBe(true)
      if (Either.isLeft(outcome)) {
        expect(outcome.left._tag).toBe(tag)
        expect(outcome.left.message).toContain(text)
      }
    })

  it.effect("a malformed manifest", () =>
    Effect.gen(function* () {
      registry.putRaw(
        "bad/manifest",
        "v1",
        Buffer.from('{"schemaVersion":2,"layers":"nope"}'),
        "application/vnd.oci.image.manifest.v1+json"
      )
      yield* expectFailure(`${registry.host}/bad/manifest:v1`, "ImageInvalid", "malformed image manifest")
      registry.putRaw("bad/manifest", "v2", Buffer.from("not json"), "application/vnd.oci.image.manifest.v1+json")
      yield* expectFailure(`${registry.host}/bad/manifest:v2`, "ImageInvalid", "malformed")
    })
  )

  it.effect("a malformed image config", () =>
    Effect.gen(function* () {
      const config = Buffer.from('{"os": 3}')
      const manifest = Buffer.from(
        JSON.stringify({
          schemaVersion: 2,
          config: {
            mediaType: "application/vnd.oci.image.config.v1+json",
            digest: sha256(config),
            size: config.length
          },
          layers: []
        })
      )
      registry.putBlob(sha256(config), config)
      registry.putRaw("bad/config", "v1", manifest, "application/vnd.oci.image.manifest.v1+json")
      yield* expectFailure(`${registry.host}/bad/config:v1`, "ImageInvalid", "malformed image config")
    })
  )

  it.effect("a layer that fails its digest", () =>
    Effect.gen(function* () {
      const image = buildImage({ layers: [busyboxLayer()], cmd: ["/bin/true"] })
      registry.put("bad/digest", image, "v1")
      const layerDigest = [...image.blobs.keys()][0] ?? ""
      const tampered = Buffer.from(image.blobs.get(layerDigest) ?? Buffer.alloc(0))
      tampered[100] = (tampered[100] ?? 0) ^ 0xff
      registry.putBlob(layerDigest, tampered)
      yield* expectFailure(`${registry.host}/bad/digest:v1`, "BlobDigestMismatch", "failed verification")
    })
  )

  it.effect("a manifest whose bytes do not match the requested digest", () =>
    Effect.gen(function* () {
      const image = buildImage({ layers: [busyboxLayer()], cmd: ["/bin/true"] })
      const fake = `sha256:${"b".repeat(64)}`
      registry.putRaw("bad/mdigest", fake, image.manifest, "application/vnd.oci.image.manifest.v1+json")
      yield* expectFailure(`${registry.host}/bad/mdigest@${fake}`, "BlobDigestMismatch", "hashes to")
    })
  )

  it.effect("tar entries with .. or an absolute path, and hard links out of the root", () =>
    Effect.gen(function* () {
      const cases: Array<[string, Buffer, string]> = [
        ["dotdot", tarOf([{ path: "../evil", content: "x" }]), "`..` component"],
        ["nested", tarOf([{ path: "a/../../evil", content: "x" }]), "`..` component"],
        ["absolute", tarOf([{ path: "/etc/evil", content: "x" }]), "absolute path"],
        ["hardlink", tarOf([{ path: "link", type: "Link", linkpath: "../../etc/passwd" }]), "hard link"]
      ]
      for (const [name, layer, text] of cases) {
        const image = buildImage({ layers: [layer], cmd: ["/bin/true"] })
        registry.put(`bad/${name}`, image, "v1")
        yield* expectFailure(`${registry.host}/bad/${name}:v1`, "UnsafeLayerEntry", text)
      }
      expect(existsSync(join(work, "evil"))).toBe(false)
    })
  )

  it.effect("download and unpacked size limits", () =>
    Effect.gen(function* () {
      registry.put("proj/base", base, "v1")
      yield* expectFailure(`${registry.host}/proj/base:v1`, "ImageTooLarge", "download limit", {
        maxDownloadBytes: 1000
      })
      yield* expectFailure(`${registry.host}/proj/base:v1`, "ImageTooLarge", "unpacked image exceeds", {
        maxUnpackedBytes: 1000
      })
    })
  )
})

import { describe, expect, it } from "@effect/vitest"
import { Either } from "effect"
import fc from "fast-check"
import { type Descriptor, type Digest, isTag, MediaType, parseImageName, parseManifest, parseReference, selectPlatform } from "../../src/registry/oci.js"
import { parseRange } from "../../src/server/registry.js"

const hex64 = fc.stringMatching(/^[a-f0-9]{64}$/)
const tag = fc.stringMatching(/^[a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}$/)
const slug = fc.stringMatching(/^[a-z0-9]{1,20}(-[a-z0-9]{1,10}){0,2}$/)

describe("OCI references", () => {
  it("reads every spec-valid tag as a tag and every sha256 digest (with or without @) as a digest", () => {
    fc.assert(fc.property(tag, (t) => {
      expect(parseReference(t)).toEqual({ _tag: "Tag", tag: t })
    }))
    fc.assert(fc.property(hex64, (h) => {
      expect(parseReference(`sha256:${h}`)).toEqual({ _tag: "Digest", digest: `sha256:${h}` })
      expect(parseReference(`@sha256:${h}`)).toEqual({ _tag: "Digest", digest: `sha256:${h}` })
    }))
  })

  it("refuses tags the spec does not allow", () => {
    for (const bad of ["", ".hidden", "-dash", "a".repeat(129), "has space", "a/b", "sha256:short", "UPPER:case"]) {
      expect(isTag(bad) && parseReference(bad) !== undefined).toBe(false)
    }
  })

  it("parses image names with an optional registry host, a tag or a digest", () => {
    fc.assert(fc.property(slug, tag, (project, t) => {
      expect(parseImageName(`${project}:${t}`)).toEqual({ registry: undefined, repository: project, reference: { _tag: "Tag", tag: t } })
      expect(parseImageName(`localhost:61016/${project}:${t}`)?.registry).toBe("localhost:61016")
    }))
    const digest = `sha256:${"a".repeat(64)}`
    expect(parseImageName(`registry.example.com/demo@${digest}`)).toEqual({
      registry: "registry.example.com",
      repository: "demo",
      reference: { _tag: "Digest", digest }
    })
    expect(parseImageName("org/demo:v1")).toBeUndefined()
    expect(parseImageName("Demo:v1")).toBeUndefined()
    expect(parseImageName("demo:.bad")).toBeUndefined()
  })
})

describe("Range header", () => {
  it("yields a range inside the blob or 'invalid', never anything else", () => {
    fc.assert(fc.property(fc.nat(1000), fc.option(fc.nat(2000)), fc.option(fc.nat(2000)), (size, a, b) => {
      const header = `bytes=${a ?? ""}-${b ?? ""}`
      const range = parseRange(header, size)
      if (range === "invalid") return
      expect(range.start).toBeGreaterThanOrEqual(0)
      expect(range.end).toBeLessThan(size)
      expect(range.start).toBeLessThanOrEqual(range.end)
    }))
    expect(parseRange("bytes=0-0", 10)).toEqual({ start: 0, end: 0 })
    expect(parseRange("bytes=5-", 10)).toEqual({ start: 5, end: 9 })
    expect(parseRange("bytes=-4", 10)).toEqual({ start: 6, end: 9 })
    expect(parseRange("bytes=0-1,4-5", 10)).toBe("invalid")
  })
})

describe("manifest parsing", () => {
  const digest = (c: string) => `sha256:${c.repeat(64)}` as Digest
  const descriptor: Descriptor = { mediaType: MediaType.ociManifest, digest: digest("b"), size: 10 }
  it("tells images from indexes by Content-Type, then by the body's mediaType, then by shape", () => {
    const index = JSON.stringify({ schemaVersion: 2, manifests: [descriptor] })
    expect(Either.map(parseManifest(Buffer.from(index), MediaType.dockerList), (m) => m._tag)).toEqual(Either.right("Index"))
    expect(Either.map(parseManifest(Buffer.from(index), undefined), (m) => m.mediaType)).toEqual(Either.right(MediaType.ociIndex))
    const mismatch = JSON.stringify({ schemaVersion: 2, mediaType: MediaType.ociIndex, manifests: [] })
    expect(Either.isLeft(parseManifest(Buffer.from(mismatch), MediaType.ociManifest))).toBe(true)
    expect(Either.isLeft(parseManifest(Buffer.from(JSON.stringify({ schemaVersion: 1, manifests: [] })), undefined))).toBe(true)
  })

  it("chooses the manifest of the runner's platform, arm64 with or without the v8 variant", () => {
    const amd = { ...descriptor, platform: { os: "linux", architecture: "amd64" } }
    const arm = { ...descriptor, digest: digest("c"), platform: { os: "linux", architecture: "arm64", variant: "v8" } }
    const armV7 = { ...descriptor, digest: digest("d"), platform: { os: "linux", architecture: "arm64", variant: "v7" } }
    expect(selectPlatform([armV7, arm, amd], "linux/arm64")).toBe(arm)
    expect(selectPlatform([armV7, arm, amd], "linux/amd64")).toBe(amd)
    expect(selectPlatform([armV7], "linux/arm64")).toBeUndefined()
  })
})

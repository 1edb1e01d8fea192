import { describe, expect, it } from "@effect/vitest"
import { Effect, Either } from "effect"
import fc from "fast-check"
import { isResourceId } from "../../src/domain/ids.js"
import {
  type Descriptor,
  type Digest,
  isTag,
  MediaType,
  parseImageName,
  parseImageReference,
  parseManifest,
  parseReference,
  selectPlatform,
  splitImageName
} from "../../src/oci/index.js"

const hex64 = fc.stringMatching(/^[a-f0-9]{64}$/)
const tag = fc.stringMatching(/^[a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}$/)
const slug = fc.stringMatching(/^[a-z0-9]{1,20}(-[a-z0-9]{1,10}){0,2}$/)

describe("OCI references", () => {
  it("reads every spec-valid tag as a tag and every sha256 digest (with or without @) as a digest", () => {
    fc.assert(
      fc.property(tag, (t) => {
        expect(parseReference(t)).toEqual({ _tag: "Tag", tag: t })
      })
    )
    fc.assert(
      fc.property(hex64, (h) => {
        expect(parseReference(`sha256:${h}`)).toEqual({ _tag: "Digest", digest: `sha256:${h}` })
        expect(parseReference(`@sha256:${h}`)).toEqual({ _tag: "Digest", digest: `sha256:${h}` })
      })
    )
  })

  it("refuses tags the spec does not allow", () => {
    for (const bad of ["", ".hidden", "-dash", "a".repeat(129), "has space", "a/b", "sha256:short", "UPPER:case"]) {
      expect(isTag(bad) && parseReference(bad) !== undefined).toBe(false)
    }
  })

  it("parses image names with an optional registry host, a tag or a digest", () => {
    fc.assert(
      fc.property(slug, tag, (project, t) => {
        expect(parseImageName(`${project}:${t}`, isResourceId)).toEqual({
          registry: undefined,
          repository: project,
          reference: { _tag: "Tag", tag: t }
        })
        expect(parseImageName(`localhost:61016/${project}:${t}`, isResourceId)?.registry).toBe("localhost:61016")
      })
    )
    const digest = `sha256:${"a".repeat(64)}`
    expect(parseImageName(`registry.example.com/demo@${digest}`, isResourceId)).toEqual({
      registry: "registry.example.com",
      repository: "demo",
      reference: { _tag: "Digest", digest }
    })
    expect(parseImageName("org/demo:v1", isResourceId)).toBeUndefined()
    expect(parseImageName("Demo:v1", isResourceId)).toBeUndefined()
    expect(parseImageName("demo:.bad", isResourceId)).toBeUndefined()
  })
})

describe("image name splitting", () => {
  const digest = `sha256:${"a".repeat(64)}`
  it("reads a first segment as the host the docker way, or always for a runner's pull", () => {
    expect(splitImageName("org/demo:v1")).toEqual({
      host: undefined,
      repository: "org/demo",
      tag: "v1",
      digest: undefined
    })
    expect(splitImageName("org/demo:v1", { host: "first" })).toEqual({
      host: "org",
      repository: "demo",
      tag: "v1",
      digest: undefined
    })
    expect(splitImageName(`localhost:61016/demo:v1@${digest}`)).toEqual({
      host: "localhost:61016",
      repository: "demo",
      tag: "v1",
      digest
    })
    expect(splitImageName("demo@")).toEqual({ host: undefined, repository: "demo", tag: undefined, digest: "" })
  })

  it("gives a runner a registry reference or a layout, and refuses what no registry serves", () => {
    const parse = (s: string) => Effect.runSync(Effect.either(parseImageReference(s)))
    expect(parse("org/demo")).toEqual(
      Either.right({ _tag: "Registry", registry: "org", repository: "demo", reference: "latest" })
    )
    expect(parse("oci:./layout@x")).toEqual(Either.right({ _tag: "Layout", dir: "./layout", reference: "x" }))
    const refusals = [
      ["demo:v1", "expected registry/repository[:tag|@digest]"],
      ["/demo", "expected registry/repository[:tag|@digest]"],
      [`r.example/demo:v1@${digest}`, 'invalid repository "demo:v1"'],
      ["r.example/Demo", 'invalid repository "Demo"'],
      ["r.example/demo@sha256:xyz", 'invalid digest "sha256:xyz"'],
      ["oci:", "empty layout directory"]
    ] as const
    for (const [input, why] of refusals) {
      expect(parse(input)).toEqual(
        Either.left(expect.objectContaining({ _tag: "InvalidReference", message: `image reference ${input}: ${why}` }))
      )
    }
  })
})

describe("manifest parsing", () => {
  const digest = (c: string) => `sha256:${c.repeat(64)}` as Digest
  const descriptor: Descriptor = { mediaType: MediaType.ociManifest, digest: digest("b"), size: 10 }
  it("tells images from indexes by Content-Type, then by the body's mediaType, then by shape", () => {
    const index = JSON.stringify({ schemaVersion: 2, manifests: [descriptor] })
    expect(Either.map(parseManifest(Buffer.from(index), MediaType.dockerList), (m) => m._tag)).toEqual(
      Either.right("Index")
    )
    expect(Either.map(parseManifest(Buffer.from(index), undefined), (m) => m.mediaType)).toEqual(
      Either.right(MediaType.ociIndex)
    )
    const mismatch = JSON.stringify({ schemaVersion: 2, mediaType: MediaType.ociIndex, manifests: [] })
    expect(Either.isLeft(parseManifest(Buffer.from(mismatch), MediaType.ociManifest))).toBe(true)
    expect(
      Either.isLeft(parseManifest(Buffer.from(JSON.stringify({ schemaVersion: 1, manifests: [] })), undefined))
    ).toBe(true)
    expect(parseManifest(Buffer.from("{"), undefined)).toEqual(
      Either.left(expect.objectContaining({ _tag: "InvalidManifest", message: "manifest is not valid JSON" }))
    )
  })

  it("chooses the manifest of the runner's platform, arm64 with or without the v8 variant", () => {
    const amd = { ...descriptor, platform: { os: "linux", architecture: "amd64" } }
    const arm = { ...descriptor, digest: digest("c"), platform: { os: "linux", architecture: "arm64", variant: "v8" } }
    const armV7 = {
      ...descriptor,
      digest: digest("d"),
      platform: { os: "linux", architecture: "arm64", variant: "v7" }
    }
    expect(selectPlatform([armV7, arm, amd], "linux/arm64")).toBe(arm)
    expect(selectPlatform([armV7, arm, amd], "linux/amd64")).toBe(amd)
    expect(selectPlatform([armV7], "linux/arm64")).toBeUndefined()
  })
})

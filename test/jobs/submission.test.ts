import { describe, expect, it } from "@effect/vitest"
import { Effect, Either, Schema } from "effect"
import { JsonNewRunJob } from "../../src/domain/run.js"
import { ImageResolver } from "../../src/jobs/image.js"
import { splitImageName } from "../../src/oci/index.js"
import { allowanceFor } from "../../src/jobs/policy.js"

const decode = Schema.decodeUnknownEither(JsonNewRunJob)
const digest = `sha256:${"d".repeat(64)}`

describe("job submission input", () => {
  it("refuses more than 64 entrypoint or cmd items and more than 255 env entries", () => {
    expect(Either.isRight(decode({ image: "p@x", cmd: Array.from({ length: 64 }, () => "a") }))).toBe(true)
    const cmd = decode({ image: "p@x", cmd: Array.from({ length: 65 }, () => "a") })
    expect(Either.isLeft(cmd) && cmd.left.message).toContain("at most 64 cmd items")
    const entrypoint = decode({ image: "p@x", entrypoint: Array.from({ length: 65 }, () => "a") })
    expect(Either.isLeft(entrypoint) && entrypoint.left.message).toContain("at most 64 entrypoint items")
    const env = decode({ image: "p@x", env: Object.fromEntries(Array.from({ length: 256 }, (_, i) => [`K${i}`, "v"])) })
    expect(Either.isLeft(env) && env.left.message).toContain("at most 255 env entries")
  })

  it("splits image references into host, repository, tag and digest", () => {
    expect(splitImageName(`registry.example:5000/proj@${digest}`)).toEqual({
      host: "registry.example:5000",
      repository: "proj",
      tag: undefined,
      digest
    })
    expect(splitImageName("proj:v1")).toEqual({ host: undefined, repository: "proj", tag: "v1", digest: undefined })
    expect(splitImageName("localhost/proj")).toEqual({
      host: "localhost",
      repository: "proj",
      tag: undefined,
      digest: undefined
    })
  })

  it.effect("resolves digests on this registry only, and explains what to send instead of a tag", () =>
    Effect.gen(function* () {
      const images = yield* ImageResolver
      const request = (image: string) => ({
        projectUuid: "00000000-0000-4000-8000-000000000000",
        projectSlug: "proj",
        image
      })
      expect(yield* images.resolve(request(`here:1/proj@${digest}`))).toEqual({ registry: "here:1", digest })
      expect((yield* Effect.flip(images.resolve(request("proj:v1")))).message).toContain("use proj@sha256:<digest>")
      expect((yield* Effect.flip(images.resolve(request(`other/proj@${digest}`)))).message).toContain(
        "repository other/proj"
      )
      expect((yield* Effect.flip(images.resolve(request(`elsewhere:1/proj@${digest}`)))).message).toContain(
        "not in this server's registry"
      )
      expect((yield* Effect.flip(images.resolve(request("proj@sha256:abc")))).message).toContain(
        "is not a sha256 digest"
      )
      expect((yield* Effect.flip(images.resolve(request(`else@${digest}`)))).message).toContain("is not this project")
    }).pipe(Effect.provide(ImageResolver.digestOnly("here:1")))
  )

  it("derives priority and timeout bounds from the tier", () => {
    expect(allowanceFor("unclaimed")).toMatchObject({ priority: 0, defaultTimeout: 60, maxTimeout: 60 })
    expect(allowanceFor("free")).toMatchObject({ priority: 100, defaultTimeout: 300, maxTimeout: 300 })
    expect(allowanceFor("team")).toMatchObject({ priority: 200, defaultTimeout: 3600, maxTimeout: null })
    expect(allowanceFor("enterprise")).toMatchObject({ priority: 300, defaultTimeout: 3600, maxTimeout: null })
  })
})

import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { execFile } from "node:child_process"
import * as fs from "node:fs"
import { join } from "node:path"
import { promisify } from "node:util"
import { resolveDigest } from "../../src/registry/image-registry.js"
import { MediaType } from "../../src/oci/index.js"
import { startRegistry } from "./fixture.js"
import { buildTestImage, hasSkopeo, makeIndexLayout, tempFolder } from "./images.js"

if (!hasSkopeo) {
  console.warn("skopeo is not installed: skipping the real-client registry tests (.ci/run installs it with apt-get)")
}

const run = promisify(execFile)
const skopeo = async (...args: Array<string>) => (await run("skopeo", args, { maxBuffer: 16 * 1024 * 1024 })).stdout

const layoutBlobs = (layout: string) =>
  Object.fromEntries(
    fs.readdirSync(join(layout, "blobs", "sha256")).map((f) => [f, fs.readFileSync(join(layout, "blobs", "sha256", f))])
  )

const setup = Effect.gen(function* () {
  const r = yield* startRegistry()
  yield* Effect.promise(() => r.project("demo"))
  yield* Effect.promise(() => r.project("secret-project", "private"))
  return r
})

describe.skipIf(!hasSkopeo)("registry with a real client (skopeo)", () => {
  it.scopedLive(
    "round-trips an image: copy in with credentials, inspect, copy back out with identical digests and bytes",
    () =>
      Effect.gen(function* () {
        const r = yield* setup
        yield* Effect.promise(async () => {
          const layout = tempFolder()
          const built = await buildTestImage({
            output: layout,
            tag: "v1",
            files: { "payload.bin": Buffer.alloc(300_000, 9) }
          })
          await skopeo(
            "copy",
            "--dest-tls-verify=false",
            "--dest-creds",
            `bencher:${r.key}`,
            `oci:${layout}:v1`,
            `docker://${r.host}/secret-project:v1`
          )

          const inspect = JSON.parse(
            await skopeo(
              "inspect",
              "--tls-verify=false",
              "--creds",
              `bencher:${r.key}`,
              `docker://${r.host}/secret-project:v1`
            )
          ) as {
            Digest: string
            RepoTags: Array<string>
            Architecture: string
            Layers: Array<string>
          }
          expect(inspect.Digest).toBe(built.digest)
          expect(inspect.RepoTags).toEqual(["v1"])
          expect(inspect.Architecture).toBe("amd64")
          expect(inspect.Layers).toEqual([built.layer])

          const back = tempFolder()
          await skopeo(
            "copy",
            "--src-tls-verify=false",
            "--src-creds",
            `bencher:${r.key}`,
            `docker://${r.host}/secret-project:v1`,
            `oci:${back}:v1`
          )
          const index = JSON.parse(fs.readFileSync(join(back, "index.json"), "utf8")) as {
            manifests: Array<{ digest: string }>
          }
          expect(index.manifests[0]?.digest).toBe(built.digest)
          expect(layoutBlobs(back)).toEqual(layoutBlobs(layout))

          // without credentials a private project is refused
          await expect(
            skopeo("inspect", "--tls-verify=false", `docker://${r.host}/secret-project:v1`)
          ).rejects.toThrow()
        })
      })
  )

  it.scopedLive("pulls a public project anonymously and pushes the same image twice with its blobs stored once", () =>
    Effect.gen(function* () {
      const r = yield* setup
      yield* Effect.promise(async () => {
        const layout = tempFolder()
        const built = await buildTestImage({ output: layout, tag: "v1" })
        await skopeo(
          "copy",
          "--dest-tls-verify=false",
          "--dest-creds",
          `bencher:${r.key}`,
          `oci:${layout}:v1`,
          `docker://${r.host}/demo:v1`
        )
        const files = r.blobFiles().length
        await skopeo(
          "copy",
          "--dest-tls-verify=false",
          "--dest-creds",
          `bencher:${r.key}`,
          `oci:${layout}:v1`,
          `docker://${r.host}/demo:v2`
        )
        expect(r.blobFiles().length).toBe(files)
        const raw = await skopeo("inspect", "--raw", "--tls-verify=false", `docker://${r.host}/demo:v2`)
        expect(raw).toBe(fs.readFileSync(join(layout, "blobs", "sha256", built.digest.slice(7)), "utf8"))
        await expect(
          skopeo("copy", "--dest-tls-verify=false", `oci:${layout}:v1`, `docker://${r.host}/demo:anonymous`)
        ).rejects.toThrow()
        expect(r.leftovers()).toEqual([])
      })
    })
  )

  it.scopedLive("pushes a multi-platform index with --all and resolves each runner platform to its manifest", () =>
    Effect.gen(function* () {
      const r = yield* setup
      const layout = tempFolder()
      const image = yield* Effect.promise(async () => {
        const image = await makeIndexLayout(layout)
        await skopeo(
          "copy",
          "--all",
          "--dest-tls-verify=false",
          "--dest-creds",
          `bencher:${r.key}`,
          `oci:${layout}:multi`,
          `docker://${r.host}/demo:multi`
        )
        const raw = JSON.parse(
          await skopeo("inspect", "--raw", "--tls-verify=false", `docker://${r.host}/demo:multi`)
        ) as { mediaType: string }
        expect(raw.mediaType).toBe(MediaType.ociIndex)
        // skopeo reports the index digest and the chosen platform's config
        const arm = JSON.parse(
          await skopeo("inspect", "--override-arch", "arm64", "--tls-verify=false", `docker://${r.host}/demo:multi`)
        ) as { Digest: string; Architecture: string }
        expect(arm).toMatchObject({ Digest: image.index, Architecture: "arm64" })
        const back = tempFolder()
        await skopeo("copy", "--all", "--src-tls-verify=false", `docker://${r.host}/demo:multi`, `oci:${back}:multi`)
        expect(layoutBlobs(back)).toEqual(
          Object.fromEntries(Object.entries(layoutBlobs(layout)).filter(([f]) => !f.startsWith(".")))
        )
        return image
      })
      const resolve = (platform: "linux/amd64" | "linux/arm64") =>
        resolveDigest("demo", "multi", platform).pipe(Effect.provide(r.context))
      expect(yield* resolve("linux/amd64")).toBe(image.amd64)
      expect(yield* resolve("linux/arm64")).toBe(image.arm64)
    })
  )

  it.scopedLive("accepts a Docker v2 schema-2 manifest (skopeo --format v2s2)", () =>
    Effect.gen(function* () {
      const r = yield* setup
      const digest = yield* Effect.promise(async () => {
        const layout = tempFolder()
        await buildTestImage({ output: layout, tag: "v1" })
        await skopeo(
          "copy",
          "--format",
          "v2s2",
          "--dest-tls-verify=false",
          "--dest-creds",
          `bencher:${r.key}`,
          `oci:${layout}:v1`,
          `docker://${r.host}/demo:docker`
        )
        const response = await fetch(`${r.url}/v2/demo/manifests/docker`)
        expect(response.headers.get("content-type")).toBe(MediaType.dockerManifest)
        const inspect = JSON.parse(await skopeo("inspect", "--tls-verify=false", `docker://${r.host}/demo:docker`)) as {
          Digest: string
        }
        expect(response.headers.get("docker-content-digest")).toBe(inspect.Digest)
        return inspect.Digest
      })
      expect(yield* resolveDigest("demo", "docker").pipe(Effect.provide(r.context))).toBe(digest)
    })
  )
})

import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { execFileSync } from "node:child_process"
import * as fs from "node:fs"
import { join } from "node:path"
import { runBencher } from "../helpers/process.js"
import { startRegistry } from "./fixture.js"
import { hasSkopeo, makeContext, tempFolder } from "./images.js"

const digestOf = (stdout: string) => /@(sha256:[a-f0-9]{64})/.exec(stdout)?.[1]

const build = (context: string, output: string, ...extra: Array<string>) =>
  runBencher([
    "image",
    "build",
    context,
    "--entrypoint",
    "/bench.sh",
    "--entrypoint",
    "fast",
    "--env",
    "A=1",
    "--tag",
    "demo:v1",
    "--output",
    output,
    ...extra
  ])

describe("bencher image", () => {
  it.live("build is deterministic: the same folder gives the same digest, a changed file another", () =>
    Effect.promise(async () => {
      const context = makeContext({ "nested/deep/file.txt": "content" })
      const first = await build(context, tempFolder())
      const second = await build(context, tempFolder())
      expect(first.code).toBe(0)
      expect(digestOf(first.stdout)).toBeDefined()
      expect(digestOf(second.stdout)).toBe(digestOf(first.stdout))
      // mtimes do not matter
      fs.utimesSync(join(context, "bench.sh"), new Date(), new Date(2001, 1, 1))
      expect(digestOf((await build(context, tempFolder())).stdout)).toBe(digestOf(first.stdout))
      fs.writeFileSync(join(context, "nested/deep/file.txt"), "changed")
      expect(digestOf((await build(context, tempFolder())).stdout)).not.toBe(digestOf(first.stdout))
    })
  )

  it.live("rejects a missing entrypoint, a bad --env and a tag that is not <project>:<tag>", () =>
    Effect.promise(async () => {
      const context = makeContext()
      const noEntrypoint = await runBencher(["image", "build", context, "--tag", "demo:v1", "--output", tempFolder()])
      expect(noEntrypoint.code).toBe(1)
      expect(noEntrypoint.stderr).toContain("--entrypoint is required")
      const badEnv = await build(context, tempFolder(), "--env", "NOEQUALS")
      expect(badEnv.stderr).toContain("--env NOEQUALS is not K=V")
      const badTag = await runBencher([
        "image",
        "build",
        context,
        "--entrypoint",
        "/x",
        "--tag",
        "Not Valid",
        "--output",
        tempFolder()
      ])
      expect(badTag.code).toBe(1)
      expect(badTag.stderr).toContain("is not <project>:<tag>")
    })
  )

  it.scopedLive("build --push and push of a layout or a docker archive land in the server's registry", () =>
    Effect.gen(function* () {
      const r = yield* startRegistry()
      yield* Effect.promise(async () => {
        await r.project("demo")
        const output = tempFolder()
        const built = await build(makeContext(), output, "--push", "--host", r.url, "--key", r.key)
        expect(built.stderr).toBe("")
        expect(built.code).toBe(0)
        const digest = digestOf(built.stdout)
        expect(built.stdout).toContain(`pushed demo:v1@${digest} (2 blobs uploaded, 0 already present)`)
        const manifest = await fetch(`${r.url}/v2/demo/manifests/v1`)
        expect(manifest.headers.get("docker-content-digest")).toBe(digest)

        const again = await runBencher(["image", "push", output, `${r.host}/demo:v2`, "--host", r.url], {
          BENCHER_API_KEY: r.key
        })
        expect(again.stdout).toContain(`pushed demo:v2@${digest} (0 blobs uploaded, 2 already present)`)

        const anonymous = await runBencher(["image", "push", output, "demo:v3", "--host", r.url])
        expect(anonymous.code).toBe(1)
        expect(anonymous.stderr).toContain("pushing needs a key")

        if (hasSkopeo) {
          const archive = join(tempFolder(), "image.tar")
          execFileSync("skopeo", ["copy", `oci:${output}:v1`, `docker-archive:${archive}:demo:v1`], { stdio: "ignore" })
          const pushed = await runBencher(["image", "push", archive, "demo:archive", "--host", r.url, "--key", r.key])
          expect(pushed.code).toBe(0)
          expect(pushed.stdout).toContain("pushed demo:archive@sha256:")
          const check = await fetch(`${r.url}/v2/demo/manifests/archive`)
          expect(check.status).toBe(200)
        }
      })
    })
  )
})

import { execFileSync } from "node:child_process"
import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { dirname, join } from "node:path"
import { buildImage, jsonBytes, readIndex, writeBlob, writeIndex } from "../../src/image/layout.js"
import { MediaType } from "../../src/oci/index.js"

export const tempFolder = (prefix = "bencher-img-") => mkdtempSync(join(tmpdir(), prefix))

/** A build context with a few files (and an executable entrypoint). */
export const makeContext = (files: Record<string, string | Buffer> = {}) => {
  const dir = tempFolder("bencher-ctx-")
  const all: Record<string, string | Buffer> = {
    "bench.sh": '#!/bin/sh\necho \'{"bench":{"latency":{"value":1}}}\'\n',
    "data/input.txt": "some input\n",
    ...files
  }
  for (const [path, content] of Object.entries(all)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true })
    writeFileSync(join(dir, path), content)
  }
  chmodSync(join(dir, "bench.sh"), 0o755)
  return dir
}

export const buildTestImage = (options: {
  readonly output: string
  readonly tag: string
  readonly architecture?: "amd64" | "arm64"
  readonly files?: Record<string, string | Buffer>
}) =>
  buildImage({
    context: makeContext(options.files),
    entrypoint: ["/bench.sh"],
    env: ["MODE=test"],
    tag: options.tag,
    output: options.output,
    ...(options.architecture === undefined ? {} : { architecture: options.architecture })
  })

/** A layout whose tag `multi` is an OCI index of a linux/amd64 and a linux/arm64 image. */
export const makeIndexLayout = async (output: string) => {
  const amd64 = await buildTestImage({ output, tag: "amd64", architecture: "amd64", files: { "arch.txt": "amd64" } })
  const arm64 = await buildTestImage({ output, tag: "arm64", architecture: "arm64", files: { "arch.txt": "arm64" } })
  const index = await writeBlob(
    output,
    jsonBytes({
      schemaVersion: 2,
      mediaType: MediaType.ociIndex,
      manifests: [
        {
          mediaType: MediaType.ociManifest,
          digest: amd64.digest,
          size: amd64.size,
          platform: { architecture: "amd64", os: "linux" }
        },
        {
          mediaType: MediaType.ociManifest,
          digest: arm64.digest,
          size: arm64.size,
          platform: { architecture: "arm64", os: "linux" }
        }
      ]
    })
  )
  const entries = await readIndex(output)
  await writeIndex(output, [
    ...entries,
    {
      mediaType: MediaType.ociIndex,
      digest: index.digest,
      size: index.size,
      annotations: { "org.opencontainers.image.ref.name": "multi" }
    }
  ])
  return { index: index.digest, amd64: amd64.digest, arm64: arm64.digest }
}

/** Whether Debian's skopeo is installed (CI installs it; without it the real-client tests are skipped). */
export const hasSkopeo = (() => {
  try {
    execFileSync("skopeo", ["--version"], { stdio: "ignore" })
    return true
  } catch {
    return false
  }
})()

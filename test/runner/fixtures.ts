// Test images built from Debian's static busybox, as OCI layouts on disk or served by a tiny in-test registry
// speaking the distribution GET endpoints.
import { createHash } from "node:crypto"
import { existsSync, readFileSync } from "node:fs"
import { mkdir, writeFile } from "node:fs/promises"
import { createServer, type Server } from "node:http"
import type { AddressInfo } from "node:net"
import { join } from "node:path"
import { gzipSync } from "node:zlib"
import * as tar from "tar"

export const BUSYBOX = "/bin/busybox"
const APPLETS = [
  "sh",
  "echo",
  "cat",
  "head",
  "tail",
  "id",
  "ls",
  "sleep",
  "awk",
  "mkdir",
  "true",
  "false",
  "yes",
  "env",
  "pwd",
  "dd",
  "grep",
  "touch",
  "ln",
  "rm",
  "unshare",
  "tr",
  "mkfifo"
]

export interface TarEntry {
  readonly path: string
  readonly type?: "File" | "Directory" | "SymbolicLink" | "Link"
  readonly content?: Buffer | string
  readonly linkpath?: string
  readonly mode?: number
}

/** A raw tar written header by header, so tests can produce entries a careful packer would refuse (`..`, `/abs`). */
export const tarOf = (entries: ReadonlyArray<TarEntry>): Buffer => {
  const blocks: Array<Buffer> = []
  for (const e of entries) {
    const type = e.type ?? "File"
    const body = e.content === undefined ? Buffer.alloc(0) : Buffer.from(e.content)
    const header = new tar.Header({
      path: e.path,
      type,
      mode: e.mode ?? (type === "Directory" ? 0o755 : 0o755),
      size: type === "File" ? body.length : 0,
      linkpath: e.linkpath ?? "",
      uid: 0,
      gid: 0,
      mtime: new Date(0)
    })
    const block = Buffer.alloc(512)
    header.encode(block, 0)
    blocks.push(block)
    if (type === "File" && body.length > 0) {
      blocks.push(body, Buffer.alloc((512 - (body.length % 512)) % 512))
    }
  }
  blocks.push(Buffer.alloc(1024))
  return Buffer.concat(blocks)
}

const readBusybox = (): Buffer => {
  if (!existsSync(BUSYBOX))
    throw new Error(`test images need ${BUSYBOX}: apt-get install busybox-static (.ci/run does)`)
  return readFileSync(BUSYBOX)
}

export const busyboxLayer = (): Buffer =>
  tarOf([
    { path: "bin/", type: "Directory" },
    { path: "bin/busybox", content: readBusybox() },
    ...APPLETS.map((a): TarEntry => ({ path: `bin/${a}`, type: "SymbolicLink", linkpath: "busybox" })),
    { path: "etc/", type: "Directory" },
    {
      path: "etc/passwd",
      content: "root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/sh\n",
      mode: 0o644
    }
  ])

export const sha256 = (b: Uint8Array) => `sha256:${createHash("sha256").update(b).digest("hex")}`

export interface ImageSpec {
  readonly layers: ReadonlyArray<Buffer>
  readonly entrypoint?: ReadonlyArray<string>
  readonly cmd?: ReadonlyArray<string>
  readonly env?: ReadonlyArray<string>
  readonly workingDir?: string
  readonly gzip?: boolean
}

export interface BuiltImage {
  readonly manifestDigest: string
  readonly manifest: Buffer
  readonly blobs: Map<string, Buffer>
}

export const buildImage = (spec: ImageSpec): BuiltImage => {
  const blobs = new Map<string, Buffer>()
  const layers = spec.layers.map((raw) => {
    const data = spec.gzip === false ? raw : gzipSync(raw)
    const digest = sha256(data)
    blobs.set(digest, data)
    return {
      mediaType:
        spec.gzip === false ? "application/vnd.oci.image.layer.v1.tar" : "application/vnd.oci.image.layer.v1.tar+gzip",
      digest,
      size: data.length,
      diff: sha256(raw)
    }
  })
  const config = Buffer.from(
    JSON.stringify({
      architecture: process.arch === "arm64" ? "arm64" : "amd64",
      os: "linux",
      config: {
        ...(spec.entrypoint === undefined ? {} : { Entrypoint: spec.entrypoint }),
        ...(spec.cmd === undefined ? {} : { Cmd: spec.cmd }),
        Env: spec.env ?? ["PATH=/bin"],
        ...(spec.workingDir === undefined ? {} : { WorkingDir: spec.workingDir })
      },
      rootfs: { type: "layers", diff_ids: layers.map((l) => l.diff) }
    })
  )
  blobs.set(sha256(config), config)
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: "application/vnd.oci.image.manifest.v1+json",
      config: { mediaType: "application/vnd.oci.image.config.v1+json", digest: sha256(config), size: config.length },
      layers: layers.map(({ diff: _, ...l }) => l)
    })
  )
  blobs.set(sha256(manifest), manifest)
  return { manifestDigest: sha256(manifest), manifest, blobs }
}

/** An index pointing at per-platform manifests. */
export const buildIndex = (entries: ReadonlyArray<{ readonly image: BuiltImage; readonly architecture: string }>) => {
  const index = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: "application/vnd.oci.image.index.v1+json",
      manifests: entries.map((e) => ({
        mediaType: "application/vnd.oci.image.manifest.v1+json",
        digest: e.image.manifestDigest,
        size: e.image.manifest.length,
        platform: { os: "linux", architecture: e.architecture }
      }))
    })
  )
  return { digest: sha256(index), bytes: index }
}

/** Writes an OCI image layout with `tag` pointing at the image. */
export const writeLayout = async (dir: string, image: BuiltImage, tag: string) => {
  await mkdir(join(dir, "blobs", "sha256"), { recursive: true })
  await writeFile(join(dir, "oci-layout"), JSON.stringify({ imageLayoutVersion: "1.0.0" }))
  for (const [digest, bytes] of image.blobs) await writeFile(join(dir, "blobs", "sha256", digest.slice(7)), bytes)
  await writeFile(
    join(dir, "index.json"),
    JSON.stringify({
      schemaVersion: 2,
      manifests: [
        {
          mediaType: "application/vnd.oci.image.manifest.v1+json",
          digest: image.manifestDigest,
          size: image.manifest.length,
          annotations: { "org.opencontainers.image.ref.name": tag }
        }
      ]
    })
  )
}

export interface TestRegistry {
  readonly host: string
  readonly requests: Array<string>
  /** repository -> tag or digest -> manifest (or index) bytes with media type */
  readonly put: (repository: string, image: BuiltImage, tag?: string) => void
  readonly putRaw: (repository: string, reference: string, bytes: Buffer, mediaType: string) => void
  readonly putBlob: (digest: string, bytes: Buffer) => void
  readonly close: () => Promise<void>
}

/**
 * A registry that serves GET /v2/<repo>/manifests/<ref> and /v2/<repo>/blobs/<digest>; requires `token` if set.
 * With `challenge`, it answers 401 with a Bearer challenge and issues `token` from /token to whoever presents
 * `challenge` (the job's pull token), like registries behind a token server.
 */
export const startRegistry = async (token?: string, challenge?: string): Promise<TestRegistry> => {
  const manifests = new Map<string, { bytes: Buffer; mediaType: string }>()
  const blobs = new Map<string, Buffer>()
  const requests: Array<string> = []
  const server: Server = createServer((req, res) => {
    const url = req.url ?? ""
    requests.push(url)
    if (challenge !== undefined && url.startsWith("/token?")) {
      if (req.headers.authorization !== `Bearer ${challenge}`) return void res.writeHead(403).end()
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ token }))
      return
    }
    if (token !== undefined && req.headers.authorization !== `Bearer ${token}`) {
      const realm = `http://${req.headers.host ?? ""}/token`
      res
        .writeHead(401, {
          "www-authenticate":
            challenge === undefined
              ? 'Basic realm="test"'
              : `Bearer realm="${realm}",service="test",scope="repository:x:pull"`
        })
        .end()
      return
    }
    const m = url.match(/^\/v2\/(.+)\/(manifests|blobs)\/([^/]+)$/)
    if (m === null) return void res.writeHead(404).end()
    const [, repo, kind, ref] = m as unknown as [string, string, string, string]
    if (kind === "manifests") {
      const found = manifests.get(`${repo}:${ref}`)
      if (found === undefined) return void res.writeHead(404).end()
      res.writeHead(200, { "content-type": found.mediaType, "content-length": found.bytes.length }).end(found.bytes)
      return
    }
    const blob = blobs.get(ref)
    if (blob === undefined) return void res.writeHead(404).end()
    res.writeHead(200, { "content-length": blob.length }).end(blob)
  })
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r))
  const port = (server.address() as AddressInfo).port
  const putRaw = (repository: string, reference: string, bytes: Buffer, mediaType: string) =>
    void manifests.set(`${repository}:${reference}`, { bytes, mediaType })
  return {
    host: `127.0.0.1:${port}`,
    requests,
    putRaw,
    putBlob: (digest, bytes) => void blobs.set(digest, bytes),
    put: (repository, image, tag) => {
      for (const [digest, bytes] of image.blobs) blobs.set(digest, bytes)
      putRaw(repository, image.manifestDigest, image.manifest, "application/vnd.oci.image.manifest.v1+json")
      if (tag !== undefined) putRaw(repository, tag, image.manifest, "application/vnd.oci.image.manifest.v1+json")
    },
    close: () => new Promise((r) => server.close(() => r()))
  }
}

// OCI image layouts on disk (image-spec "image-layout"): read them, write them, convert a `docker save`
// archive into one, and build a single-layer image from a directory, deterministically.
import { randomUUID } from "node:crypto"
import { createReadStream, createWriteStream } from "node:fs"
import * as fs from "node:fs/promises"
import { tmpdir } from "node:os"
import { join, relative } from "node:path"
import { pipeline } from "node:stream/promises"
import { createGzip } from "node:zlib"
import * as tar from "tar"
import { type Descriptor, digestHex, digestOf, MediaType } from "../oci/index.js"
import { digestTap } from "./digest-tap.js"

export interface LayoutIndexEntry {
  readonly mediaType: string
  readonly digest: string
  readonly size: number
  readonly annotations?: Readonly<Record<string, string>>
  readonly platform?: { readonly architecture: string; readonly os: string; readonly variant?: string }
}

const REF_NAME = "org.opencontainers.image.ref.name"

export const blobPath = (layout: string, digest: string) => join(layout, "blobs", "sha256", digestHex(digest))

/** Canonical JSON bytes of a manifest or config: keys in the order written, no whitespace. */
export const jsonBytes = (value: unknown): Buffer => Buffer.from(JSON.stringify(value))

export const initLayout = async (layout: string) => {
  await fs.mkdir(join(layout, "blobs", "sha256"), { recursive: true })
  await fs.writeFile(join(layout, "oci-layout"), jsonBytes({ imageLayoutVersion: "1.0.0" }))
}

export const writeBlob = async (layout: string, bytes: Uint8Array): Promise<{ digest: string; size: number }> => {
  const digest = digestOf(bytes)
  await fs.writeFile(blobPath(layout, digest), bytes)
  return { digest, size: bytes.length }
}

/** Streams `source` into the layout's blob store while hashing; returns its digest and size. */
export const writeBlobStream = async (layout: string, source: NodeJS.ReadableStream) => {
  const temp = join(layout, "blobs", "sha256", `.tmp-${randomUUID()}`)
  const tap = digestTap()
  await pipeline(source, tap.stream, createWriteStream(temp))
  const digest = tap.digest()
  await fs.rename(temp, blobPath(layout, digest))
  return { digest, size: tap.size() }
}

export const readIndex = async (layout: string): Promise<ReadonlyArray<LayoutIndexEntry>> => {
  const index = JSON.parse(await fs.readFile(join(layout, "index.json"), "utf8")) as {
    manifests?: Array<LayoutIndexEntry>
  }
  return index.manifests ?? []
}

export const writeIndex = async (layout: string, manifests: ReadonlyArray<LayoutIndexEntry>) => {
  await fs.writeFile(
    join(layout, "index.json"),
    jsonBytes({ schemaVersion: 2, mediaType: MediaType.ociIndex, manifests })
  )
}

/** The entry of index.json named `tag` (org.opencontainers.image.ref.name), or the only entry. */
export const selectLayoutEntry = (entries: ReadonlyArray<LayoutIndexEntry>, tag: string | undefined) => {
  const named = entries.find((e) => e.annotations?.[REF_NAME] === tag)
  if (named !== undefined) return named
  if (entries.length === 1) return entries[0]
  return undefined
}

export const isLayout = async (path: string) =>
  fs.stat(join(path, "oci-layout")).then(
    () => true,
    () => false
  )

/**
 * `docker save` output: newer Docker writes an OCI layout inside the tar; older ones write manifest.json with
 * a config file and uncompressed layer tars. Either way the result is an OCI layout in a temporary folder.
 */
export const layoutFromDockerArchive = async (
  archive: string
): Promise<{ layout: string; tag: string | undefined }> => {
  const dir = await fs.mkdtemp(join(tmpdir(), "bencher-archive-"))
  await tar.x({ file: archive, cwd: dir, strict: true })
  const manifestJson = await fs.readFile(join(dir, "manifest.json"), "utf8").catch(() => undefined)
  if ((await isLayout(dir)) && manifestJson === undefined) return { layout: dir, tag: undefined }
  if (manifestJson === undefined) throw new Error(`${archive} is neither a docker archive nor an OCI layout`)
  const entries = JSON.parse(manifestJson) as Array<{
    Config: string
    RepoTags?: Array<string> | null
    Layers: Array<string>
  }>
  const entry = entries[0]
  if (entry === undefined || entries.length !== 1) throw new Error(`${archive} must hold exactly one image`)
  const layout = join(dir, "layout")
  await initLayout(layout)
  const config = await writeBlob(layout, await fs.readFile(join(dir, entry.Config)))
  const layers: Array<Descriptor> = []
  for (const path of entry.Layers) {
    const head = Buffer.alloc(2)
    const handle = await fs.open(join(dir, path))
    await handle.read(head, 0, 2, 0)
    await handle.close()
    const gzipped = head[0] === 0x1f && head[1] === 0x8b
    const blob = await writeBlobStream(layout, createReadStream(join(dir, path)))
    layers.push({
      mediaType: gzipped ? MediaType.ociLayerGzip : MediaType.ociLayer,
      digest: blob.digest as Descriptor["digest"],
      size: blob.size
    })
  }
  const manifest = await writeBlob(
    layout,
    jsonBytes({
      schemaVersion: 2,
      mediaType: MediaType.ociManifest,
      config: { mediaType: MediaType.ociConfig, digest: config.digest, size: config.size },
      layers
    })
  )
  const repoTag = entry.RepoTags?.[0]
  const tag = repoTag === undefined ? undefined : repoTag.slice(repoTag.lastIndexOf(":") + 1)
  await writeIndex(layout, [{ mediaType: MediaType.ociManifest, digest: manifest.digest, size: manifest.size }])
  return { layout, tag }
}

export interface BuildOptions {
  /** Folder whose contents become the image's root filesystem. */
  readonly context: string
  readonly entrypoint: ReadonlyArray<string>
  readonly cmd?: ReadonlyArray<string>
  readonly env?: ReadonlyArray<string>
  readonly workingDir?: string
  readonly architecture?: "amd64" | "arm64"
  /** Written into index.json as the ref name. */
  readonly tag: string
  /** The OCI layout folder to write (created; existing blobs are kept). */
  readonly output: string
}

const DEFAULT_PATH = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

/** Every path under `root`, sorted, directories before their contents, relative and `/`-separated. */
const walk = async (root: string): Promise<Array<string>> => {
  const out: Array<string> = []
  const visit = async (dir: string) => {
    const entries = (await fs.readdir(dir, { withFileTypes: true })).map((e) => e.name).sort()
    for (const name of entries) {
      const full = join(dir, name)
      out.push(relative(root, full).split("\\").join("/"))
      const stat = await fs.lstat(full)
      if (stat.isDirectory()) await visit(full)
    }
  }
  await visit(root)
  return out
}

export const hostArchitecture = (): "amd64" | "arm64" => (process.arch === "arm64" ? "arm64" : "amd64")

/**
 * A single-layer OCI image of a directory. Deterministic: entries sorted, mtime 0, uid/gid 0, no user or group
 * names, gzip header without a timestamp, no `created` dates, so the same input gives the same digest.
 */
export const buildImage = async (options: BuildOptions) => {
  const stat = await fs.stat(options.context).catch(() => undefined)
  if (stat === undefined || !stat.isDirectory()) throw new Error(`${options.context} is not a directory`)
  await initLayout(options.output)
  const entries = await walk(options.context)
  const tarball = tar.c(
    {
      cwd: options.context,
      portable: true,
      noDirRecurse: true,
      mtime: new Date(0),
      // portable: no uid/gid (written as 0), no user or group names, no atime/ctime.
      follow: false
    },
    entries
  ) as unknown as NodeJS.ReadableStream
  // diff_id: the digest of the uncompressed tar, as the config's rootfs requires
  const diff = digestTap()
  const layer = await writeBlobStream(options.output, tarball.pipe(diff.stream).pipe(createGzip({ level: 6 })))
  const diffId = diff.digest()
  const env = options.env ?? []
  const config = await writeBlob(
    options.output,
    jsonBytes({
      architecture: options.architecture ?? hostArchitecture(),
      os: "linux",
      config: {
        Env: env.some((e) => e.startsWith("PATH=")) ? env : [DEFAULT_PATH, ...env],
        Entrypoint: options.entrypoint,
        ...(options.cmd === undefined || options.cmd.length === 0 ? {} : { Cmd: options.cmd }),
        WorkingDir: options.workingDir ?? "/"
      },
      rootfs: { type: "layers", diff_ids: [diffId] },
      history: [{ created_by: "bencher image build" }]
    })
  )
  const manifest = await writeBlob(
    options.output,
    jsonBytes({
      schemaVersion: 2,
      mediaType: MediaType.ociManifest,
      config: { mediaType: MediaType.ociConfig, digest: config.digest, size: config.size },
      layers: [{ mediaType: MediaType.ociLayerGzip, digest: layer.digest, size: layer.size }]
    })
  )
  const others = (await readIndex(options.output).catch(() => [])).filter(
    (e) => e.annotations?.[REF_NAME] !== options.tag
  )
  await writeIndex(options.output, [
    ...others,
    {
      mediaType: MediaType.ociManifest,
      digest: manifest.digest,
      size: manifest.size,
      annotations: { [REF_NAME]: options.tag }
    }
  ])
  return { digest: manifest.digest, size: manifest.size, layer: layer.digest, config: config.digest }
}

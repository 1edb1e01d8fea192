import { Effect } from "effect"
import { createHash, randomUUID } from "node:crypto"
import { createWriteStream } from "node:fs"
import { mkdir, readFile, rename, rm, stat, writeFile } from "node:fs/promises"
import { join } from "node:path"
import { Transform } from "node:stream"
import { pipeline } from "node:stream/promises"
import {
  BlobDigestMismatch,
  ImageFetchError,
  type ImageInvalid,
  ImageTooLarge,
  type UnsafeLayerEntry
} from "../errors.js"
import { type Descriptor, digestHex, digestOf, type ImageReference, isDigest, MediaType } from "../../oci/index.js"
import { choosePlatform, decodeConfig, decodeManifest, decodeManifestOrIndex, type ImageManifest } from "./decode.js"
import { type ImageSource, layoutSource, type RegistryAuth, registrySource } from "./source.js"
import { unpackLayers } from "./unpack.js"
import { DEFAULT_MAX_DOWNLOAD_BYTES } from "../../domain/limits.js"

export { DEFAULT_MAX_DOWNLOAD_BYTES }
export const DEFAULT_MAX_UNPACKED_BYTES = 2 * 1024 * 1024 * 1024

export interface PullOptions {
  /** Content-addressed blobs live in `<cacheDir>/blobs/sha256/`, unpacked roots in `<cacheDir>/rootfs/<hex>/`. */
  readonly cacheDir: string
  readonly maxDownloadBytes?: number | undefined
  readonly maxUnpackedBytes?: number | undefined
}

/** How the image wants to run (after the manifest's config blob). */
export interface ImageRuntime {
  readonly entrypoint: ReadonlyArray<string>
  readonly cmd: ReadonlyArray<string>
  readonly env: ReadonlyArray<string>
  readonly workingDir: string
}

export interface PulledImage {
  /** Digest of the platform manifest: the cache key and what a job result should record. */
  readonly digest: string
  readonly rootfs: string
  readonly runtime: ImageRuntime
  /** Bytes fetched from the source in this pull; 0 when everything came from the cache. */
  readonly downloadedBytes: number
}

type PullError = ImageFetchError | ImageInvalid | BlobDigestMismatch | ImageTooLarge | UnsafeLayerEntry

const exists = (path: string) =>
  stat(path).then(
    () => true,
    () => false
  )
const fsError = (what: string) => (e: unknown) =>
  new ImageFetchError({ message: `${what}: ${String(e instanceof Error ? e.message : e)}` })

class BlobCache {
  constructor(readonly dir: string) {}
  path(digest: string) {
    return join(this.dir, "blobs", "sha256", digestHex(digest))
  }
  has(digest: string) {
    return Effect.promise(() => exists(this.path(digest)))
  }
  read(digest: string) {
    return Effect.tryPromise({ try: () => readFile(this.path(digest)), catch: fsError(`reading cached ${digest}`) })
  }
  write(digest: string, bytes: Uint8Array) {
    const final = this.path(digest)
    const tmp = `${final}.${randomUUID()}.tmp`
    return Effect.tryPromise({
      try: async () => {
        await mkdir(join(this.dir, "blobs", "sha256"), { recursive: true })
        await writeFile(tmp, bytes)
        await rename(tmp, final)
      },
      catch: fsError(`caching ${digest}`)
    })
  }
}

/** Streams a blob into the cache, hashing as it goes; the file appears under its digest only once verified. */
const fetchBlob = (
  source: ImageSource,
  cache: BlobCache,
  desc: Descriptor,
  budget: { remaining: number; used: number }
) =>
  Effect.gen(function* () {
    if (yield* cache.has(desc.digest)) return
    if (desc.size > budget.remaining) {
      return yield* new ImageTooLarge({
        limitBytes: budget.remaining + budget.used,
        message: `image download exceeds the limit of ${budget.remaining + budget.used} bytes (blob ${desc.digest} is ${desc.size})`
      })
    }
    const stream = yield* source.blob(desc.digest)
    const final = cache.path(desc.digest)
    const tmp = `${final}.${randomUUID()}.tmp`
    const hash = createHash("sha256")
    let seen = 0
    const meter = new Transform({
      transform(chunk: Buffer, _enc, done) {
        seen += chunk.length
        if (seen > desc.size)
          return done(new Error(`blob ${desc.digest} is larger than its descriptor's ${desc.size} bytes`))
        hash.update(chunk)
        done(null, chunk)
      }
    })
    yield* Effect.tryPromise({
      try: async () => {
        await mkdir(join(cache.dir, "blobs", "sha256"), { recursive: true })
        await pipeline(stream, meter, createWriteStream(tmp))
      },
      catch: (e) => {
        void rm(tmp, { force: true })
        const message = String(e instanceof Error ? e.message : e)
        return message.includes("larger than its descriptor")
          ? new BlobDigestMismatch({ digest: desc.digest, message })
          : new ImageFetchError({ message: `blob ${desc.digest}: ${message}` })
      }
    })
    budget.remaining -= seen
    budget.used += seen
    const actual = `sha256:${hash.digest("hex")}`
    if (actual !== desc.digest || seen !== desc.size) {
      yield* Effect.promise(() => rm(tmp, { force: true }))
      return yield* new BlobDigestMismatch({
        digest: desc.digest,
        message: `blob ${desc.digest} failed verification: got ${actual} (${seen} bytes, expected ${desc.size})`
      })
    }
    yield* Effect.tryPromise({ try: () => rename(tmp, final), catch: fsError(`caching ${desc.digest}`) })
  })

/** A manifest by tag or digest, verified against its digest and cached by it (tags are always re-resolved). */
const fetchManifest = (
  source: ImageSource,
  cache: BlobCache,
  reference: string,
  budget: { remaining: number; used: number }
) =>
  Effect.gen(function* () {
    if (isDigest(reference) && (yield* cache.has(reference))) {
      return { digest: reference, bytes: yield* cache.read(reference), mediaType: undefined as string | undefined }
    }
    const fetched = yield* source.manifest(reference)
    budget.used += fetched.bytes.byteLength
    const digest = digestOf(fetched.bytes)
    if (isDigest(reference) && digest !== reference) {
      return yield* new BlobDigestMismatch({ digest: reference, message: `manifest ${reference} hashes to ${digest}` })
    }
    yield* cache.write(digest, fetched.bytes)
    return { digest, bytes: fetched.bytes, mediaType: fetched.mediaType }
  })

const checkLayerTypes = (manifest: ImageManifest) =>
  Effect.forEach(manifest.layers, (layer) =>
    layer.mediaType === MediaType.ociLayerZstd || layer.mediaType.endsWith("+zstd")
      ? Effect.fail(
          new ImageFetchError({
            message: `layer ${layer.digest}: zstd layers are not supported on Node 20; push gzip layers`
          })
        )
      : Effect.void
  )

/**
 * Pulls an image into the cache and returns its unpacked root filesystem. Every blob is verified against its
 * digest while streaming; a digest reference that is already unpacked costs no request at all.
 */
export const pullImage = (
  source: ImageSource,
  reference: string,
  options: PullOptions
): Effect.Effect<PulledImage, PullError> =>
  Effect.gen(function* () {
    const cache = new BlobCache(options.cacheDir)
    const maxDownload = options.maxDownloadBytes ?? DEFAULT_MAX_DOWNLOAD_BYTES
    const budget = { remaining: maxDownload, used: 0 }

    let top = yield* fetchManifest(source, cache, reference, budget)
    const parsed = yield* decodeManifestOrIndex(top.bytes, top.mediaType)
    let manifest: ImageManifest
    if (parsed._tag === "Index") {
      const chosen = yield* choosePlatform(parsed)
      top = yield* fetchManifest(source, cache, chosen.digest, budget)
      manifest = yield* decodeManifest(top.bytes, top.mediaType)
    } else {
      manifest = parsed
    }
    const digest = top.digest
    const rootfs = join(options.cacheDir, "rootfs", digestHex(digest))

    yield* checkLayerTypes(manifest)
    const declared = manifest.layers.reduce((n, l) => n + l.size, manifest.config.size)
    if (declared > maxDownload) {
      return yield* new ImageTooLarge({
        limitBytes: maxDownload,
        message: `image is ${declared} bytes, over the download limit of ${maxDownload}`
      })
    }
    yield* fetchBlob(source, cache, manifest.config, budget)
    const config = yield* Effect.flatMap(cache.read(manifest.config.digest), decodeConfig)

    if (!(yield* Effect.promise(() => exists(rootfs)))) {
      for (const layer of manifest.layers) yield* fetchBlob(source, cache, layer, budget)
      const staging = `${rootfs}.${randomUUID()}.tmp`
      yield* unpackLayers(
        manifest.layers.map((l) => cache.path(l.digest)),
        staging,
        options.maxUnpackedBytes ?? DEFAULT_MAX_UNPACKED_BYTES
      ).pipe(Effect.tapError(() => Effect.promise(() => rm(staging, { recursive: true, force: true }))))
      // Another job may have unpacked the same digest meanwhile; the first rename wins and both are identical.
      yield* Effect.promise(() => rename(staging, rootfs).catch(() => rm(staging, { recursive: true, force: true })))
    }
    const run = config.config
    return {
      digest,
      rootfs,
      downloadedBytes: budget.used,
      runtime: {
        entrypoint: run?.Entrypoint ?? [],
        cmd: run?.Cmd ?? [],
        env: run?.Env ?? [],
        workingDir: run?.WorkingDir !== undefined && run.WorkingDir !== "" ? run.WorkingDir : "/"
      }
    }
  })

/** The source for a parsed reference: a registry (with the job's pull token) or a layout directory. */
export const sourceFor = (ref: ImageReference, auth: RegistryAuth = {}): ImageSource =>
  ref._tag === "Layout" ? layoutSource(ref.dir) : registrySource(ref, auth)

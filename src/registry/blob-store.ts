import { Chunk, Clock, Context, Duration, Effect, Layer, Option, Schedule, Stream } from "effect"
import { createHash, randomUUID, type Hash } from "node:crypto"
import { createReadStream } from "node:fs"
import { Readable } from "node:stream"
import * as fs from "node:fs/promises"
import { dirname, join } from "node:path"
import {
  BlobDigestMismatch,
  BlobNotFound,
  BlobStoreIoError,
  BlobTooLarge,
  ObjectKeyInvalid,
  UploadBusy,
  UploadLimitReached,
  UploadNotFound,
  UploadOutOfOrder
} from "./errors.js"
import { digestHex, isDigest } from "../oci/index.js"

export interface BlobInfo {
  readonly digest: string
  readonly size: number
}

/** Inclusive byte range, as in HTTP `Range: bytes=start-end`. */
export interface ByteRange {
  readonly start: number
  readonly end: number
}

export interface BlobReader {
  readonly size: number
  readonly stream: Stream.Stream<Uint8Array, BlobStoreIoError>
  /** The same bytes as a Node stream, for piping straight into an HTTP response (no per-chunk fiber work). */
  readonly readable: () => Readable
}

/** Bytes to store: an Effect stream, or a Node stream such as an HTTP request body (read without buffering). */
export type BlobBody<E> = Stream.Stream<Uint8Array, E> | Readable

export interface BlobStoreOptions {
  /** Folder holding blobs/, uploads/, tmp/ and objects/. */
  readonly root: string
  /** Largest blob accepted in one put or one upload session (default 2 GiB). */
  readonly maxBlobBytes?: number
  /** An upload session untouched this long is deleted with its bytes (default 5 minutes). */
  readonly uploadTtl?: Duration.DurationInput
  /** How often expired sessions are swept (default 1 minute). */
  readonly sweepEvery?: Duration.DurationInput
  /** Open upload sessions at most, server-wide (default 1024); each holds a file until it ends or expires. */
  readonly maxUploadSessions?: number
  /** Open upload sessions at most per repository (project), so that one cannot take the server's (default 64). */
  readonly maxUploadSessionsPerProject?: number
  /** Open upload sessions at most per user (the token's subject), across repositories (default 32). */
  readonly maxUploadSessionsPerUser?: number
}

export const DEFAULT_MAX_BLOB_BYTES = 2 * 1024 * 1024 * 1024

/** The BlobStoreIoError operation of a body that broke off while being read (the sender's fault, not ours). */
export const READ_BODY = "read body"

interface Session {
  readonly id: string
  readonly owner: string
  readonly user: string | undefined
  readonly path: string
  readonly hash: Hash
  size: number
  touched: number
  busy: boolean
}

const io = (operation: string) => (cause: unknown) =>
  new BlobStoreIoError({ operation, reason: cause instanceof Error ? cause.message : String(cause) })

const isMissing = (cause: unknown): boolean =>
  typeof cause === "object" && cause !== null && "code" in cause && cause.code === "ENOENT"

const objectKeyPattern = /^[a-z0-9_-][a-z0-9._-]*(\/[a-z0-9_-][a-z0-9._-]*)*$/

const make = (options: BlobStoreOptions) =>
  Effect.gen(function* () {
    const maxBlobBytes = options.maxBlobBytes ?? DEFAULT_MAX_BLOB_BYTES
    const uploadTtl = Duration.toMillis(Duration.decode(options.uploadTtl ?? "5 minutes"))
    const blobsDir = join(options.root, "blobs", "sha256")
    const tmpDir = join(options.root, "tmp")
    const uploadsDir = join(options.root, "uploads")
    const objectsDir = join(options.root, "objects")
    yield* Effect.tryPromise({
      try: async () => {
        for (const dir of [blobsDir, tmpDir, uploadsDir, objectsDir]) await fs.mkdir(dir, { recursive: true })
        // Temp files and upload sessions of a previous process can never complete: sessions live in memory.
        for (const dir of [tmpDir, uploadsDir]) {
          for (const name of await fs.readdir(dir)) await fs.rm(join(dir, name), { force: true, recursive: true })
        }
      },
      catch: io("open")
    })

    const blobPath = (digest: string) => {
      const hex = digestHex(digest)
      return join(blobsDir, hex.slice(0, 2), hex)
    }

    /**
     * A Node stream (an HTTP request body) is read with one promise per chunk and written in batches of up
     * to 1 MiB, which is several times faster than a fiber step per chunk. It is never destroyed here, so the
     * server can still answer (e.g. 413) after we stop reading.
     */
    const drainReadable = (readable: Readable, handle: fs.FileHandle, hash: Hash, start: number, limit: number) =>
      Effect.tryPromise({
        try: async () => {
          let size = start
          let batch: Array<Buffer> = []
          let batchBytes = 0
          const iterator = readable[Symbol.asyncIterator]()
          for (;;) {
            const next = await iterator.next().catch((e: unknown) => {
              throw io(READ_BODY)(e)
            })
            if (next.done === true) break
            const chunk = next.value as Buffer
            if (size + batchBytes + chunk.length > limit) throw new BlobTooLarge({ limit })
            batch.push(chunk)
            batchBytes += chunk.length
            if (batchBytes >= 1024 * 1024) {
              await handle.writev(batch)
              for (const b of batch) hash.update(b)
              size += batchBytes
              batch = []
              batchBytes = 0
            }
          }
          if (batch.length > 0) {
            await handle.writev(batch)
            for (const b of batch) hash.update(b)
            size += batchBytes
          }
          return size
        },
        catch: (e) => (e instanceof BlobTooLarge || e instanceof BlobStoreIoError ? e : io("write")(e))
      })

    /** Writes every chunk to the handle while hashing; fails with BlobTooLarge before writing past the limit. */
    const drain = <E = never>(body: BlobBody<E>, handle: fs.FileHandle, hash: Hash, start: number, limit: number) =>
      body instanceof Readable
        ? drainReadable(body, handle, hash, start, limit)
        : Effect.suspend(() => {
            let size = start
            return Stream.runForEachChunk(body, (chunk) =>
              Effect.suspend((): Effect.Effect<void, BlobTooLarge | BlobStoreIoError> => {
                const parts = Chunk.toReadonlyArray(chunk).filter((c) => c.length > 0)
                let bytes = 0
                for (const p of parts) bytes += p.length
                if (size + bytes > limit) return Effect.fail(new BlobTooLarge({ limit }))
                if (parts.length === 0) return Effect.void
                return Effect.tryPromise({ try: () => handle.writev(parts), catch: io("write") }).pipe(
                  Effect.flatMap(() =>
                    Effect.sync(() => {
                      for (const p of parts) hash.update(p)
                      size += bytes
                    })
                  )
                )
              })
            ).pipe(Effect.map(() => size))
          })

    /** Moves a complete, verified temp file into its content address; an existing copy wins (dedup). */
    const publish = (temp: string, digest: string) =>
      Effect.tryPromise({
        try: async () => {
          const target = blobPath(digest)
          const exists = await fs.stat(target).then(
            () => true,
            () => false
          )
          if (exists) {
            await fs.rm(temp, { force: true })
            return
          }
          await fs.mkdir(dirname(target), { recursive: true })
          await fs.rename(temp, target)
        },
        catch: io("publish")
      })

    const removeQuietly = (path: string) => Effect.promise(() => fs.rm(path, { force: true }).catch(() => undefined))

    const checkExpected = (expected: string | undefined, actual: string) =>
      expected !== undefined && expected !== actual
        ? Effect.fail(new BlobDigestMismatch({ expected, actual }))
        : Effect.void

    const put = <E = never>(
      body: BlobBody<E>,
      putOptions: { readonly expected?: string; readonly limit?: number } = {}
    ): Effect.Effect<BlobInfo, E | BlobTooLarge | BlobDigestMismatch | BlobStoreIoError> => {
      const temp = join(tmpDir, randomUUID())
      const limit = Math.min(putOptions.limit ?? maxBlobBytes, maxBlobBytes)
      return Effect.acquireUseRelease(
        Effect.tryPromise({ try: () => fs.open(temp, "wx", 0o644), catch: io("create") }),
        (handle) =>
          Effect.gen(function* () {
            const hash = createHash("sha256")
            const size = yield* drain(body, handle, hash, 0, limit)
            yield* Effect.tryPromise({ try: () => handle.sync(), catch: io("sync") })
            const digest = `sha256:${hash.digest("hex")}`
            yield* checkExpected(putOptions.expected, digest)
            return { digest, size }
          }),
        (handle) => Effect.promise(() => handle.close().catch(() => undefined))
      ).pipe(
        Effect.tap((info) => publish(temp, info.digest)),
        Effect.onError(() => removeQuietly(temp))
      )
    }

    const stat = (digest: string): Effect.Effect<Option.Option<BlobInfo>, BlobStoreIoError> =>
      isDigest(digest)
        ? Effect.tryPromise({
            try: () =>
              fs.stat(blobPath(digest)).then(
                (s) => Option.some({ digest, size: s.size }),
                (e: unknown) => {
                  if (isMissing(e)) return Option.none()
                  throw e
                }
              ),
            catch: io("stat")
          })
        : Effect.succeed(Option.none())

    const has = (digest: string) => Effect.map(stat(digest), Option.isSome)

    const readFile = (path: string, range?: ByteRange): Stream.Stream<Uint8Array, BlobStoreIoError> =>
      Stream.async<Uint8Array, BlobStoreIoError>((emit) => {
        const stream = createReadStream(path, {
          highWaterMark: 1024 * 1024,
          ...(range === undefined ? {} : { start: range.start, end: range.end })
        })
        stream.on("data", (chunk) => void emit.single(chunk as Buffer))
        stream.on("error", (e) => void emit.fail(io("read")(e)))
        stream.on("end", () => void emit.end())
        return Effect.sync(() => stream.destroy())
      }, 16)

    /** Opens a blob for reading; the range is clamped by the caller (the size is returned first). */
    const open = (digest: string, range?: ByteRange): Effect.Effect<BlobReader, BlobNotFound | BlobStoreIoError> =>
      Effect.flatMap(stat(digest), (info) =>
        Option.match(info, {
          onNone: () => Effect.fail(new BlobNotFound({ digest })),
          onSome: ({ size }) =>
            Effect.succeed({
              size,
              stream: readFile(blobPath(digest), range),
              // 4 MiB reads: a quarter of the read calls (and fresh buffers) of 1 MiB for the same bytes
              readable: () =>
                createReadStream(blobPath(digest), {
                  highWaterMark: 4 * 1024 * 1024,
                  ...(range === undefined ? {} : { start: range.start, end: range.end })
                })
            })
        })
      )

    const readAll = (digest: string): Effect.Effect<Uint8Array, BlobNotFound | BlobStoreIoError> =>
      Effect.tryPromise({
        try: () => fs.readFile(isDigest(digest) ? blobPath(digest) : join(blobsDir, "invalid")),
        catch: (e) => (isMissing(e) ? new BlobNotFound({ digest }) : io("read")(e))
      })

    const remove = (digest: string) =>
      isDigest(digest)
        ? Effect.tryPromise({ try: () => fs.rm(blobPath(digest), { force: true }), catch: io("delete") })
        : Effect.void

    // Upload sessions (chunked uploads): bytes in uploads/<id>, the running hash in memory.
    const sessions = new Map<string, Session>()

    const session = (id: string, owner: string) =>
      Effect.suspend(() => {
        const s = sessions.get(id)
        return s === undefined || s.owner !== owner ? Effect.fail(new UploadNotFound({ id })) : Effect.succeed(s)
      })

    const discard = (s: Session) =>
      Effect.suspend(() => {
        sessions.delete(s.id)
        return removeQuietly(s.path)
      })

    const maxUploadSessions = options.maxUploadSessions ?? 1024
    const maxPerProject = options.maxUploadSessionsPerProject ?? 64
    const maxPerUser = options.maxUploadSessionsPerUser ?? 32
    /** A new session for `owner` (the project), opened by `user` (the token's subject) when known. */
    const beginUpload = (owner: string, user?: string) =>
      Effect.gen(function* () {
        let ofOwner = 0
        let ofUser = 0
        for (const s of sessions.values()) {
          if (s.owner === owner) ofOwner++
          if (user !== undefined && s.user === user) ofUser++
        }
        if (user !== undefined && ofUser >= maxPerUser)
          return yield* Effect.fail(new UploadLimitReached({ limit: maxPerUser, scope: "user" }))
        if (ofOwner >= maxPerProject)
          return yield* Effect.fail(new UploadLimitReached({ limit: maxPerProject, scope: "project" }))
        if (sessions.size >= maxUploadSessions)
          return yield* Effect.fail(new UploadLimitReached({ limit: maxUploadSessions }))
        const id = randomUUID()
        const path = join(uploadsDir, id)
        yield* Effect.tryPromise({
          try: () => fs.writeFile(path, new Uint8Array(0), { flag: "wx" }),
          catch: io("create")
        })
        const now = yield* Clock.currentTimeMillis
        const s: Session = { id, owner, user, path, hash: createHash("sha256"), size: 0, touched: now, busy: false }
        sessions.set(id, s)
        return { id, size: 0 }
      })

    /** Appends a chunk; a chunk that fails half-way ends the session, since its bytes are no longer known. */
    const appendUpload = <E = never>(id: string, owner: string, body: BlobBody<E>, startOffset?: number) =>
      Effect.gen(function* () {
        const s = yield* session(id, owner)
        if (s.busy) return yield* Effect.fail(new UploadBusy({ id }))
        if (startOffset !== undefined && startOffset !== s.size) {
          return yield* Effect.fail(new UploadOutOfOrder({ expected: s.size, actual: startOffset }))
        }
        s.busy = true
        const size = yield* Effect.acquireUseRelease(
          Effect.tryPromise({ try: () => fs.open(s.path, "a"), catch: io("open") }),
          (handle) => drain(body, handle, s.hash, s.size, maxBlobBytes),
          (handle) => Effect.promise(() => handle.close().catch(() => undefined))
        ).pipe(Effect.onError(() => discard(s)))
        s.size = size
        s.busy = false
        s.touched = yield* Clock.currentTimeMillis
        return { id, size }
      })

    const uploadStatus = (id: string, owner: string) => Effect.map(session(id, owner), (s) => ({ id, size: s.size }))

    const commitUpload = (id: string, owner: string, expected: string) =>
      Effect.gen(function* () {
        const s = yield* session(id, owner)
        if (s.busy) return yield* Effect.fail(new UploadBusy({ id }))
        sessions.delete(id)
        const digest = `sha256:${s.hash.digest("hex")}`
        if (digest !== expected) {
          yield* removeQuietly(s.path)
          return yield* Effect.fail(new BlobDigestMismatch({ expected, actual: digest }))
        }
        yield* publish(s.path, digest).pipe(Effect.onError(() => removeQuietly(s.path)))
        return { digest, size: s.size }
      })

    const cancelUpload = (id: string, owner: string) => Effect.flatMap(session(id, owner), discard)

    const sweep = Effect.gen(function* () {
      const now = yield* Clock.currentTimeMillis
      for (const s of [...sessions.values()]) {
        if (!s.busy && now - s.touched > uploadTtl) yield* discard(s)
      }
    })
    yield* sweep.pipe(
      Effect.repeat(Schedule.spaced(options.sweepEvery ?? "1 minute")),
      Effect.interruptible,
      Effect.forkScoped
    )
    yield* Effect.addFinalizer(() => Effect.forEach([...sessions.values()], discard, { discard: true }))

    // Named objects (job outputs and other small documents), written atomically like blobs.
    const objectPath = (key: string) =>
      objectKeyPattern.test(key) && !key.split("/").some((s) => s === "." || s === "..")
        ? Effect.succeed(join(objectsDir, ...key.split("/")))
        : Effect.fail(new ObjectKeyInvalid({ key }))

    const putObject = (key: string, bytes: Uint8Array) =>
      Effect.gen(function* () {
        const target = yield* objectPath(key)
        const temp = join(tmpDir, randomUUID())
        yield* Effect.tryPromise({
          try: async () => {
            await fs.writeFile(temp, bytes, { flag: "wx", flush: true })
            await fs.mkdir(dirname(target), { recursive: true })
            await fs.rename(temp, target)
          },
          catch: io("put object")
        }).pipe(Effect.onError(() => removeQuietly(temp)))
      })

    const getObject = (key: string) =>
      Effect.flatMap(objectPath(key), (path) =>
        Effect.tryPromise({
          try: () =>
            fs.readFile(path).then(
              (b): Option.Option<Uint8Array> => Option.some(b),
              (e: unknown) => {
                if (isMissing(e)) return Option.none()
                throw e
              }
            ),
          catch: io("get object")
        })
      )

    const deleteObject = (key: string) =>
      Effect.flatMap(objectPath(key), (path) =>
        Effect.tryPromise({ try: () => fs.rm(path, { force: true }), catch: io("delete object") })
      )

    const jobOutputKey = (jobUuid: string) => `jobs/${jobUuid.toLowerCase()}/output.json`

    return {
      maxBlobBytes,
      /** Streams a body into the store; verifies `expected` when given. Nothing is kept on any failure. */
      put,
      putBytes: (bytes: Uint8Array, expected?: string) =>
        put(Stream.make(bytes), expected === undefined ? {} : { expected }),
      stat,
      has,
      open,
      readAll,
      delete: remove,
      beginUpload,
      appendUpload,
      uploadStatus,
      commitUpload,
      cancelUpload,
      /** Expires idle upload sessions now (the layer also does it every `sweepEvery`). */
      sweep,
      putObject,
      getObject,
      deleteObject,
      /** The raw per-iteration results of a completed job (docs/reference.md §5.5 JsonIterationOutput[]). */
      putJobOutput: (jobUuid: string, bytes: Uint8Array) => putObject(jobOutputKey(jobUuid), bytes),
      getJobOutput: (jobUuid: string) => getObject(jobOutputKey(jobUuid))
    } as const
  })

/**
 * Content-addressed storage for registry blobs and job outputs: files under the data directory, each written to
 * tmp/ and renamed into place once its sha256 is known. An S3-compatible store can implement the same shape.
 */
export class BlobStore extends Context.Tag("bencher/registry/BlobStore")<
  BlobStore,
  Effect.Effect.Success<ReturnType<typeof make>>
>() {
  static layer = (options: BlobStoreOptions) => Layer.scoped(this, make(options))
}

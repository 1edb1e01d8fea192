import { describe, expect, it } from "@effect/vitest"
import { Chunk, Effect, Option, Stream, TestClock } from "effect"
import { createHash } from "node:crypto"
import { mkdtempSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { BlobStore } from "../../src/registry/blob-store.js"
import { listFiles } from "./fixture.js"

const sha256 = (s: string | Uint8Array) => `sha256:${createHash("sha256").update(s).digest("hex")}`
const bytes = (s: string) => new TextEncoder().encode(s)
const chunks = (...parts: Array<string>) => Stream.fromIterable(parts.map(bytes))

const withStore = <A, E>(body: (store: BlobStore["Type"], root: string) => Effect.Effect<A, E>) => {
  const root = mkdtempSync(join(tmpdir(), "bencher-blobs-"))
  return Effect.flatMap(BlobStore, (store) => body(store, root)).pipe(
    Effect.provide(
      BlobStore.layer({ root, maxBlobBytes: 64, uploadTtl: "10 minutes", sweepEvery: "1 minute", maxUploadSessions: 3 })
    )
  )
}

const leftovers = (root: string) => [...listFiles(join(root, "tmp")), ...listFiles(join(root, "uploads"))]
const readText = (stream: Stream.Stream<Uint8Array, unknown>) =>
  Effect.map(Stream.runCollect(stream), (c) => Buffer.concat(Chunk.toReadonlyArray(c)).toString("utf8"))

describe("BlobStore", () => {
  it.scoped("stores a stream under its sha256 once, however often it is put", () =>
    withStore((store, root) =>
      Effect.gen(function* () {
        const first = yield* store.put(chunks("hello ", "world"))
        expect(first).toEqual({ digest: sha256("hello world"), size: 11 })
        const again = yield* store.put(chunks("hello world"), { expected: sha256("hello world") })
        expect(again.digest).toBe(first.digest)
        expect(listFiles(join(root, "blobs"))).toHaveLength(1)
        expect(yield* store.has(first.digest)).toBe(true)
        const reader = yield* store.open(first.digest, { start: 6, end: 10 })
        expect(reader.size).toBe(11)
        expect(yield* readText(reader.stream)).toBe("world")
        expect(leftovers(root)).toEqual([])
      })
    )
  )

  it.scoped("rejects a digest mismatch and keeps nothing", () =>
    withStore((store, root) =>
      Effect.gen(function* () {
        const error = yield* Effect.flip(store.put(chunks("bytes"), { expected: sha256("other") }))
        expect(error._tag).toBe("BlobDigestMismatch")
        expect(yield* store.has(sha256("bytes"))).toBe(false)
        expect(listFiles(join(root, "blobs"))).toEqual([])
        expect(leftovers(root)).toEqual([])
      })
    )
  )

  it.scoped("refuses a blob over the size limit and keeps nothing", () =>
    withStore((store, root) =>
      Effect.gen(function* () {
        const error = yield* Effect.flip(store.put(chunks("x".repeat(40), "y".repeat(40))))
        expect(error._tag).toBe("BlobTooLarge")
        expect(listFiles(join(root, "blobs"))).toEqual([])
        expect(leftovers(root)).toEqual([])
      })
    )
  )

  it.scoped("assembles an upload session from chunks and enforces its size limit", () =>
    withStore((store, root) =>
      Effect.gen(function* () {
        const session = yield* store.beginUpload("project-a")
        yield* store.appendUpload(session.id, "project-a", chunks("abc"), 0)
        const outOfOrder = yield* Effect.flip(store.appendUpload(session.id, "project-a", chunks("zzz"), 7))
        expect(outOfOrder._tag).toBe("UploadOutOfOrder")
        const otherOwner = yield* Effect.flip(store.uploadStatus(session.id, "project-b"))
        expect(otherOwner._tag).toBe("UploadNotFound")
        yield* store.appendUpload(session.id, "project-a", chunks("def"), 3)
        const blob = yield* store.commitUpload(session.id, "project-a", sha256("abcdef"))
        expect(blob).toEqual({ digest: sha256("abcdef"), size: 6 })

        const big = yield* store.beginUpload("project-a")
        yield* store.appendUpload(big.id, "project-a", chunks("x".repeat(60)))
        const tooLarge = yield* Effect.flip(store.appendUpload(big.id, "project-a", chunks("x".repeat(10))))
        expect(tooLarge._tag).toBe("BlobTooLarge")
        expect((yield* Effect.flip(store.uploadStatus(big.id, "project-a")))._tag).toBe("UploadNotFound")
        expect(leftovers(root)).toEqual([])
      })
    )
  )

  it.scoped("refuses a session beyond the limit of open upload sessions until one ends", () =>
    withStore((store) =>
      Effect.gen(function* () {
        const open = yield* Effect.all([store.beginUpload("p"), store.beginUpload("p"), store.beginUpload("p")])
        expect((yield* Effect.flip(store.beginUpload("p")))._tag).toBe("UploadLimitReached")
        yield* store.cancelUpload(open[0].id, "p")
        expect((yield* store.beginUpload("p")).size).toBe(0)
      })
    )
  )

  it.scoped("caps open upload sessions per user and per repository, not only server-wide", () => {
    const root = mkdtempSync(join(tmpdir(), "bencher-blobs-"))
    return Effect.gen(function* () {
      const store = yield* BlobStore
      // one user's idle sessions (across repositories) stop at the per-user cap
      for (let i = 0; i < 2; i++) yield* store.beginUpload(`project-${i}`, "user:greedy")
      const greedy = yield* Effect.flip(store.beginUpload("project-3", "user:greedy"))
      expect(greedy._tag).toBe("UploadLimitReached")
      expect(greedy.message).toContain("for this user")
      // everyone else can still upload; one repository's sessions stop at the per-repository cap
      for (let i = 0; i < 3; i++) yield* store.beginUpload("shared", `user:${i}`)
      const crowded = yield* Effect.flip(store.beginUpload("shared", "user:late"))
      expect(crowded.message).toContain("for this repository")
      expect((yield* store.beginUpload("quiet", "user:late")).size).toBe(0)
    }).pipe(
      Effect.provide(
        BlobStore.layer({ root, maxUploadSessions: 100, maxUploadSessionsPerUser: 2, maxUploadSessionsPerProject: 3 })
      )
    )
  })

  it.scoped("expires idle upload sessions within minutes by default", () => {
    const root = mkdtempSync(join(tmpdir(), "bencher-blobs-"))
    return Effect.gen(function* () {
      const store = yield* BlobStore
      const idle = yield* store.beginUpload("p", "user:a")
      yield* TestClock.adjust("6 minutes")
      expect((yield* Effect.flip(store.uploadStatus(idle.id, "p")))._tag).toBe("UploadNotFound")
    }).pipe(Effect.provide(BlobStore.layer({ root })))
  })

  it.scoped("expires upload sessions left idle longer than the TTL", () =>
    withStore((store, root) =>
      Effect.gen(function* () {
        const idle = yield* store.beginUpload("p")
        yield* store.appendUpload(idle.id, "p", chunks("partial"))
        yield* TestClock.adjust("5 minutes")
        const active = yield* store.beginUpload("p")
        yield* TestClock.adjust("6 minutes")
        expect((yield* Effect.flip(store.uploadStatus(idle.id, "p")))._tag).toBe("UploadNotFound")
        expect((yield* store.uploadStatus(active.id, "p")).size).toBe(0)
        // the sweeper's file removal is real IO, finishing after the TestClock step
        for (let i = 0; i < 100 && listFiles(join(root, "uploads")).length > 1; i++) {
          yield* Effect.promise(() => new Promise((resolve) => setTimeout(resolve, 10)))
        }
        expect(listFiles(join(root, "uploads"))).toHaveLength(1)
      })
    )
  )

  it.scoped("keeps job outputs as named objects, written atomically", () =>
    withStore((store, root) =>
      Effect.gen(function* () {
        const job = "7f1c2a34-1111-4222-8333-944455556666"
        expect(yield* store.getJobOutput(job)).toEqual(Option.none())
        const output = bytes(JSON.stringify([{ exit_code: 0, stdout: "ok" }]))
        yield* store.putJobOutput(job, output)
        const read = yield* store.getJobOutput(job)
        expect(Option.map(read, (b) => Buffer.from(b).toString("utf8"))).toEqual(
          Option.some(JSON.stringify([{ exit_code: 0, stdout: "ok" }]))
        )
        expect((yield* Effect.flip(store.putObject("../escape", output)))._tag).toBe("ObjectKeyInvalid")
        expect((yield* Effect.flip(store.putObject("a/../../b", output)))._tag).toBe("ObjectKeyInvalid")
        expect(leftovers(root)).toEqual([])
      })
    )
  )
})

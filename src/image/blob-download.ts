// Fast blob download for plain-http registries: one GET on a raw socket read into a 2 MiB buffer, every
// chunk hashed (sha256) and written to the target file while the socket keeps reading.
//
// Why not node:http: its socket reads 64 KiB at a time and each read goes through the JS HTTP parser, a copy
// of the body and a stream push; on loopback that caps a pull at ~600 MB/s before hashing or writing a byte.
// Reading into a large user buffer (net `onread`) makes ~1-2 MiB reads and costs almost nothing per byte.
//
// Work is split three ways so the per-byte costs overlap: the main thread reads the socket and copies each
// read into a slot of a shared ring; the file write of a slot runs on the libuv pool; its sha256 runs on a
// small shared worker thread (hashing is the largest cost, ~1.5 GB/s). A slot is reused once both are done,
// so memory stays at RING_SLOTS * SLOT_BYTES whatever the blob size; when the ring is full the socket pauses.
//
// Only the simple, common answer is handled here: `200` with a Content-Length and no Transfer-Encoding or
// Content-Encoding. Anything else (errors, redirects, chunked bodies) returns "fallback" before a byte is
// written, and the caller repeats the request with node:http.
import { createHash } from "node:crypto"
import * as fs from "node:fs"
import * as net from "node:net"
import { Worker } from "node:worker_threads"

// 2 MiB slots: loopback reads into the 2 MiB socket buffer average 1-2 MiB, so a slot is mostly full.
const SLOT_BYTES = 2 * 1024 * 1024
const RING_SLOTS = 8
const MAX_HEAD_BYTES = 64 * 1024

export interface DownloadResult {
  readonly digest: string
  readonly size: number
}

// ---------------------------------------------------------------------------------------------------------
// The hashing thread: one per process, shared by concurrent downloads, unref'd while idle.

type HashReply =
  | { readonly id: number; readonly slot: number }
  | { readonly id: number; readonly digest: string }
  | {
      readonly id: number
      readonly error: string
    }

const workerSource = `
const { parentPort } = require("node:worker_threads")
const { createHash } = require("node:crypto")
const jobs = new Map()
parentPort.on("message", (m) => {
  try {
    if (m.op === "open") jobs.set(m.id, { hash: createHash("sha256"), ring: new Uint8Array(m.ring) })
    else if (m.op === "update") {
      const job = jobs.get(m.id)
      job.hash.update(job.ring.subarray(m.offset, m.offset + m.length))
      parentPort.postMessage({ id: m.id, slot: m.slot })
    } else if (m.op === "digest") {
      const job = jobs.get(m.id)
      jobs.delete(m.id)
      parentPort.postMessage({ id: m.id, digest: "sha256:" + job.hash.digest("hex") })
    } else if (m.op === "drop") jobs.delete(m.id)
  } catch (e) {
    jobs.delete(m.id)
    parentPort.postMessage({ id: m.id, error: String(e && e.message || e) })
  }
})
`

class HashThread {
  private readonly worker: Worker
  private readonly listeners = new Map<number, (reply: HashReply) => void>()
  private nextId = 1
  failed: Error | undefined

  constructor() {
    this.worker = new Worker(workerSource, { eval: true })
    this.worker.unref()
    this.worker.on("message", (reply: HashReply) => this.listeners.get(reply.id)?.(reply))
    this.worker.on("error", (e) => this.fail(e))
    this.worker.on("exit", (code) => this.fail(new Error(`hash worker exited with code ${code}`)))
  }

  private fail(e: Error) {
    if (this.failed !== undefined) return
    this.failed = e
    if (hashThread === this) hashThread = undefined
    for (const [id, listener] of this.listeners) listener({ id, error: e.message })
    this.listeners.clear()
  }

  open(ring: SharedArrayBuffer, onReply: (reply: HashReply) => void) {
    const id = this.nextId++
    if (this.listeners.size === 0) this.worker.ref()
    this.listeners.set(id, onReply)
    this.worker.postMessage({ op: "open", id, ring })
    return {
      update: (slot: number, offset: number, length: number) =>
        this.worker.postMessage({ op: "update", id, slot, offset, length }),
      digest: () => this.worker.postMessage({ op: "digest", id }),
      close: () => {
        if (!this.listeners.delete(id)) return
        this.worker.postMessage({ op: "drop", id })
        if (this.listeners.size === 0) this.worker.unref()
      }
    }
  }
}

let hashThread: HashThread | undefined

const sharedHashThread = (): HashThread | undefined => {
  if (hashThread === undefined) {
    try {
      hashThread = new HashThread()
    } catch {
      return undefined // no worker threads here: hash on the main thread
    }
  }
  return hashThread
}

// ---------------------------------------------------------------------------------------------------------
// The sink: a ring of slots, each written to the file and hashed, in order.

interface Sink {
  /** Copies `chunk` into a free slot and starts its write and hash; false when the ring is now full. */
  push(chunk: Uint8Array): boolean
  /** Resolves once every slot is written and hashed, with the digest. */
  finish(): Promise<string>
  /** Called when a slot frees up after push returned false. */
  onDrain: () => void
  /** Stops hashing; `closed` runs once no write is in flight any more, so the fd can be closed safely. */
  abort(closed: () => void): void
}

// Rings of downloads that completed, kept for the next one: a fresh 16 MiB costs a page fault per 4 KiB.
const spareRings: Array<SharedArrayBuffer> = []
const MAX_SPARE_RINGS = 2

const openSink = (fd: number, fail: (e: Error) => void, useThread: boolean): Sink => {
  const ring = spareRings.pop() ?? new SharedArrayBuffer(SLOT_BYTES * RING_SLOTS)
  const view = new Uint8Array(ring)
  const free: Array<number> = []
  for (let i = RING_SLOTS - 1; i >= 0; i--) free.push(i)
  // a slot is busy until its write and (when threaded) its hash are both done
  const pending = new Array<number>(RING_SLOTS).fill(0)
  let position = 0
  let busy = 0
  let aborted = false
  let writing = 0
  let onIdle: (() => void) | undefined
  let finishing: { resolve: (digest: string) => void; reject: (e: Error) => void } | undefined
  let digest: string | undefined
  const mainHash = createHash("sha256")

  const thread = useThread ? sharedHashThread() : undefined
  const settle = () => {
    if (aborted || finishing === undefined || busy > 0) return
    if (thread === undefined) return done(`sha256:${mainHash.digest("hex")}`)
    if (digest !== undefined) return done(digest)
    if (!requested) {
      requested = true
      handle?.digest()
    }
  }
  let requested = false
  const done = (result: string) => {
    // every write and hash of this ring has finished: nothing reads it any more
    if (spareRings.length < MAX_SPARE_RINGS) spareRings.push(ring)
    finishing?.resolve(result)
  }
  const release = (slot: number) => {
    if (--pending[slot]! > 0) return
    busy--
    free.push(slot)
    if (free.length === 1) sink.onDrain()
    settle()
  }
  const error = (e: Error) => {
    if (aborted) return
    handle?.close()
    if (finishing !== undefined) finishing.reject(e)
    else fail(e)
  }
  const handle = thread?.open(ring, (reply) => {
    if ("error" in reply) return error(new Error(`hashing failed: ${reply.error}`))
    if ("digest" in reply) {
      digest = reply.digest
      handle?.close()
      return settle()
    }
    release(reply.slot)
  })

  const sink: Sink = {
    onDrain: () => undefined,
    push(chunk) {
      for (let from = 0; from < chunk.length; ) {
        const slot = free.pop()
        if (slot === undefined) throw new Error("blob download: ring overflow")
        const length = Math.min(chunk.length - from, SLOT_BYTES)
        const offset = slot * SLOT_BYTES
        const bytes = view.subarray(offset, offset + length)
        bytes.set(chunk.subarray(from, from + length))
        from += length
        busy++
        pending[slot] = handle === undefined ? 1 : 2
        const at = position
        position += length
        writing++
        writeFully(fd, bytes, at, (e) => {
          if (--writing === 0 && onIdle !== undefined) {
            const closed = onIdle
            onIdle = undefined
            closed()
          }
          if (e === null) release(slot)
          else error(e)
        })
        if (handle === undefined) mainHash.update(bytes)
        else handle.update(slot, offset, length)
      }
      return free.length > 0
    },
    finish: () =>
      new Promise<string>((resolve, reject) => {
        if (aborted) return reject(new Error("blob download aborted"))
        finishing = { resolve, reject }
        settle()
      }),
    abort: (closed) => {
      aborted = true
      if (writing === 0) closed()
      else onIdle = closed
      handle?.close()
    }
  }
  return sink
}

const writeFully = (fd: number, bytes: Uint8Array, position: number, done: (e: Error | null) => void) => {
  fs.write(fd, bytes, 0, bytes.length, position, (e, written) => {
    if (e !== null) return done(e)
    if (written === bytes.length) return done(null)
    writeFully(fd, bytes.subarray(written), position + written, done)
  })
}

// ---------------------------------------------------------------------------------------------------------
// The request.

const parseHead = (head: string) => {
  const lines = head.split("\r\n")
  const status = /^HTTP\/1\.[01] (\d{3})/.exec(lines[0] ?? "")
  const headers = new Map<string, string>()
  for (const line of lines.slice(1)) {
    const colon = line.indexOf(":")
    if (colon > 0) {
      const name = line.slice(0, colon).trim().toLowerCase()
      const value = line.slice(colon + 1).trim()
      headers.set(name, headers.has(name) ? `${headers.get(name)}, ${value}` : value)
    }
  }
  return { status: status === null ? 0 : Number(status[1]), headers }
}

/**
 * GETs `url` (http: only) into `target`. "fallback" when the answer is not a plain 200 with a Content-Length
 * (nothing is written then); otherwise the sha256 and size of what was written. The caller checks the digest.
 */
export const downloadBlob = (
  url: URL,
  headers: Record<string, string>,
  target: string,
  options: { readonly hashThread?: boolean } = {}
): Promise<DownloadResult | "fallback"> =>
  new Promise((resolve, reject) => {
    const lines = [
      `GET ${url.pathname}${url.search} HTTP/1.1`,
      `host: ${url.host}`,
      "accept-encoding: identity",
      "connection: close"
    ]
    for (const [name, value] of Object.entries(headers)) lines.push(`${name}: ${value}`)
    const request = `${lines.join("\r\n")}\r\n\r\n`

    let settled = false
    let head: Buffer | undefined = Buffer.alloc(0)
    let expected = 0
    let received = 0
    let fd: number | undefined
    let sink: Sink | undefined

    /** Closes the socket, then the file once no write is in flight (a closed fd number can be reused). */
    const cleanup = (then: () => void) => {
      socket.destroy()
      const file = fd
      fd = undefined
      const close = () => (file === undefined ? then() : fs.close(file, () => then()))
      if (sink === undefined) close()
      else sink.abort(close)
    }
    const fail = (e: Error) => {
      if (settled) return
      settled = true
      cleanup(() => (sink === undefined ? reject(e) : fs.rm(target, { force: true }, () => reject(e))))
    }
    const fallback = () => {
      if (settled) return
      settled = true
      cleanup(() => resolve("fallback"))
    }
    const complete = () => {
      const current = sink
      if (current === undefined || fd === undefined) return
      socket.destroy()
      current.finish().then((digest) => {
        const handle = fd
        if (settled || handle === undefined) return
        fd = undefined
        fs.close(handle, (e) => {
          if (e !== null) return fail(e)
          if (settled) return
          settled = true
          resolve({ digest, size: received })
        })
      }, fail)
    }

    const body = (chunk: Uint8Array): boolean => {
      const take = Math.min(chunk.length, expected - received)
      received += take
      const more = take === 0 || sink!.push(take === chunk.length ? chunk : chunk.subarray(0, take))
      if (received === expected) {
        complete()
        return false
      }
      return more
    }

    const onRead = (n: number, buffer: Buffer): boolean => {
      if (settled) return false
      if (head === undefined) return body(buffer.subarray(0, n))
      head = Buffer.concat([head, buffer.subarray(0, n)])
      const end = head.indexOf("\r\n\r\n")
      if (end < 0) {
        if (head.length > MAX_HEAD_BYTES)
          fail(new Error(`GET ${url.href}: response head exceeds ${MAX_HEAD_BYTES} bytes`))
        return true
      }
      const parsed = parseHead(head.subarray(0, end).toString("latin1"))
      const rest = head.subarray(end + 4)
      head = undefined
      const length = parsed.headers.get("content-length")
      const encoding = parsed.headers.get("content-encoding")
      if (
        parsed.status !== 200 ||
        length === undefined ||
        !/^\d+$/.test(length) ||
        parsed.headers.has("transfer-encoding") ||
        (encoding !== undefined && encoding !== "identity")
      ) {
        fallback()
        return false
      }
      expected = Number(length)
      try {
        fd = fs.openSync(target, "w")
      } catch (e) {
        fail(e as Error)
        return false
      }
      sink = openSink(fd, fail, options.hashThread ?? true)
      sink.onDrain = () => {
        if (!settled) socket.resume()
      }
      if (expected === 0) {
        complete()
        return false
      }
      // copy: the read buffer is reused by the next read
      return rest.length === 0 ? true : body(rest)
    }

    const socket = net.connect({
      host: url.hostname.replace(/^\[|\]$/g, ""),
      port: Number(url.port === "" ? 80 : url.port),
      onread: {
        buffer: Buffer.allocUnsafe(SLOT_BYTES),
        callback: (n: number, buffer: Buffer) => {
          try {
            return onRead(n, buffer)
          } catch (e) {
            fail(e instanceof Error ? e : new Error(String(e)))
            return false
          }
        }
      }
    })
    socket.on("error", fail)
    socket.on("close", () => {
      if (settled || (sink !== undefined && received === expected)) return
      fail(
        new Error(
          `GET ${url.href}: connection closed after ${received} of ${head === undefined ? expected : "?"} bytes`
        )
      )
    })
    socket.write(request)
  })

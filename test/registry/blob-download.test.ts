// The client's blob download (src/image/blob-download.ts) against a scripted HTTP server: the raw-socket fast
// path, its fallback to node:http, and digest verification of whatever arrives.
import { afterEach, describe, expect, it } from "vitest"
import { createHash, randomBytes } from "node:crypto"
import * as fs from "node:fs"
import * as net from "node:net"
import { join } from "node:path"
import { downloadBlob } from "../../src/image/blob-download.js"
import { RegistryClient, RegistryClientError } from "../../src/image/client.js"
import { tempFolder } from "./images.js"

const sha256 = (bytes: Uint8Array) => `sha256:${createHash("sha256").update(bytes).digest("hex")}`

/** Answers every connection with `respond(socket)`; records the request heads it saw. */
const scriptedServer = async (respond: (socket: net.Socket, head: string) => void) => {
  const heads: Array<string> = []
  const server = net.createServer((socket) => {
    let head = ""
    socket.on("error", () => undefined)
    socket.on("data", (d) => {
      if (head.includes("\r\n\r\n")) return
      head += d.toString("latin1")
      if (head.includes("\r\n\r\n")) {
        heads.push(head)
        respond(socket, head)
      }
    })
  })
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
  const { port } = server.address() as net.AddressInfo
  servers.push(server)
  return { url: `http://127.0.0.1:${port}`, heads }
}

const servers: Array<net.Server> = []
afterEach(() => {
  for (const s of servers.splice(0)) s.close()
})

const ok = (body: Buffer) => (socket: net.Socket) => {
  socket.write(`HTTP/1.1 200 OK\r\ncontent-type: application/octet-stream\r\ncontent-length: ${body.length}\r\n\r\n`)
  socket.end(body)
}

const client = (url: string) => new RegistryClient({ host: url, repository: "demo" })

describe("blob download", () => {
  it("pulls a body larger than the whole ring, byte for byte, with the auth header", async () => {
    const body = randomBytes(21 * 1024 * 1024 + 17)
    const server = await scriptedServer(ok(body))
    const target = join(tempFolder(), "blob")
    const c = client(server.url)
    Object.assign(c, { token: "t0k" })
    expect(await c.pullBlob(sha256(body), target)).toBe(body.length)
    expect(fs.readFileSync(target).equals(body)).toBe(true)
    expect(server.heads[0]).toMatch(/^GET \/v2\/demo\/blobs\/sha256:[0-9a-f]{64} HTTP\/1\.1\r\n/)
    expect(server.heads[0]).toContain("authorization: Bearer t0k\r\n")
  })

  it("reads a head and body that arrive in small pieces, and an empty blob", async () => {
    const body = randomBytes(300_000)
    const server = await scriptedServer((socket) => {
      const all = Buffer.concat([Buffer.from(`HTTP/1.1 200 OK\r\nContent-Length: ${body.length}\r\n\r\n`), body])
      let at = 0
      const next = () => {
        if (at >= all.length) return void socket.end()
        const size = at < 100 ? 7 : 65_536
        socket.write(all.subarray(at, at + size))
        at += size
        setImmediate(next)
      }
      next()
    })
    const target = join(tempFolder(), "blob")
    expect(await downloadBlob(new URL(`${server.url}/b`), {}, target)).toEqual({
      digest: sha256(body),
      size: body.length
    })
    expect(fs.readFileSync(target).equals(body)).toBe(true)

    const empty = await scriptedServer(ok(Buffer.alloc(0)))
    const emptyTarget = join(tempFolder(), "empty")
    expect(await downloadBlob(new URL(`${empty.url}/b`), {}, emptyTarget)).toEqual({
      digest: sha256(Buffer.alloc(0)),
      size: 0
    })
    expect(fs.readFileSync(emptyTarget).length).toBe(0)
  })

  it("hands a chunked body to node:http, which still verifies it", async () => {
    const body = randomBytes(200_000)
    const server = await scriptedServer((socket) => {
      socket.write("HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\nconnection: close\r\n\r\n")
      for (let at = 0; at < body.length; at += 50_000) {
        const part = body.subarray(at, at + 50_000)
        socket.write(`${part.length.toString(16)}\r\n`)
        socket.write(part)
        socket.write("\r\n")
      }
      socket.end("0\r\n\r\n")
    })
    const target = join(tempFolder(), "blob")
    expect(await downloadBlob(new URL(`${server.url}/b`), {}, target)).toBe("fallback")
    expect(fs.existsSync(target)).toBe(false)
    expect(await client(server.url).pullBlob(sha256(body), target)).toBe(body.length)
    expect(fs.readFileSync(target).equals(body)).toBe(true)
    expect(server.heads.length).toBe(3)
  })

  it("reports an error status with its body and writes nothing", async () => {
    const server = await scriptedServer((socket) => {
      const text = JSON.stringify({ errors: [{ code: "BLOB_UNKNOWN", message: "no such blob" }] })
      socket.end(
        `HTTP/1.1 404 Not Found\r\ncontent-type: application/json\r\ncontent-length: ${text.length}\r\n\r\n${text}`
      )
    })
    const target = join(tempFolder(), "blob")
    const error = await client(server.url)
      .pullBlob(sha256(Buffer.from("x")), target)
      .catch((e: unknown) => e)
    expect(error).toBeInstanceOf(RegistryClientError)
    expect((error as RegistryClientError).status).toBe(404)
    expect((error as RegistryClientError).message).toContain("BLOB_UNKNOWN")
    expect(fs.existsSync(target)).toBe(false)
  })

  it("refuses bytes whose sha256 is not the digest asked for, and removes the file", async () => {
    const body = randomBytes(5 * 1024 * 1024)
    const server = await scriptedServer(ok(body))
    const target = join(tempFolder(), "blob")
    const wanted = sha256(Buffer.from("something else"))
    await expect(client(server.url).pullBlob(wanted, target)).rejects.toThrow(`arrived with digest ${sha256(body)}`)
    expect(fs.existsSync(target)).toBe(false)
  })

  it("fails when the connection closes before Content-Length bytes, and removes the file", async () => {
    const body = randomBytes(3 * 1024 * 1024)
    const server = await scriptedServer((socket) => {
      socket.write(`HTTP/1.1 200 OK\r\ncontent-length: ${body.length + 10}\r\n\r\n`)
      socket.end(body)
    })
    const target = join(tempFolder(), "blob")
    await expect(client(server.url).pullBlob(sha256(body), target)).rejects.toThrow(
      /connection closed after \d+ of \d+ bytes/
    )
    expect(fs.existsSync(target)).toBe(false)
  })

  it("runs concurrent downloads on the shared hashing thread", async () => {
    const bodies = [randomBytes(9 * 1024 * 1024), randomBytes(6 * 1024 * 1024 + 1), randomBytes(1000)]
    const folder = tempFolder()
    const results = await Promise.all(
      bodies.map(async (body, i) => {
        const server = await scriptedServer(ok(body))
        return downloadBlob(new URL(`${server.url}/b`), {}, join(folder, `blob-${i}`))
      })
    )
    expect(results).toEqual(bodies.map((b) => ({ digest: sha256(b), size: b.length })))
    bodies.forEach((b, i) => expect(fs.readFileSync(join(folder, `blob-${i}`)).equals(b)).toBe(true))
  })
})

// A small OCI distribution client on fetch: the docker token flow, blob and manifest push, pull by digest.
// Used by `bencher image push` and the tests; a runner's puller can share it.
import { createReadStream, createWriteStream } from "node:fs"
import * as fs from "node:fs/promises"
import * as http from "node:http"
import type { IncomingMessage } from "node:http"
import * as https from "node:https"
import { Readable } from "node:stream"
import { pipeline } from "node:stream/promises"
import { Either } from "effect"
import { digestOf, manifestAccept, parseManifest } from "../oci/index.js"
import { downloadBlob } from "./blob-download.js"
import { digestTap } from "./digest-tap.js"
import { blobPath, type LayoutIndexEntry, readIndex, selectLayoutEntry } from "./layout.js"

export class RegistryClientError extends Error {
  constructor(
    message: string,
    readonly status?: number
  ) {
    super(message)
  }
}

export interface RegistryClientOptions {
  /** Server base URL, e.g. http://localhost:61016. */
  readonly host: string
  readonly repository: string
  /** A user API key or project key, sent as the Basic password to the token endpoint. */
  readonly key?: string | undefined
}

const parseChallenge = (header: string) => {
  const params: Record<string, string> = {}
  for (const m of header.replace(/^Bearer\s+/i, "").matchAll(/(\w+)="([^"]*)"/g)) params[m[1] ?? ""] = m[2] ?? ""
  return params
}

const describe = async (response: Response) => {
  const text = await response.text().catch(() => "")
  try {
    const body = JSON.parse(text) as { errors?: Array<{ code: string; message: string }> }
    const first = body.errors?.[0]
    if (first !== undefined) return `${first.code}: ${first.message}`
  } catch {
    // not JSON: fall through to the raw text
  }
  return `${response.status} ${text.slice(0, 200)}`
}

export class RegistryClient {
  private token: string | undefined
  readonly base: string

  constructor(readonly options: RegistryClientOptions) {
    this.base = options.host.replace(/\/+$/, "")
  }

  /** GET /v2/; on the 401 challenge, asks the realm for a token scoped to `actions` on the repository. */
  async authenticate(actions: ReadonlyArray<"pull" | "push">): Promise<void> {
    const ping = await fetch(`${this.base}/v2/`)
    await ping.arrayBuffer()
    if (ping.status !== 401) return
    const challenge = parseChallenge(ping.headers.get("www-authenticate") ?? "")
    if (challenge.realm === undefined) throw new RegistryClientError("registry answered 401 without a Bearer challenge")
    const url = new URL(challenge.realm)
    if (challenge.service !== undefined) url.searchParams.set("service", challenge.service)
    url.searchParams.set("scope", `repository:${this.options.repository}:${actions.join(",")}`)
    const headers: Record<string, string> = {}
    if (this.options.key !== undefined) {
      headers.authorization = `Basic ${Buffer.from(`bencher:${this.options.key}`).toString("base64")}`
    }
    const response = await fetch(url, { headers })
    if (!response.ok)
      throw new RegistryClientError(`token request failed: ${await describe(response)}`, response.status)
    const body = (await response.json()) as { token?: string; access_token?: string }
    this.token = body.token ?? body.access_token
  }

  async request(
    method: string,
    path: string,
    init: { body?: Uint8Array | string | Readable; headers?: Record<string, string>; size?: number } = {}
  ) {
    const url = path.startsWith("http") ? path : `${this.base}${path}`
    const headers: Record<string, string> = { ...init.headers }
    if (this.token !== undefined) headers.authorization = `Bearer ${this.token}`
    if (init.size !== undefined) headers["content-length"] = String(init.size)
    const body = init.body instanceof Readable ? (Readable.toWeb(init.body) as ReadableStream) : init.body
    return fetch(url, { method, headers, ...(body === undefined ? {} : { body, duplex: "half" }) } as RequestInit)
  }

  private async expect(response: Response, ok: ReadonlyArray<number>, what: string) {
    if (!ok.includes(response.status))
      throw new RegistryClientError(`${what}: ${await describe(response)}`, response.status)
    return response
  }

  private get repo() {
    return `/v2/${this.options.repository}`
  }

  async hasBlob(digest: string): Promise<boolean> {
    const response = await this.request("HEAD", `${this.repo}/blobs/${digest}`)
    if (response.status === 404) return false
    await this.expect(response, [200], `HEAD blob ${digest}`)
    return true
  }

  /** POST a session, then PUT the whole blob with its digest (a monolithic upload in two requests). */
  async pushBlob(digest: string, size: number, open: () => Readable): Promise<void> {
    const start = await this.expect(await this.request("POST", `${this.repo}/blobs/uploads/`), [202], "start upload")
    const location = new URL(start.headers.get("location") ?? "", this.base)
    location.searchParams.set("digest", digest)
    const headers: Record<string, string> = {
      "content-type": "application/octet-stream",
      "content-length": String(size)
    }
    if (this.token !== undefined) headers.authorization = `Bearer ${this.token}`
    // node:http, not fetch: piping a file into the socket is several times faster than a web stream body.
    const response = await new Promise<IncomingMessage>((resolve, reject) => {
      const req = (location.protocol === "https:" ? https : http).request(location, { method: "PUT", headers }, resolve)
      req.on("error", reject)
      pipeline(open(), req).catch(reject)
    })
    let text = ""
    for await (const chunk of response) text += String(chunk)
    if (response.statusCode !== 201) {
      throw new RegistryClientError(
        `upload ${digest}: ${response.statusCode} ${text.slice(0, 200)}`,
        response.statusCode
      )
    }
  }

  async putManifest(reference: string, bytes: Uint8Array, mediaType: string): Promise<string> {
    const response = await this.request("PUT", `${this.repo}/manifests/${reference}`, {
      body: bytes,
      headers: { "content-type": mediaType }
    })
    await this.expect(response, [201], `PUT manifest ${reference}`)
    return response.headers.get("docker-content-digest") ?? ""
  }

  async getManifest(reference: string): Promise<{ bytes: Buffer; mediaType: string; digest: string }> {
    const response = await this.request("GET", `${this.repo}/manifests/${reference}`, {
      headers: { accept: manifestAccept }
    })
    await this.expect(response, [200], `GET manifest ${reference}`)
    const bytes = Buffer.from(await response.arrayBuffer())
    const digest = digestOf(bytes)
    if (reference.startsWith("sha256:") && digest !== reference)
      throw new RegistryClientError(`manifest ${reference} has digest ${digest}`)
    return { bytes, mediaType: response.headers.get("content-type") ?? "", digest }
  }

  /**
   * Downloads a blob to a file, verifying its sha256. Over http the fast path reads the socket in large
   * buffers and hashes and writes in parallel (./blob-download.ts); https, and any answer that is not a plain
   * 200 with a Content-Length, go through node:http.
   */
  async pullBlob(digest: string, target: string): Promise<number> {
    const url = new URL(`${this.base}${this.repo}/blobs/${digest}`)
    const headers: Record<string, string> = this.token === undefined ? {} : { authorization: `Bearer ${this.token}` }
    const fast = url.protocol === "http:" ? await downloadBlob(url, headers, target) : "fallback"
    const { digest: actual, size } = fast === "fallback" ? await this.getBlob(url, headers, digest, target) : fast
    if (actual !== digest) {
      await fs.rm(target, { force: true })
      throw new RegistryClientError(`blob ${digest} arrived with digest ${actual}`)
    }
    return size
  }

  /** The blob GET on node:http: follows the status, hashes every chunk on its way into the file. */
  private async getBlob(url: URL, headers: Record<string, string>, digest: string, target: string) {
    const response = await new Promise<IncomingMessage>((resolve, reject) => {
      const req = (url.protocol === "https:" ? https : http).get(url, { headers }, resolve)
      req.on("error", reject)
    })
    if (response.statusCode !== 200) {
      let text = ""
      for await (const chunk of response) text += String(chunk)
      throw new RegistryClientError(
        `GET blob ${digest}: ${response.statusCode} ${text.slice(0, 200)}`,
        response.statusCode
      )
    }
    // A 4 MiB write buffer lets the file stream batch chunks into few writev calls while the socket keeps reading.
    const tap = digestTap()
    try {
      await pipeline(response, tap.stream, createWriteStream(target, { highWaterMark: 4 * 1024 * 1024 }))
    } catch (e) {
      await fs.rm(target, { force: true })
      throw e
    }
    return { digest: tap.digest(), size: tap.size() }
  }
}

/** Pushes the manifest `entry` of an OCI layout (an image, or an index and every image in it) under `tag`. */
export const pushLayoutEntry = async (client: RegistryClient, layout: string, entry: LayoutIndexEntry, tag: string) => {
  let uploaded = 0
  let skipped = 0
  const pushManifest = async (digest: string, mediaType: string, reference: string): Promise<string> => {
    const bytes = await fs.readFile(blobPath(layout, digest))
    const parsed = parseManifest(bytes, mediaType)
    if (Either.isLeft(parsed)) throw new RegistryClientError(`manifest ${digest} in ${layout}: ${parsed.left.message}`)
    const manifest = parsed.right
    if (manifest._tag === "Index") {
      for (const child of manifest.manifests) await pushManifest(child.digest, child.mediaType, child.digest)
    } else {
      for (const blob of [manifest.config, ...manifest.layers]) {
        if (await client.hasBlob(blob.digest)) {
          skipped++
          continue
        }
        const path = blobPath(layout, blob.digest)
        const size = (await fs.stat(path)).size
        await client.pushBlob(blob.digest, size, () => createReadStream(path, { highWaterMark: 1024 * 1024 }))
        uploaded++
      }
    }
    return client.putManifest(reference, bytes, manifest.mediaType)
  }
  const digest = await pushManifest(entry.digest, entry.mediaType, tag)
  return { digest, uploaded, skipped }
}

/** `bencher image push`: the layout's manifest named `tag` (or its only one) goes to `<repository>:<tag>`. */
export const pushLayout = async (
  options: RegistryClientOptions & {
    readonly layout: string
    readonly tag: string
    readonly sourceTag?: string | undefined
  }
) => {
  const entries = await readIndex(options.layout)
  const entry = selectLayoutEntry(entries, options.sourceTag ?? options.tag)
  if (entry === undefined) {
    throw new RegistryClientError(
      `${options.layout} holds ${entries.length} images; none is named ${options.sourceTag ?? options.tag}`
    )
  }
  const client = new RegistryClient(options)
  await client.authenticate(["pull", "push"])
  return pushLayoutEntry(client, options.layout, entry, options.tag)
}

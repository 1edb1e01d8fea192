// The OCI distribution API under /v2/ and the docker token endpoint. Not part of the HttpApi contract: bodies
// are streamed to and from the BlobStore, and errors use the OCI format `{"errors":[{code,message,detail}]}`.
import { HttpLayerRouter, HttpServerRequest, HttpServerResponse } from "@effect/platform"
import { NodeHttpServerRequest } from "@effect/platform-node"
import { Effect, Option, Stream } from "effect"
import type { Access } from "../identity/access.js"
import { BlobStore, type ByteRange, READ_BODY } from "../registry/blob-store.js"
import type { BlobStoreIoError, OciError } from "../registry/errors.js"
import { ociError } from "../registry/errors.js"
import { ImageRegistry, isRepositoryName } from "../registry/image-registry.js"
import { isDigest, MAX_MANIFEST_BYTES, MediaType } from "../oci/index.js"
import { grants, type RegistryAction, RegistryTokens, type TokenClaims } from "../registry/tokens.js"
import type { RegistryCredentials } from "../registry/credentials.js"
import { header, TOKEN_PATH, tokenHandler } from "./registry-token.js"

type Request = HttpServerRequest.HttpServerRequest

/** The origin clients reached us on, so the challenge's realm works behind a port mapping too. */
const origin = (request: Request) => {
  const host = header(request, "host") ?? "localhost"
  const proto = header(request, "x-forwarded-proto") ?? "http"
  return { host, base: `${proto}://${host}` }
}

const challenge = (request: Request, scope: string | undefined) => {
  const { base, host } = origin(request)
  return `Bearer realm="${base}${TOKEN_PATH}",service="${host}"` + (scope === undefined ? "" : `,scope="${scope}"`)
}

const errorResponse = (request: Request, error: OciError) => {
  const headers: Record<string, string> = {}
  if (error.code === "UNAUTHORIZED") {
    const scope =
      typeof error.detail === "object" && error.detail !== null && "scope" in error.detail
        ? String(error.detail.scope)
        : undefined
    headers["www-authenticate"] = challenge(request, scope)
  }
  if (error.status === 416 && typeof error.detail === "object" && error.detail !== null && "range" in error.detail) {
    headers.range = String(error.detail.range)
  }
  const body = { errors: [{ code: error.code, message: error.message, detail: error.detail ?? null }] }
  return HttpServerResponse.unsafeJson(body, { status: error.status, headers })
}

const searchParams = (request: Request) => new URLSearchParams(request.url.split("?")[1] ?? "")

const bearerToken = (request: Request): string | undefined => {
  const auth = header(request, "authorization")
  const match = auth === undefined ? null : /^Bearer\s+(\S+)$/i.exec(auth)
  return match?.[1]
}

/**
 * Who may do what: a bearer token grants actions on project uuids; without one, only pulls of public projects.
 * Missing credentials are 401 with the Bearer challenge so docker clients fetch a token and retry.
 */
const authorize = (request: Request, name: string, action: RegistryAction) =>
  Effect.gen(function* () {
    if (!isRepositoryName(name)) {
      return yield* Effect.fail(
        ociError("NAME_INVALID", 400, `invalid repository name ${JSON.stringify(name)}: a project slug or uuid`)
      )
    }
    const registry = yield* ImageRegistry
    const tokens = yield* RegistryTokens
    const scope = `repository:${name}:${action === "push" ? "pull,push" : "pull"}`
    const unauthorized = (message: string) => ociError("UNAUTHORIZED", 401, message, { scope })
    const token = bearerToken(request)
    const claims: Option.Option<TokenClaims> =
      token === undefined
        ? Option.none()
        : Option.some(
            yield* tokens.verify(token).pipe(Effect.mapError((e) => unauthorized(`invalid token: ${e.reason}`)))
          )
    const project = yield* registry.findProject(name).pipe(Effect.orDie)
    if (Option.isSome(claims)) {
      const unknown = ociError("NAME_UNKNOWN", 404, `repository ${name} is not known`)
      if (Option.isNone(project)) return yield* Effect.fail(unknown)
      if (grants(claims.value, project.value.uuid, action)) return project.value
      if (action === "pull" && project.value.visibility === "public") return project.value
      // A private repository the token may not even pull is answered as if it did not exist: a 403 told a
      // stranger that it does.
      const visible = project.value.visibility === "public" || grants(claims.value, project.value.uuid, "pull")
      if (!visible) return yield* Effect.fail(unknown)
      return yield* Effect.fail(ociError("DENIED", 403, `token does not grant ${action} on ${name}`))
    }
    if (Option.isSome(project) && action === "pull" && project.value.visibility === "public") return project.value
    return yield* Effect.fail(unauthorized(`authentication required to ${action} ${name}`))
  })

const digestParam = (value: string | null | undefined, what: string) =>
  value !== null && value !== undefined && isDigest(value)
    ? Effect.succeed(value)
    : Effect.fail(
        ociError("DIGEST_INVALID", 400, `${what} must be a sha256 digest, got ${JSON.stringify(value ?? "")}`)
      )

/**
 * Maps BlobStore failures to the OCI codes. A request body that broke off is the client's problem (400); any
 * other I/O failure is the server's and becomes a defect (logged, answered with 500).
 */
const blobFailure = (error: { readonly _tag: string; readonly message: string }, range?: string): OciError => {
  switch (error._tag) {
    case "BlobDigestMismatch":
      return ociError("DIGEST_INVALID", 400, error.message)
    case "BlobTooLarge":
      return ociError("SIZE_INVALID", 413, error.message)
    case "UploadNotFound":
      return ociError("BLOB_UPLOAD_UNKNOWN", 404, error.message)
    case "UploadOutOfOrder":
      return ociError("BLOB_UPLOAD_INVALID", 416, error.message, range === undefined ? undefined : { range })
    case "UploadBusy":
      return ociError("BLOB_UPLOAD_INVALID", 409, error.message)
    case "BlobNotFound":
      return ociError("BLOB_UNKNOWN", 404, error.message)
    case "UploadLimitReached":
      return ociError("TOOMANYREQUESTS", 429, error.message)
    default:
      return ociError("BLOB_UPLOAD_INVALID", 400, error.message)
  }
}

const bodyFailure = (e: BlobStoreIoError) =>
  e.operation === READ_BODY ? Effect.fail(ociError("BLOB_UPLOAD_INVALID", 400, e.message)) : Effect.die(e)

const uploadHeaders = (name: string, id: string, size: number) => ({
  location: `/v2/${name}/blobs/uploads/${id}`,
  range: `0-${Math.max(size - 1, 0)}`,
  "docker-upload-uuid": id,
  "content-length": "0"
})

const blobCreated = (name: string, digest: string) =>
  HttpServerResponse.empty({
    status: 201,
    headers: { location: `/v2/${name}/blobs/${digest}`, "docker-content-digest": digest, "content-length": "0" }
  })

/** `Range: bytes=a-b`, `bytes=a-` or `bytes=-n` against a blob of `size` bytes; one range only. */
export const parseRange = (value: string, size: number): ByteRange | "invalid" => {
  const m = /^bytes=(\d*)-(\d*)$/.exec(value.trim())
  if (m === null || (m[1] === "" && m[2] === "")) return "invalid"
  if (m[1] === "") {
    const suffix = Number(m[2])
    if (suffix === 0 || size === 0) return "invalid"
    return { start: Math.max(size - suffix, 0), end: size - 1 }
  }
  const start = Number(m[1])
  const end = m[2] === "" ? size - 1 : Math.min(Number(m[2]), size - 1)
  return start >= size || end < start ? "invalid" : { start, end }
}

/** Reads a manifest body, refusing (before reading it all) anything over MAX_MANIFEST_BYTES. */
const readManifestBody = (request: Request) =>
  Effect.gen(function* () {
    const tooLarge = ociError("SIZE_INVALID", 413, `manifest exceeds ${MAX_MANIFEST_BYTES} bytes`)
    if (Number(header(request, "content-length") ?? "0") > MAX_MANIFEST_BYTES) return yield* Effect.fail(tooLarge)
    const chunks: Array<Uint8Array> = []
    let size = 0
    yield* Stream.runForEach(request.stream, (chunk) => {
      size += chunk.length
      if (size > MAX_MANIFEST_BYTES) return Effect.fail(tooLarge)
      chunks.push(chunk)
      return Effect.void
    }).pipe(Effect.catchTag("RequestError", (e) => Effect.fail(ociError("MANIFEST_INVALID", 400, e.message))))
    return Buffer.concat(chunks)
  })

const blobs = (request: Request, name: string, digestValue: string) =>
  Effect.gen(function* () {
    const registry = yield* ImageRegistry
    const store = yield* BlobStore
    const method = request.method
    if (method === "DELETE") {
      const project = yield* authorize(request, name, "push")
      const digest = yield* digestParam(digestValue, "blob reference")
      const removed = yield* registry.unlinkBlob(project.id, digest).pipe(Effect.orDie)
      if (!removed) return yield* Effect.fail(ociError("BLOB_UNKNOWN", 404, `blob ${digest} is not in ${name}`))
      return HttpServerResponse.empty({ status: 202, headers: { "content-length": "0" } })
    }
    if (method !== "GET" && method !== "HEAD") return yield* unsupported(request)
    const project = yield* authorize(request, name, "pull")
    const digest = yield* digestParam(digestValue, "blob reference")
    const info = (yield* registry.blobLinked(project.id, digest).pipe(Effect.orDie))
      ? yield* store.stat(digest).pipe(Effect.orDie)
      : Option.none()
    if (Option.isNone(info))
      return yield* Effect.fail(ociError("BLOB_UNKNOWN", 404, `blob ${digest} is not in ${name}`))
    const size = info.value.size
    const headers: Record<string, string> = {
      "docker-content-digest": digest,
      "accept-ranges": "bytes",
      "content-type": "application/octet-stream"
    }
    const rangeHeader = header(request, "range")
    const range = rangeHeader === undefined ? undefined : parseRange(rangeHeader, size)
    if (range === "invalid") {
      return HttpServerResponse.empty({
        status: 416,
        headers: { "content-range": `bytes */${size}`, "content-length": "0" }
      })
    }
    const length = range === undefined ? size : range.end - range.start + 1
    if (range !== undefined) headers["content-range"] = `bytes ${range.start}-${range.end}/${size}`
    const status = range === undefined ? 200 : 206
    if (method === "HEAD" || length === 0) {
      return HttpServerResponse.empty({ status, headers: { ...headers, "content-length": String(length) } })
    }
    const reader = yield* store.open(digest, range).pipe(Effect.mapError((e) => blobFailure(e)))
    return HttpServerResponse.raw(reader.readable(), {
      status,
      headers,
      contentLength: length,
      contentType: "application/octet-stream"
    })
  })

const uploads = (request: Request, name: string, id: string) =>
  Effect.gen(function* () {
    const registry = yield* ImageRegistry
    const store = yield* BlobStore
    const tokens = yield* RegistryTokens
    const project = yield* authorize(request, name, "push")
    const owner = project.uuid
    const params = searchParams(request)
    const method = request.method

    if (id === "") {
      if (method !== "POST") return yield* unsupported(request)
      const mount = params.get("mount")
      const from = params.get("from")
      if (mount !== null && isDigest(mount) && from !== null && isRepositoryName(from)) {
        const source = yield* registry.findProject(from).pipe(Effect.orDie)
        const token = bearerToken(request)
        const claims = token === undefined ? Option.none() : yield* Effect.option(tokens.verify(token))
        const mayPull =
          Option.isSome(source) &&
          (source.value.visibility === "public" ||
            (Option.isSome(claims) && grants(claims.value, source.value.uuid, "pull")))
        const info =
          mayPull && (yield* registry.blobLinked(source.value.id, mount).pipe(Effect.orDie))
            ? yield* store.stat(mount).pipe(Effect.orDie)
            : Option.none()
        if (Option.isSome(info)) {
          yield* registry.linkBlob(project.id, mount, info.value.size).pipe(Effect.orDie)
          return blobCreated(name, mount)
        }
      }
      if (params.has("digest")) {
        const digest = yield* digestParam(params.get("digest"), "digest")
        const info = yield* store.put(NodeHttpServerRequest.toIncomingMessage(request), { expected: digest }).pipe(
          Effect.catchTag("BlobStoreIoError", bodyFailure),
          Effect.mapError((e) => (e._tag === "OciError" ? e : blobFailure(e)))
        )
        yield* registry.linkBlob(project.id, info.digest, info.size).pipe(Effect.orDie)
        return blobCreated(name, info.digest)
      }
      const token = bearerToken(request)
      const subject =
        token === undefined ? Option.none() : Option.map(yield* Effect.option(tokens.verify(token)), (c) => c.sub)
      const session = yield* store.beginUpload(owner, Option.getOrUndefined(subject)).pipe(
        Effect.catchTag("BlobStoreIoError", Effect.die),
        Effect.mapError((e) => blobFailure(e))
      )
      return HttpServerResponse.empty({ status: 202, headers: uploadHeaders(name, session.id, 0) })
    }

    const current = () => Effect.option(store.uploadStatus(id, owner))
    const rangeOfCurrent = Effect.map(
      current(),
      Option.match({ onNone: () => undefined, onSome: (s) => `0-${Math.max(s.size - 1, 0)}` })
    )
    const fail = (e: { readonly _tag: string; readonly message: string }) =>
      Effect.flatMap(rangeOfCurrent, (range) => Effect.fail(blobFailure(e, range)))
    const append = (startOffset: number | undefined) =>
      store.appendUpload(id, owner, NodeHttpServerRequest.toIncomingMessage(request), startOffset).pipe(
        Effect.catchTag("BlobStoreIoError", bodyFailure),
        Effect.catchAll((e) => (e._tag === "OciError" ? Effect.fail(e) : fail(e)))
      )

    switch (method) {
      case "GET": {
        const status = yield* store.uploadStatus(id, owner).pipe(Effect.catchAll(fail))
        return HttpServerResponse.empty({ status: 204, headers: uploadHeaders(name, id, status.size) })
      }
      case "DELETE": {
        yield* store.cancelUpload(id, owner).pipe(Effect.catchAll(fail))
        return HttpServerResponse.empty({ status: 204 })
      }
      case "PATCH": {
        const contentRange = header(request, "content-range")
        const start = contentRange === undefined ? undefined : /^(?:bytes[ =])?(\d+)-(\d+)$/.exec(contentRange.trim())
        if (start === null) {
          const range = yield* rangeOfCurrent
          return yield* Effect.fail(
            ociError(
              "BLOB_UPLOAD_INVALID",
              416,
              `malformed Content-Range ${contentRange}`,
              range === undefined ? undefined : { range }
            )
          )
        }
        const status = yield* append(start === undefined ? undefined : Number(start[1] ?? "0"))
        return HttpServerResponse.empty({ status: 202, headers: uploadHeaders(name, id, status.size) })
      }
      case "PUT": {
        const digest = params.get("digest")
        if (digest === null || !isDigest(digest)) {
          yield* Effect.ignore(store.cancelUpload(id, owner))
          return yield* Effect.fail(
            ociError("DIGEST_INVALID", 400, `digest must be a sha256 digest, got ${JSON.stringify(digest ?? "")}`)
          )
        }
        const hasBody =
          Number(header(request, "content-length") ?? "0") > 0 || header(request, "transfer-encoding") !== undefined
        if (hasBody) yield* append(undefined)
        const info = yield* store.commitUpload(id, owner, digest).pipe(
          Effect.catchTag("BlobStoreIoError", (e) => Effect.die(e)),
          Effect.catchAll(fail)
        )
        yield* registry.linkBlob(project.id, info.digest, info.size).pipe(Effect.orDie)
        return blobCreated(name, info.digest)
      }
      default:
        return yield* unsupported(request)
    }
  })

const manifests = (request: Request, name: string, reference: string) =>
  Effect.gen(function* () {
    const registry = yield* ImageRegistry
    const store = yield* BlobStore
    switch (request.method) {
      case "GET":
      case "HEAD": {
        const project = yield* authorize(request, name, "pull")
        const found = yield* registry.findManifest(project, reference).pipe(Effect.catchTag("SqlError", Effect.die))
        if (Option.isNone(found)) {
          return yield* Effect.fail(ociError("MANIFEST_UNKNOWN", 404, `manifest ${reference} is not in ${name}`))
        }
        const m = found.value
        const headers = {
          "docker-content-digest": m.digest,
          "content-type": m.mediaType,
          "content-length": String(m.size)
        }
        if (request.method === "HEAD") return HttpServerResponse.empty({ status: 200, headers })
        const bytes = yield* store.readAll(m.digest).pipe(Effect.orDie)
        return HttpServerResponse.uint8Array(bytes, { status: 200, headers, contentType: m.mediaType })
      }
      case "PUT": {
        const project = yield* authorize(request, name, "push")
        const body = yield* readManifestBody(request)
        const stored = yield* registry
          .putManifest(project, reference, body, header(request, "content-type"))
          .pipe(Effect.catchTag("SqlError", Effect.die))
        const headers: Record<string, string> = {
          location: `/v2/${name}/manifests/${stored.digest}`,
          "docker-content-digest": stored.digest,
          "content-length": "0"
        }
        if (stored.subject !== undefined) headers["oci-subject"] = stored.subject
        return HttpServerResponse.empty({ status: 201, headers })
      }
      case "DELETE": {
        const project = yield* authorize(request, name, "push")
        const deleted = yield* registry.deleteManifest(project, reference).pipe(Effect.catchTag("SqlError", Effect.die))
        if (!deleted)
          return yield* Effect.fail(ociError("MANIFEST_UNKNOWN", 404, `manifest ${reference} is not in ${name}`))
        return HttpServerResponse.empty({ status: 202, headers: { "content-length": "0" } })
      }
      default:
        return yield* unsupported(request)
    }
  })

const tags = (request: Request, name: string) =>
  Effect.gen(function* () {
    if (request.method !== "GET") return yield* unsupported(request)
    const registry = yield* ImageRegistry
    const project = yield* authorize(request, name, "pull")
    const params = searchParams(request)
    const nParam = params.get("n")
    const n = nParam === null ? undefined : Number(nParam)
    if (n !== undefined && !(Number.isInteger(n) && n >= 0)) {
      return yield* Effect.fail(ociError("UNSUPPORTED", 400, `n must be a non-negative integer, got ${nParam}`))
    }
    const last = params.get("last") ?? undefined
    const page = yield* registry.listTags(project, n, last).pipe(Effect.orDie)
    const headers: Record<string, string> = {}
    const lastTag = page.tags[page.tags.length - 1]
    if (page.more && lastTag !== undefined && n !== undefined) {
      headers.link = `</v2/${name}/tags/list?n=${n}&last=${encodeURIComponent(lastTag)}>; rel="next"`
    }
    return HttpServerResponse.unsafeJson({ name, tags: page.tags }, { headers })
  })

const referrers = (request: Request, name: string, digestValue: string) =>
  Effect.gen(function* () {
    if (request.method !== "GET") return yield* unsupported(request)
    const registry = yield* ImageRegistry
    const project = yield* authorize(request, name, "pull")
    const digest = yield* digestParam(digestValue, "subject digest")
    const artifactType = searchParams(request).get("artifactType") ?? undefined
    const found = yield* registry.referrers(project, digest, artifactType).pipe(Effect.orDie)
    const headers: Record<string, string> = artifactType === undefined ? {} : { "oci-filters-applied": "artifactType" }
    return HttpServerResponse.unsafeJson(
      { schemaVersion: 2, mediaType: MediaType.ociIndex, manifests: found },
      { headers, contentType: MediaType.ociIndex }
    )
  })

const unsupported = (request: Request) =>
  Effect.fail(ociError("UNSUPPORTED", 405, `${request.method} is not supported on ${request.url.split("?")[0]}`))

const decode = (part: string) => {
  try {
    return decodeURIComponent(part)
  } catch {
    return "\u0000"
  }
}

/** `GET /v2/`: 200 with a valid token, otherwise the challenge that starts the docker token flow. */
const base = (request: Request) =>
  Effect.gen(function* () {
    const tokens = yield* RegistryTokens
    const token = bearerToken(request)
    if (token !== undefined && Option.isSome(yield* Effect.option(tokens.verify(token)))) {
      return HttpServerResponse.unsafeJson({})
    }
    return yield* Effect.fail(ociError("UNAUTHORIZED", 401, "authentication required"))
  })

/**
 * Routes by hand rather than with router params: a repository name must be checked before anything else (path
 * traversal, extra segments are NAME_INVALID, not a 404), and the raw path is used, never a normalised one.
 */
const dispatch = (request: Request) => {
  const path = request.url.split("?")[0] ?? ""
  if (path === "/v2" || path === "/v2/") return base(request)
  const m =
    /^\/v2\/(.+?)\/(blobs\/uploads(?:\/(.*))?|blobs\/([^/]*)|manifests\/([^/]*)|tags\/list|referrers\/([^/]*))$/.exec(
      path
    )
  if (m === null) {
    const named = /^\/v2\/(.+?)\/(blobs|manifests|tags|referrers)\//.exec(path)
    if (named !== null && !isRepositoryName(decode(named[1] ?? ""))) {
      return Effect.fail(
        ociError("NAME_INVALID", 400, `invalid repository name ${JSON.stringify(decode(named[1] ?? ""))}`)
      )
    }
    return Effect.fail(ociError("UNSUPPORTED", 404, `no such registry endpoint: ${path}`))
  }
  const name = decode(m[1] ?? "")
  const route = m[2] ?? ""
  if (route.startsWith("blobs/uploads")) return uploads(request, name, decode(m[3] ?? ""))
  if (route.startsWith("blobs/")) return blobs(request, name, decode(m[4] ?? ""))
  if (route.startsWith("manifests/")) return manifests(request, name, decode(m[5] ?? ""))
  if (route === "tags/list") return tags(request, name)
  return referrers(request, name, decode(m[6] ?? ""))
}

const registryHandler = (request: Request) =>
  dispatch(request).pipe(
    Effect.map(HttpServerResponse.setHeader("docker-distribution-api-version", "registry/2.0")),
    Effect.catchTag("OciError", (e) => Effect.succeed(errorResponse(request, e)))
  )

/**
 * The registry routes. Their services are taken when the layer is built (so `Layer.provide` works on this
 * layer): ServerLive provides ImageRegistry, BlobStore and RegistryTokens (RegistryLive); http.ts provides the
 * identity seams Access and RegistryCredentials.
 */
export const RegistryRoutes = HttpLayerRouter.addAll(
  Effect.gen(function* () {
    const context = yield* Effect.context<ImageRegistry | BlobStore | RegistryTokens | RegistryCredentials | Access>()
    const v2 = (request: Request) => Effect.provide(registryHandler(request), context)
    return [
      HttpLayerRouter.route("*", "/v2", v2),
      HttpLayerRouter.route("*", "/v2/*", v2),
      HttpLayerRouter.route("GET", TOKEN_PATH, (request: Request) => Effect.provide(tokenHandler(request), context))
    ]
  })
)

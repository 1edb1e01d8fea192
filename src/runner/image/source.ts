import { Effect } from "effect"
import { createReadStream } from "node:fs"
import { readFile } from "node:fs/promises"
import { join } from "node:path"
import { Readable } from "node:stream"
import { ImageFetchError, ImageInvalid, ImageTooLarge } from "../errors.js"
import { type ImageReference, isDigest, manifestAccept, MAX_MANIFEST_BYTES } from "../../oci/index.js"
import { decodeIndex } from "./decode.js"

export interface FetchedManifest {
  readonly bytes: Uint8Array
  readonly mediaType: string | undefined
}

/** Where blobs and manifests come from: a registry over HTTP(S), or an OCI layout directory. */
export interface ImageSource {
  readonly describe: string
  /** `reference` is a tag or a digest. */
  readonly manifest: (
    reference: string
  ) => Effect.Effect<FetchedManifest, ImageFetchError | ImageInvalid | ImageTooLarge>
  readonly blob: (digest: string) => Effect.Effect<Readable, ImageFetchError>
}

export interface RegistryAuth {
  /** The job's pull-only token (Bencher's `oci_token`), sent as a Bearer token. */
  readonly token?: string | undefined
  /** Plain HTTP; the default for localhost and 127.0.0.1, HTTPS otherwise. */
  readonly insecure?: boolean | undefined
}

const isLoopback = (host: string) => /^(localhost|127\.\d+\.\d+\.\d+|\[::1\])(:\d+)?$/.test(host)

const parseChallenge = (header: string): Record<string, string> => {
  const params: Record<string, string> = {}
  for (const m of header.matchAll(/(\w+)="([^"]*)"/g)) if (m[1] !== undefined && m[2] !== undefined) params[m[1]] = m[2]
  return params
}

export const registrySource = (
  ref: Extract<ImageReference, { _tag: "Registry" }>,
  auth: RegistryAuth = {}
): ImageSource => {
  const scheme = (auth.insecure ?? isLoopback(ref.registry)) ? "http" : "https"
  const base = `${scheme}://${ref.registry}/v2/${ref.repository}`
  let bearer = auth.token

  // A registry that answers 401 with a Bearer challenge wants a token from its realm; the job token is the credential.
  const exchange = (challenge: string) =>
    Effect.tryPromise({
      try: async () => {
        const p = parseChallenge(challenge)
        if (p.realm === undefined) throw new Error("401 without a token realm")
        const url = new URL(p.realm)
        if (p.service !== undefined) url.searchParams.set("service", p.service)
        if (p.scope !== undefined) url.searchParams.set("scope", p.scope)
        const res = await fetch(url, {
          headers: auth.token === undefined ? {} : { authorization: `Bearer ${auth.token}` },
          signal: AbortSignal.timeout(30_000)
        })
        if (!res.ok) throw new Error(`token endpoint answered ${res.status}`)
        const body = (await res.json()) as { token?: string; access_token?: string }
        const token = body.token ?? body.access_token
        if (token === undefined) throw new Error("token endpoint returned no token")
        bearer = token
      },
      catch: (e) =>
        new ImageFetchError({
          message: `${ref.registry}: authentication failed: ${String(e instanceof Error ? e.message : e)}`
        })
    })

  // The signal also bounds reading the body: a manifest gets a minute, a layer of up to 500 MiB ten.
  const get = (path: string, accept?: string, timeoutMs = 60_000): Effect.Effect<Response, ImageFetchError> => {
    const once = Effect.tryPromise({
      try: () =>
        fetch(`${base}${path}`, {
          headers: {
            ...(accept === undefined ? {} : { accept }),
            ...(bearer === undefined ? {} : { authorization: `Bearer ${bearer}` })
          },
          redirect: "follow",
          signal: AbortSignal.timeout(timeoutMs)
        }),
      catch: (e) =>
        new ImageFetchError({ message: `GET ${base}${path}: ${String(e instanceof Error ? e.message : e)}` })
    })
    return Effect.flatMap(once, (res) => {
      const challenge = res.headers.get("www-authenticate")
      if (res.status === 401 && challenge !== null && /^bearer/i.test(challenge)) {
        return exchange(challenge).pipe(Effect.zipRight(once))
      }
      return Effect.succeed(res)
    }).pipe(
      Effect.flatMap((res) =>
        res.ok
          ? Effect.succeed(res)
          : Effect.fail(
              new ImageFetchError({
                message: `GET ${base}${path}: registry answered ${res.status}${res.status === 401 || res.status === 403 ? " (is the pull token valid for this project?)" : ""}`
              })
            )
      )
    )
  }

  return {
    describe: `${ref.registry}/${ref.repository}`,
    manifest: (reference) =>
      Effect.gen(function* () {
        const res = yield* get(`/manifests/${reference}`, manifestAccept)
        const length = Number(res.headers.get("content-length") ?? "0")
        if (length > MAX_MANIFEST_BYTES) {
          return yield* new ImageTooLarge({
            limitBytes: MAX_MANIFEST_BYTES,
            message: `manifest ${reference} is ${length} bytes`
          })
        }
        const bytes = new Uint8Array(
          yield* Effect.tryPromise({
            try: () => res.arrayBuffer(),
            catch: (e) => new ImageFetchError({ message: `reading manifest ${reference}: ${String(e)}` })
          })
        )
        if (bytes.byteLength > MAX_MANIFEST_BYTES) {
          return yield* new ImageTooLarge({
            limitBytes: MAX_MANIFEST_BYTES,
            message: `manifest ${reference} is ${bytes.byteLength} bytes`
          })
        }
        return { bytes, mediaType: res.headers.get("content-type")?.split(";")[0]?.trim() }
      }),
    blob: (digest) =>
      Effect.flatMap(get(`/blobs/${digest}`, undefined, 600_000), (res) =>
        res.body === null
          ? Effect.fail(new ImageFetchError({ message: `blob ${digest}: empty response` }))
          : Effect.succeed(Readable.fromWeb(res.body as import("node:stream/web").ReadableStream<Uint8Array>))
      )
  }
}

/** An OCI image layout (`oci-layout`, `index.json`, `blobs/sha256/…`); tags come from `org.opencontainers.image.ref.name`. */
export const layoutSource = (dir: string): ImageSource => {
  const blobPath = (digest: string) => join(dir, "blobs", ...digest.split(":"))
  const read = (path: string) =>
    Effect.tryPromise({
      try: () => readFile(path),
      catch: (e) => new ImageFetchError({ message: `reading ${path}: ${String(e instanceof Error ? e.message : e)}` })
    })
  return {
    describe: `oci:${dir}`,
    manifest: (reference) =>
      Effect.gen(function* () {
        if (isDigest(reference)) return { bytes: yield* read(blobPath(reference)), mediaType: undefined }
        const index = yield* Effect.flatMap(read(join(dir, "index.json")), decodeIndex)
        const tagged = index.manifests.filter((m) => m.annotations?.["org.opencontainers.image.ref.name"] === reference)
        const chosen =
          tagged[0] ?? (reference === "latest" && index.manifests.length === 1 ? index.manifests[0] : undefined)
        if (chosen === undefined)
          return yield* new ImageFetchError({ message: `oci:${dir}: no manifest tagged ${reference}` })
        return { bytes: yield* read(blobPath(chosen.digest)), mediaType: chosen.mediaType }
      }),
    blob: (digest) =>
      Effect.try({
        try: () => createReadStream(blobPath(digest)),
        catch: (e) => new ImageFetchError({ message: `blob ${digest}: ${String(e)}` })
      })
  }
}

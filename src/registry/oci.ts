// Pure OCI distribution vocabulary: digests, repository names, tags, media types and manifest parsing.
// No IO: the registry routes, the image CLI and the runner's puller all decode through these.
import { Either, ParseResult, Schema } from "effect"
import { isSlug, isUuid } from "../domain/ids.js"

export const MediaType = {
  ociManifest: "application/vnd.oci.image.manifest.v1+json",
  ociIndex: "application/vnd.oci.image.index.v1+json",
  ociConfig: "application/vnd.oci.image.config.v1+json",
  ociLayerGzip: "application/vnd.oci.image.layer.v1.tar+gzip",
  ociLayer: "application/vnd.oci.image.layer.v1.tar",
  dockerManifest: "application/vnd.docker.distribution.manifest.v2+json",
  dockerList: "application/vnd.docker.distribution.manifest.list.v2+json",
  dockerConfig: "application/vnd.docker.container.image.v1+json"
} as const

export const manifestMediaTypes: ReadonlyArray<string> = [
  MediaType.ociManifest,
  MediaType.ociIndex,
  MediaType.dockerManifest,
  MediaType.dockerList
]
const indexMediaTypes: ReadonlyArray<string> = [MediaType.ociIndex, MediaType.dockerList]

/** Registries must accept manifests of at least 4 MiB (OCI distribution spec); we accept exactly that. */
export const MAX_MANIFEST_BYTES = 4 * 1024 * 1024

const digestPattern = /^sha256:[a-f0-9]{64}$/
export const isDigest = (s: string): boolean => digestPattern.test(s)
export const digestHex = (digest: string): string => digest.slice("sha256:".length)

export const Digest = Schema.String.pipe(
  Schema.filter((s) => isDigest(s) || "must be a sha256 digest (sha256: and 64 lowercase hex digits)"),
  Schema.brand("Digest")
)
export type Digest = typeof Digest.Type

/** OCI distribution spec tag grammar. */
const tagPattern = /^[a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}$/
export const isTag = (s: string): boolean => tagPattern.test(s)

/** A repository of this registry is a project: its slug or uuid, nothing else (no path segments, no `..`). */
export const isRepositoryName = (s: string): boolean => isSlug(s) || isUuid(s)

export type Reference =
  | { readonly _tag: "Tag"; readonly tag: string }
  | { readonly _tag: "Digest"; readonly digest: Digest }

/** `<tag>`, `sha256:<hex>` or `@sha256:<hex>`; undefined when neither grammar matches. */
export const parseReference = (s: string): Reference | undefined => {
  const bare = s.startsWith("@") ? s.slice(1) : s
  if (isDigest(bare)) return { _tag: "Digest", digest: bare as Digest }
  if (s.startsWith("@") || bare.includes(":")) return undefined
  return isTag(bare) ? { _tag: "Tag", tag: bare } : undefined
}

export interface ImageName {
  readonly registry: string | undefined
  readonly repository: string
  readonly reference: Reference | undefined
}

/**
 * `[registry/]project[:tag][@sha256:...]` as written in `bencher run --image` and `bencher image push`.
 * A first segment with a dot, a colon or `localhost` is the registry host, as docker reads image names.
 */
export const parseImageName = (image: string): ImageName | undefined => {
  const at = image.indexOf("@")
  const digest = at >= 0 ? image.slice(at + 1) : undefined
  let rest = at >= 0 ? image.slice(0, at) : image
  let registry: string | undefined
  const slash = rest.indexOf("/")
  if (slash >= 0) {
    const first = rest.slice(0, slash)
    if (!(first.includes(".") || first.includes(":") || first === "localhost")) return undefined
    registry = first
    rest = rest.slice(slash + 1)
  }
  const colon = rest.lastIndexOf(":")
  const repository = colon >= 0 ? rest.slice(0, colon) : rest
  const tag = colon >= 0 ? rest.slice(colon + 1) : undefined
  if (!isRepositoryName(repository)) return undefined
  if (digest !== undefined) {
    if (!isDigest(digest)) return undefined
    return { registry, repository, reference: { _tag: "Digest", digest: digest as Digest } }
  }
  if (tag !== undefined) return isTag(tag) ? { registry, repository, reference: { _tag: "Tag", tag } } : undefined
  return { registry, repository, reference: undefined }
}

export const Platform = Schema.Struct({
  architecture: Schema.String,
  os: Schema.String,
  variant: Schema.optional(Schema.String),
  "os.version": Schema.optional(Schema.String),
  "os.features": Schema.optional(Schema.Array(Schema.String)),
  features: Schema.optional(Schema.Array(Schema.String))
})
export type Platform = typeof Platform.Type

const Annotations = Schema.Record({ key: Schema.String, value: Schema.String })

export const Descriptor = Schema.Struct({
  mediaType: Schema.String,
  digest: Digest,
  size: Schema.Number.pipe(Schema.int(), Schema.nonNegative()),
  urls: Schema.optional(Schema.Array(Schema.String)),
  annotations: Schema.optional(Annotations),
  platform: Schema.optional(Platform),
  artifactType: Schema.optional(Schema.String)
})
export type Descriptor = typeof Descriptor.Type

const ImageManifestFields = Schema.Struct({
  schemaVersion: Schema.Literal(2),
  mediaType: Schema.optional(Schema.String),
  artifactType: Schema.optional(Schema.String),
  config: Descriptor,
  layers: Schema.Array(Descriptor),
  subject: Schema.optional(Descriptor),
  annotations: Schema.optional(Annotations)
})

const IndexFields = Schema.Struct({
  schemaVersion: Schema.Literal(2),
  mediaType: Schema.optional(Schema.String),
  artifactType: Schema.optional(Schema.String),
  manifests: Schema.Array(Descriptor),
  subject: Schema.optional(Descriptor),
  annotations: Schema.optional(Annotations)
})

export type ParsedManifest =
  | {
    readonly _tag: "Image"
    readonly mediaType: string
    readonly config: Descriptor
    readonly layers: ReadonlyArray<Descriptor>
    readonly subject: Descriptor | undefined
    readonly artifactType: string | undefined
    readonly annotations: Readonly<Record<string, string>> | undefined
  }
  | {
    readonly _tag: "Index"
    readonly mediaType: string
    readonly manifests: ReadonlyArray<Descriptor>
    readonly subject: Descriptor | undefined
    readonly artifactType: string | undefined
    readonly annotations: Readonly<Record<string, string>> | undefined
  }

/** Layers a registry need not hold (Docker foreign layers, OCI non-distributable layers). */
export const isNonDistributable = (d: Descriptor): boolean =>
  d.mediaType.includes("foreign") || d.mediaType.includes("nondistributable")

/**
 * Decodes a manifest body. The media type comes from the Content-Type header, falling back to the body's
 * `mediaType`; when both are present they must agree. Left carries a message for MANIFEST_INVALID.
 */
export const parseManifest = (bytes: Uint8Array, contentType: string | undefined): Either.Either<ParsedManifest, string> => {
  let json: unknown
  try {
    json = JSON.parse(Buffer.from(bytes).toString("utf8"))
  } catch {
    return Either.left("manifest is not valid JSON")
  }
  if (typeof json !== "object" || json === null || Array.isArray(json)) return Either.left("manifest must be a JSON object")
  const bodyType = "mediaType" in json && typeof json.mediaType === "string" ? json.mediaType : undefined
  const header = contentType?.split(";")[0]?.trim()
  const headerType = header !== undefined && manifestMediaTypes.includes(header) ? header : undefined
  if (headerType !== undefined && bodyType !== undefined && headerType !== bodyType) {
    return Either.left(`Content-Type ${headerType} does not match the manifest's mediaType ${bodyType}`)
  }
  const mediaType = headerType ?? bodyType ?? ("manifests" in json ? MediaType.ociIndex : MediaType.ociManifest)
  if (!manifestMediaTypes.includes(mediaType)) return Either.left(`unsupported manifest media type ${mediaType}`)
  const format = (e: ParseResult.ParseError) => ParseResult.TreeFormatter.formatErrorSync(e)
  if (indexMediaTypes.includes(mediaType)) {
    return Schema.decodeUnknownEither(IndexFields)(json).pipe(
      Either.mapLeft(format),
      Either.map((m) => ({
        _tag: "Index" as const,
        mediaType,
        manifests: m.manifests,
        subject: m.subject,
        artifactType: m.artifactType,
        annotations: m.annotations
      }))
    )
  }
  return Schema.decodeUnknownEither(ImageManifestFields)(json).pipe(
    Either.mapLeft(format),
    Either.map((m) => ({
      _tag: "Image" as const,
      mediaType,
      config: m.config,
      layers: m.layers,
      subject: m.subject,
      artifactType: m.artifactType ?? (m.config.mediaType === MediaType.ociConfig || m.config.mediaType === MediaType.dockerConfig
        ? undefined
        : m.config.mediaType),
      annotations: m.annotations
    }))
  )
}

/** Runner platforms a job may target. */
export type RunnerPlatform = "linux/amd64" | "linux/arm64"

/** Picks the manifest of an index for a platform; the default variant of arm64 (v8 or none) matches. */
export const selectPlatform = (manifests: ReadonlyArray<Descriptor>, platform: RunnerPlatform): Descriptor | undefined => {
  const [os, architecture] = platform.split("/") as [string, string]
  return manifests.find((d) =>
    d.platform !== undefined && d.platform.os === os && d.platform.architecture === architecture &&
    (architecture !== "arm64" || d.platform.variant === undefined || d.platform.variant === "v8")
  )
}

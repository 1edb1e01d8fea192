// Manifests, indexes and image configs (OCI image spec, and Docker schema 2). The registry validates pushed
// manifests with parseManifest, `bencher image push` walks a layout with it, and the runner's puller reads
// what it fetched with it.
import { Either, ParseResult, Schema } from "effect"
import { Digest } from "./digest.js"
import { InvalidManifest } from "./errors.js"
import { indexMediaTypes, manifestMediaTypes, MediaType } from "./media-types.js"

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

export const ImageManifest = Schema.Struct({
  schemaVersion: Schema.Literal(2),
  mediaType: Schema.optional(Schema.String),
  artifactType: Schema.optional(Schema.String),
  config: Descriptor,
  layers: Schema.Array(Descriptor),
  subject: Schema.optional(Descriptor),
  annotations: Schema.optional(Annotations)
})
export type ImageManifest = typeof ImageManifest.Type

export const ImageIndex = Schema.Struct({
  schemaVersion: Schema.Literal(2),
  mediaType: Schema.optional(Schema.String),
  artifactType: Schema.optional(Schema.String),
  manifests: Schema.Array(Descriptor),
  subject: Schema.optional(Descriptor),
  annotations: Schema.optional(Annotations)
})
export type ImageIndex = typeof ImageIndex.Type

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

const invalid = (message: string) => Either.left(new InvalidManifest({ message }))
const format = (e: ParseResult.ParseError) =>
  new InvalidManifest({ message: ParseResult.TreeFormatter.formatErrorSync(e) })

/**
 * Decodes a manifest body. The media type comes from the Content-Type header, falling back to the body's
 * `mediaType`, then to its shape; when header and body both name one they must agree. The message of the
 * error is what the registry answers with MANIFEST_INVALID.
 */
export const parseManifest = (
  bytes: Uint8Array,
  contentType: string | undefined
): Either.Either<ParsedManifest, InvalidManifest> => {
  let json: unknown
  try {
    json = JSON.parse(Buffer.from(bytes).toString("utf8"))
  } catch {
    return invalid("manifest is not valid JSON")
  }
  if (typeof json !== "object" || json === null || Array.isArray(json)) return invalid("manifest must be a JSON object")
  const bodyType = "mediaType" in json && typeof json.mediaType === "string" ? json.mediaType : undefined
  const header = contentType?.split(";")[0]?.trim()
  const headerType = header !== undefined && manifestMediaTypes.includes(header) ? header : undefined
  if (headerType !== undefined && bodyType !== undefined && headerType !== bodyType) {
    return invalid(`Content-Type ${headerType} does not match the manifest's mediaType ${bodyType}`)
  }
  const mediaType = headerType ?? bodyType ?? ("manifests" in json ? MediaType.ociIndex : MediaType.ociManifest)
  if (!manifestMediaTypes.includes(mediaType)) return invalid(`unsupported manifest media type ${mediaType}`)
  if (indexMediaTypes.includes(mediaType)) {
    return Schema.decodeUnknownEither(ImageIndex)(json).pipe(
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
  return Schema.decodeUnknownEither(ImageManifest)(json).pipe(
    Either.mapLeft(format),
    Either.map((m) => ({
      _tag: "Image" as const,
      mediaType,
      config: m.config,
      layers: m.layers,
      subject: m.subject,
      artifactType:
        m.artifactType ??
        (m.config.mediaType === MediaType.ociConfig || m.config.mediaType === MediaType.dockerConfig
          ? undefined
          : m.config.mediaType),
      annotations: m.annotations
    }))
  )
}

const Strings = Schema.NullOr(Schema.Array(Schema.String))

/** `config` of an image config blob: how the image wants to be run. */
export const ImageRunConfig = Schema.Struct({
  Entrypoint: Schema.optional(Strings),
  Cmd: Schema.optional(Strings),
  Env: Schema.optional(Strings),
  WorkingDir: Schema.optional(Schema.String),
  User: Schema.optional(Schema.String)
})

/** The parts of an image config blob a runner reads. */
export const ImageConfig = Schema.Struct({
  architecture: Schema.String,
  os: Schema.String,
  config: Schema.optional(Schema.NullOr(ImageRunConfig)),
  rootfs: Schema.Struct({ type: Schema.String, diff_ids: Schema.Array(Schema.String) })
})
export type ImageConfig = typeof ImageConfig.Type

export const parseImageConfig = (bytes: Uint8Array): Either.Either<ImageConfig, InvalidManifest> =>
  Schema.decodeUnknownEither(Schema.parseJson(ImageConfig))(Buffer.from(bytes).toString("utf8")).pipe(
    Either.mapLeft(format)
  )

/** Runner platforms a job may target. */
export type RunnerPlatform = "linux/amd64" | "linux/arm64"

/** The platform of this process, in OCI terms. */
export const hostPlatform = (): RunnerPlatform => (process.arch === "arm64" ? "linux/arm64" : "linux/amd64")

/** Picks the manifest of an index for a platform; the default variant of arm64 (v8 or none) matches. */
export const selectPlatform = (
  manifests: ReadonlyArray<Descriptor>,
  platform: RunnerPlatform
): Descriptor | undefined => {
  const [os, architecture] = platform.split("/") as [string, string]
  return manifests.find(
    (d) =>
      d.platform !== undefined &&
      d.platform.os === os &&
      d.platform.architecture === architecture &&
      (architecture !== "arm64" || d.platform.variant === undefined || d.platform.variant === "v8")
  )
}

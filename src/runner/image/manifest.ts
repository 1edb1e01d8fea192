import { Effect, Schema } from "effect"
import { ImageInvalid } from "../errors.js"

// The parts of the OCI image spec (and Docker schema 2, which registries still serve) the runner reads.

export const MediaTypes = {
  ociIndex: "application/vnd.oci.image.index.v1+json",
  ociManifest: "application/vnd.oci.image.manifest.v1+json",
  ociConfig: "application/vnd.oci.image.config.v1+json",
  ociLayerTar: "application/vnd.oci.image.layer.v1.tar",
  ociLayerGzip: "application/vnd.oci.image.layer.v1.tar+gzip",
  ociLayerZstd: "application/vnd.oci.image.layer.v1.tar+zstd",
  dockerList: "application/vnd.docker.distribution.manifest.list.v2+json",
  dockerManifest: "application/vnd.docker.distribution.manifest.v2+json",
  dockerLayerGzip: "application/vnd.docker.image.rootfs.diff.tar.gzip"
} as const

export const manifestAccept = [
  MediaTypes.ociIndex, MediaTypes.ociManifest, MediaTypes.dockerList, MediaTypes.dockerManifest
].join(", ")

const Digest = Schema.String.pipe(Schema.pattern(/^sha256:[a-f0-9]{64}$/, {
  message: () => "only sha256 digests are supported"
}))

export class Platform extends Schema.Class<Platform>("Platform")({
  architecture: Schema.String,
  os: Schema.String,
  variant: Schema.optional(Schema.String)
}) {}

export class Descriptor extends Schema.Class<Descriptor>("Descriptor")({
  mediaType: Schema.String,
  digest: Digest,
  size: Schema.Int.pipe(Schema.nonNegative()),
  platform: Schema.optional(Platform),
  annotations: Schema.optional(Schema.Record({ key: Schema.String, value: Schema.String }))
}) {}

export class ImageIndex extends Schema.Class<ImageIndex>("ImageIndex")({
  schemaVersion: Schema.Literal(2),
  mediaType: Schema.optional(Schema.Literal(MediaTypes.ociIndex, MediaTypes.dockerList)),
  manifests: Schema.Array(Descriptor)
}) {}

export class ImageManifest extends Schema.Class<ImageManifest>("ImageManifest")({
  schemaVersion: Schema.Literal(2),
  mediaType: Schema.optional(Schema.Literal(MediaTypes.ociManifest, MediaTypes.dockerManifest)),
  config: Descriptor,
  layers: Schema.Array(Descriptor)
}) {}

const Strings = Schema.NullOr(Schema.Array(Schema.String))

/** `config` of an image config blob: how the image wants to be run. */
export class ImageRunConfig extends Schema.Class<ImageRunConfig>("ImageRunConfig")({
  Entrypoint: Schema.optional(Strings),
  Cmd: Schema.optional(Strings),
  Env: Schema.optional(Strings),
  WorkingDir: Schema.optional(Schema.String),
  User: Schema.optional(Schema.String)
}) {}

export class ImageConfig extends Schema.Class<ImageConfig>("ImageConfig")({
  architecture: Schema.String,
  os: Schema.String,
  config: Schema.optional(Schema.NullOr(ImageRunConfig)),
  rootfs: Schema.Struct({ type: Schema.String, diff_ids: Schema.Array(Schema.String) })
}) {}

const decodeJson = <A, I>(schema: Schema.Schema<A, I>, what: string) => (bytes: Uint8Array) =>
  Schema.decodeUnknown(Schema.parseJson(schema))(Buffer.from(bytes).toString("utf8"), { onExcessProperty: "ignore" }).pipe(
    Effect.mapError((e) => new ImageInvalid({ message: `malformed ${what}: ${e.message.split("\n").slice(0, 4).join(" ")}` }))
  )

export const decodeIndex = decodeJson(ImageIndex, "image index")
export const decodeManifest = decodeJson(ImageManifest, "image manifest")
export const decodeConfig = decodeJson(ImageConfig, "image config")

/** An index or a manifest, told apart by mediaType, falling back to shape. */
export const decodeManifestOrIndex = (bytes: Uint8Array, mediaType: string | undefined) => {
  const isIndex = mediaType === MediaTypes.ociIndex || mediaType === MediaTypes.dockerList ||
    ((mediaType === undefined || mediaType === "" || mediaType.startsWith("application/json")) &&
      Buffer.from(bytes).toString("utf8").includes("\"manifests\""))
  return isIndex
    ? Effect.map(decodeIndex(bytes), (index) => ({ _tag: "Index" as const, index }))
    : Effect.map(decodeManifest(bytes), (manifest) => ({ _tag: "Manifest" as const, manifest }))
}

/** The runner's own platform in OCI terms. */
export const hostPlatform = (): { readonly os: string; readonly architecture: string } => ({
  os: "linux",
  architecture: process.arch === "arm64" ? "arm64" : "amd64"
})

export const choosePlatform = (index: ImageIndex): Effect.Effect<Descriptor, ImageInvalid> => {
  const want = hostPlatform()
  const found = index.manifests.find((m) => m.platform?.os === want.os && m.platform.architecture === want.architecture)
  return found !== undefined
    ? Effect.succeed(found)
    : Effect.fail(new ImageInvalid({
      message: `image index has no ${want.os}/${want.architecture} manifest (has: ${
        index.manifests.map((m) => m.platform ? `${m.platform.os}/${m.platform.architecture}` : "unknown").join(", ") || "none"
      })`
    }))
}

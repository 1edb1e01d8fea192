import { Effect, Either } from "effect"
import {
  type Descriptor,
  hostPlatform,
  type ImageConfig,
  type InvalidManifest,
  parseImageConfig,
  parseManifest,
  type ParsedManifest,
  selectPlatform
} from "../../oci/index.js"
import { ImageInvalid } from "../errors.js"

// How the puller reads what it fetched: the OCI parsers, each failure an ImageInvalid that ends the job.

const malformed = (what: string) => (e: InvalidManifest) =>
  new ImageInvalid({ message: `malformed ${what}: ${e.message.split("\n").slice(0, 4).join(" ")}` })

/** An index or an image manifest, told apart by its media type (the Content-Type, else the body's), else by shape. */
export const decodeManifestOrIndex = (
  bytes: Uint8Array,
  mediaType: string | undefined
): Effect.Effect<ParsedManifest, ImageInvalid> =>
  Either.mapLeft(parseManifest(bytes, mediaType), malformed("image manifest"))

export type ImageManifest = Extract<ParsedManifest, { _tag: "Image" }>
export type ImageIndex = Extract<ParsedManifest, { _tag: "Index" }>

export const decodeManifest = (
  bytes: Uint8Array,
  mediaType: string | undefined
): Effect.Effect<ImageManifest, ImageInvalid> =>
  Effect.flatMap(decodeManifestOrIndex(bytes, mediaType), (m) =>
    m._tag === "Image"
      ? Effect.succeed(m)
      : Effect.fail(new ImageInvalid({ message: "malformed image manifest: an index where an image manifest belongs" }))
  )

export const decodeIndex = (bytes: Uint8Array): Effect.Effect<ImageIndex, ImageInvalid> =>
  Either.mapLeft(parseManifest(bytes, undefined), malformed("image index")).pipe(
    Effect.flatMap((m) =>
      m._tag === "Index"
        ? Effect.succeed(m)
        : Effect.fail(new ImageInvalid({ message: "malformed image index: an image manifest where an index belongs" }))
    )
  )

export const decodeConfig = (bytes: Uint8Array): Effect.Effect<ImageConfig, ImageInvalid> =>
  Either.mapLeft(parseImageConfig(bytes), malformed("image config"))

/** The manifest of an index for this runner's platform. */
export const choosePlatform = (index: ImageIndex): Effect.Effect<Descriptor, ImageInvalid> => {
  const want = hostPlatform()
  const found = selectPlatform(index.manifests, want)
  return found !== undefined
    ? Effect.succeed(found)
    : Effect.fail(
        new ImageInvalid({
          message: `image index has no ${want} manifest (has: ${
            index.manifests
              .map((m) => (m.platform ? `${m.platform.os}/${m.platform.architecture}` : "unknown"))
              .join(", ") || "none"
          })`
        })
      )
}

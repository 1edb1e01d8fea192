import { Context, Effect, Layer } from "effect"
import { BadRequest } from "../domain/errors.js"

/** An image pinned to a digest in this server's registry. */
export interface ResolvedImage {
  readonly registry: string
  readonly digest: string
}

export interface ImageRequest {
  readonly projectUuid: string
  readonly projectSlug: string
  readonly image: string
}

const digestPattern = /^sha256:[0-9a-f]{64}$/

/** Splits `[host[:port]/]repository(@digest|:tag)`; the first path segment is a host if it has a dot, a colon or is localhost. */
export const parseImageReference = (image: string) => {
  const at = image.indexOf("@")
  const namePart = at >= 0 ? image.slice(0, at) : image
  const digest = at >= 0 ? image.slice(at + 1) : null
  const slash = namePart.indexOf("/")
  const first = slash >= 0 ? namePart.slice(0, slash) : ""
  const hasHost = slash >= 0 && (first.includes(".") || first.includes(":") || first === "localhost")
  const host = hasHost ? first : null
  const rest = hasHost ? namePart.slice(slash + 1) : namePart
  const colon = rest.lastIndexOf(":")
  const repository = colon >= 0 ? rest.slice(0, colon) : rest
  const tag = colon >= 0 ? rest.slice(colon + 1) : null
  return { host, repository, tag, digest }
}

/**
 * The seam to the registry issue: turns `job.image` into a digest stored in this server's registry. The default
 * has no registry to look in, so it accepts only `@sha256:` references (to this server's host, or with no host)
 * and rejects tags with a message that says what to send instead.
 */
export class ImageResolver extends Context.Tag("bencher/jobs/ImageResolver")<ImageResolver, {
  readonly resolve: (request: ImageRequest) => Effect.Effect<ResolvedImage, BadRequest>
}>() {
  static readonly digestOnly = (registry: string) =>
    Layer.succeed(this, {
      resolve: ({ image, projectSlug, projectUuid }) =>
        Effect.gen(function*() {
          const ref = parseImageReference(image)
          if (ref.host !== null && ref.host !== registry) {
            return yield* new BadRequest({
              message: `job.image: ${image} is not in this server's registry (${registry}); push it there first`
            })
          }
          if (ref.repository !== projectUuid && ref.repository !== projectSlug) {
            return yield* new BadRequest({
              message: `job.image: repository ${ref.repository} is not this project (${projectSlug} or ${projectUuid})`
            })
          }
          if (ref.digest === null) {
            return yield* new BadRequest({
              message: `job.image: cannot resolve tag ${ref.tag ?? "latest"} without the registry; use ${ref.repository}@sha256:<digest>`
            })
          }
          if (!digestPattern.test(ref.digest)) {
            return yield* new BadRequest({ message: `job.image: ${ref.digest} is not a sha256 digest` })
          }
          return { registry, digest: ref.digest }
        })
    })
}

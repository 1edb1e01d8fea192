import { Context, Effect, Layer } from "effect"
import { BadRequest } from "../domain/errors.js"
import { isDigest, splitImageName } from "../oci/index.js"

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

/**
 * The seam to the registry issue: turns `job.image` into a digest stored in this server's registry. The default
 * has no registry to look in, so it accepts only `@sha256:` references (to this server's host, or with no host)
 * and rejects tags with a message that says what to send instead.
 */
export class ImageResolver extends Context.Tag("bencher/jobs/ImageResolver")<
  ImageResolver,
  {
    readonly resolve: (request: ImageRequest) => Effect.Effect<ResolvedImage, BadRequest>
  }
>() {
  static readonly digestOnly = (registry: string) =>
    Layer.succeed(this, {
      resolve: ({ image, projectSlug, projectUuid }) =>
        Effect.gen(function* () {
          const ref = splitImageName(image)
          if (ref.host !== undefined && ref.host !== registry) {
            return yield* new BadRequest({
              message: `job.image: ${image} is not in this server's registry (${registry}); push it there first`
            })
          }
          if (ref.repository !== projectUuid && ref.repository !== projectSlug) {
            return yield* new BadRequest({
              message: `job.image: repository ${ref.repository} is not this project (${projectSlug} or ${projectUuid})`
            })
          }
          if (ref.digest === undefined) {
            return yield* new BadRequest({
              message: `job.image: cannot resolve tag ${ref.tag ?? "latest"} without the registry; use ${ref.repository}@sha256:<digest>`
            })
          }
          if (!isDigest(ref.digest)) {
            return yield* new BadRequest({ message: `job.image: ${ref.digest} is not a sha256 digest` })
          }
          return { registry, digest: ref.digest }
        })
    })
}

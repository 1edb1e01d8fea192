import { Effect } from "effect"
import { ImageInvalid } from "../errors.js"

/** Where an image lives: a registry repository, or an OCI image layout directory (for local debugging). */
export type ImageReference =
  | { readonly _tag: "Registry"; readonly registry: string; readonly repository: string; readonly reference: string }
  | { readonly _tag: "Layout"; readonly dir: string; readonly reference: string }

const DIGEST = /^sha256:[a-f0-9]{64}$/
export const isDigest = (s: string): boolean => DIGEST.test(s)

const splitReference = (rest: string): { readonly name: string; readonly reference: string } => {
  const at = rest.indexOf("@")
  if (at >= 0) return { name: rest.slice(0, at), reference: rest.slice(at + 1) }
  const colon = rest.lastIndexOf(":")
  if (colon > rest.lastIndexOf("/")) return { name: rest.slice(0, colon), reference: rest.slice(colon + 1) }
  return { name: rest, reference: "latest" }
}

/**
 * Parses `host[:port]/repo[:tag|@sha256:…]` or `oci:DIR[:tag|@sha256:…]` (an OCI image layout on disk).
 * A registry host is required: runners pull only from a Bencher registry, never from an implied Docker Hub.
 */
export const parseImageReference = (input: string): Effect.Effect<ImageReference, ImageInvalid> =>
  Effect.suspend((): Effect.Effect<ImageReference, ImageInvalid> => {
    if (input.startsWith("oci:")) {
      const { name, reference } = splitReference(input.slice(4))
      return name === ""
        ? Effect.fail(new ImageInvalid({ message: `image reference ${input}: empty layout directory` }))
        : Effect.succeed({ _tag: "Layout" as const, dir: name, reference })
    }
    const slash = input.indexOf("/")
    if (slash <= 0) {
      return Effect.fail(new ImageInvalid({ message: `image reference ${input}: expected registry/repository[:tag|@digest]` }))
    }
    const registry = input.slice(0, slash)
    const { name, reference } = splitReference(input.slice(slash + 1))
    if (name === "" || !/^[a-z0-9]+(?:[._\-/][a-z0-9]+)*$/.test(name)) {
      return Effect.fail(new ImageInvalid({ message: `image reference ${input}: invalid repository "${name}"` }))
    }
    if (reference.startsWith("sha256:") && !isDigest(reference)) {
      return Effect.fail(new ImageInvalid({ message: `image reference ${input}: invalid digest "${reference}"` }))
    }
    return Effect.succeed({ _tag: "Registry" as const, registry, repository: name, reference })
  })

export const formatImageReference = (ref: ImageReference): string =>
  ref._tag === "Layout"
    ? `oci:${ref.dir}${isDigest(ref.reference) ? "@" : ":"}${ref.reference}`
    : `${ref.registry}/${ref.repository}${isDigest(ref.reference) ? "@" : ":"}${ref.reference}`

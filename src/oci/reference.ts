// Image references: the `<tag>` or `sha256:` part of a registry URL, and whole image names as users write them
// (`bencher run --image`, `bencher image push`, a job's image, a runner's pull). One splitter reads every
// form; each caller checks the parts it needs, so each keeps its own answer to a bad name.
import { Effect } from "effect"
import { type Digest, isDigest } from "./digest.js"
import { InvalidReference } from "./errors.js"

/** OCI distribution spec tag grammar. */
const tagPattern = /^[a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}$/
export const isTag = (s: string): boolean => tagPattern.test(s)

/** Lowercase path components joined by `.`, `_`, `-` or `/`: the repository names a runner pulls from. */
const repositoryPathPattern = /^[a-z0-9]+(?:[._\-/][a-z0-9]+)*$/
export const isRepositoryPath = (s: string): boolean => repositoryPathPattern.test(s)

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

/** The parts of `[host/]repository[:tag][@digest]`, none of them checked. */
export interface ImageNameParts {
  readonly host: string | undefined
  readonly repository: string
  readonly tag: string | undefined
  /** Whatever follows `@`, digest or not. */
  readonly digest: string | undefined
}

/** `name[:tag]`: a colon after the last slash starts the tag (a colon before it belongs to a host's port). */
const cutTag = (name: string): { readonly name: string; readonly tag: string | undefined } => {
  const colon = name.lastIndexOf(":")
  return colon > name.lastIndexOf("/")
    ? { name: name.slice(0, colon), tag: name.slice(colon + 1) }
    : { name, tag: undefined }
}

/**
 * Splits `[host/]repository[:tag][@digest]`. With `host: "docker"` the first path segment is the host only
 * when it has a dot, a colon or is `localhost`, as docker reads image names; with `host: "first"` any first
 * segment is the host, since a runner pulls only from a registry it is told and never from an implied one.
 */
export const splitImageName = (
  image: string,
  options: { readonly host: "docker" | "first" } = { host: "docker" }
): ImageNameParts => {
  const at = image.indexOf("@")
  const name = at >= 0 ? image.slice(0, at) : image
  const digest = at >= 0 ? image.slice(at + 1) : undefined
  const slash = name.indexOf("/")
  const first = slash >= 0 ? name.slice(0, slash) : undefined
  const isHost =
    first !== undefined &&
    (options.host === "first" || first.includes(".") || first.includes(":") || first === "localhost")
  const { name: repository, tag } = cutTag(isHost ? name.slice(slash + 1) : name)
  return { host: isHost ? first : undefined, repository, tag, digest }
}

export interface ImageName {
  readonly registry: string | undefined
  readonly repository: string
  readonly reference: Reference | undefined
}

/**
 * `[registry/]repository[:tag][@sha256:...]` as written in `bencher run --image` and `bencher image push`;
 * `isRepository` says which repositories exist (for this server's registry, a project's slug or uuid).
 * A digest wins over a tag. Undefined when a part does not check.
 */
export const parseImageName = (image: string, isRepository: (repository: string) => boolean): ImageName | undefined => {
  const { digest, host: registry, repository, tag } = splitImageName(image)
  if (!isRepository(repository)) return undefined
  if (digest !== undefined) {
    if (!isDigest(digest)) return undefined
    return { registry, repository, reference: { _tag: "Digest", digest: digest as Digest } }
  }
  if (tag !== undefined) return isTag(tag) ? { registry, repository, reference: { _tag: "Tag", tag } } : undefined
  return { registry, repository, reference: undefined }
}

/** Where a runner pulls an image from: a registry repository, or an OCI image layout directory (for local debugging). */
export type ImageReference =
  | { readonly _tag: "Registry"; readonly registry: string; readonly repository: string; readonly reference: string }
  | { readonly _tag: "Layout"; readonly dir: string; readonly reference: string }

/**
 * Parses `host[:port]/repo[:tag|@sha256:…]` or `oci:DIR[:tag|@sha256:…]` (an OCI image layout on disk); the
 * reference defaults to `latest`. A registry host is required: runners pull only from a Bencher registry,
 * never from an implied Docker Hub.
 */
export const parseImageReference = (input: string): Effect.Effect<ImageReference, InvalidReference> =>
  Effect.suspend((): Effect.Effect<ImageReference, InvalidReference> => {
    const fail = (why: string) => Effect.fail(new InvalidReference({ message: `image reference ${input}: ${why}` }))
    if (input.startsWith("oci:")) {
      const rest = input.slice(4)
      const at = rest.indexOf("@")
      const { name, tag } = at >= 0 ? { name: rest.slice(0, at), tag: rest.slice(at + 1) } : cutTag(rest)
      return name === ""
        ? fail("empty layout directory")
        : Effect.succeed({ _tag: "Layout" as const, dir: name, reference: tag ?? "latest" })
    }
    const { digest, host, repository, tag } = splitImageName(input, { host: "first" })
    if (host === undefined || host === "") return fail("expected registry/repository[:tag|@digest]")
    // `repo:tag@digest` names the repository `repo:tag`, which no registry has.
    const name = digest !== undefined && tag !== undefined ? `${repository}:${tag}` : repository
    if (name === "" || !isRepositoryPath(name)) return fail(`invalid repository "${name}"`)
    const reference = digest ?? tag ?? "latest"
    if (reference.startsWith("sha256:") && !isDigest(reference)) return fail(`invalid digest "${reference}"`)
    return Effect.succeed({ _tag: "Registry" as const, registry: host, repository, reference })
  })

export const formatImageReference = (ref: ImageReference): string =>
  ref._tag === "Layout"
    ? `oci:${ref.dir}${isDigest(ref.reference) ? "@" : ":"}${ref.reference}`
    : `${ref.registry}/${ref.repository}${isDigest(ref.reference) ? "@" : ":"}${ref.reference}`

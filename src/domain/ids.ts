import { Schema } from "effect"
import { MAX_BENCHMARK_NAME_LEN, MAX_BRANCH_NAME_LEN, MAX_NAME_LEN, MAX_SLUG_LEN } from "./limits.js"

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

export const Uuid = Schema.String.pipe(Schema.pattern(uuidPattern, { message: () => "must be a UUID" }))
export type Uuid = typeof Uuid.Type
export const isUuid = (s: string): boolean => uuidPattern.test(s)

/** Bencher's slugify (the Rust `slug` crate): ASCII-folded, lowercase, words joined by single dashes. */
export const slugify = (input: string): string =>
  input
    .normalize("NFKD")
    .replace(/\p{M}+/gu, "")
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((w) => w.length > 0)
    .join("-")

/** Exactly the strings that slugify leaves unchanged: words of a-z and 0-9 joined by single dashes. */
const SLUG_PATTERN = /^[a-z0-9]+(?:-[a-z0-9]+)*$/

/** A slug that is also a UUID would be read as the UUID wherever a resource is looked up, so it is none. */
export const isSlug = (s: string): boolean =>
  s.length > 0 && s.length <= MAX_SLUG_LEN && SLUG_PATTERN.test(s) && !uuidPattern.test(s)

export const Slug = Schema.String.pipe(
  Schema.filter(
    (s) =>
      isSlug(s) ||
      (uuidPattern.test(s)
        ? "must not be a UUID (a resource is looked up by UUID first)"
        : `must be a slug of at most ${MAX_SLUG_LEN} lowercase letters, digits and dashes`)
  )
)
export type Slug = typeof Slug.Type

/**
 * C0 and C1 control characters (NUL, ESC, CR, LF, ...), DEL, the line and paragraph separators and the bidi
 * embeddings, overrides and isolates (U+202A-202E, U+2066-2069): none of them belongs in a name, and each can
 * make a name print as something else in a terminal or a page.
 */
const FORBIDDEN_CHARS = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/
/** A UTF-16 surrogate without its pair: no UTF-8 text (nor the store) can hold it. */
const UNPAIRED_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/

/** Text fit for a name: no control or bidi characters and no unpaired surrogate. */
export const isCleanText = (s: string): boolean => !FORBIDDEN_CHARS.test(s) && !UNPAIRED_SURROGATE.test(s)

const CLEAN_TEXT_MESSAGE = "must not contain control characters, bidi overrides or unpaired surrogates"

const isResourceName = (s: string, max: number): boolean =>
  s.length > 0 && Buffer.byteLength(s, "utf8") <= max && s.trim() === s && isCleanText(s)

export const ResourceName = Schema.String.pipe(
  Schema.filter(
    (s) =>
      isResourceName(s, MAX_NAME_LEN) ||
      (isCleanText(s)
        ? `must be non-empty, at most ${MAX_NAME_LEN} bytes, without leading or trailing whitespace`
        : CLEAN_TEXT_MESSAGE)
  )
)
export type ResourceName = typeof ResourceName.Type

export const BranchName = Schema.String.pipe(
  Schema.filter(
    (s) =>
      (isResourceName(s, MAX_BRANCH_NAME_LEN) && !s.includes("..") && !/[\s~^:?*[\\]/.test(s)) ||
      (isCleanText(s) ? `must be a git-ref-like name of at most ${MAX_BRANCH_NAME_LEN} bytes` : CLEAN_TEXT_MESSAGE)
  )
)

export const BenchmarkName = Schema.String.pipe(
  Schema.filter(
    (s) =>
      (s.length > 0 && Buffer.byteLength(s, "utf8") <= MAX_BENCHMARK_NAME_LEN && isCleanText(s)) ||
      (isCleanText(s) ? `must be non-empty and at most ${MAX_BENCHMARK_NAME_LEN} bytes` : CLEAN_TEXT_MESSAGE)
  )
)

/** A path or body reference to a resource: a UUID or a slug. */
export const isResourceId = (s: string): boolean => isUuid(s) || isSlug(s)
export const ResourceId = Schema.String.pipe(Schema.filter((s) => isResourceId(s) || "must be a UUID or a slug"))
export type ResourceId = typeof ResourceId.Type

/** A NameId: UUID, then slug, then name; the first that validates wins (docs/reference.md §1.2). */
export type NameIdKind =
  | { readonly _tag: "Uuid"; readonly value: string }
  | { readonly _tag: "Slug"; readonly value: string }
  | { readonly _tag: "Name"; readonly value: string }

export const classifyNameId = (s: string, maxNameLen: number = MAX_NAME_LEN): NameIdKind | undefined => {
  if (isUuid(s)) return { _tag: "Uuid", value: s.toLowerCase() }
  if (isSlug(s)) return { _tag: "Slug", value: s }
  if (isResourceName(s, maxNameLen)) return { _tag: "Name", value: s }
  return undefined
}

export const NameId = Schema.String.pipe(
  Schema.filter((s) => classifyNameId(s) !== undefined || "must be a UUID, a slug or a name")
)
export type NameId = typeof NameId.Type

export const GitHash = Schema.String.pipe(
  Schema.filter((s) => /^[0-9a-f]{7,64}$/i.test(s) || "must be a git commit hash (7 to 64 hex digits)")
)

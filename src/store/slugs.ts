import { Effect } from "effect"
import { isUuid, slugify } from "../domain/ids.js"
import { MAX_SLUG_LEN } from "../domain/limits.js"
import { newUuid } from "./ids.js"

/**
 * The slug Bencher derives from a name: slugified, at most 64 characters, never empty, and never shaped like a
 * UUID (a name such as a UUID gets `-0`), since lookups read a UUID as one and the slug would reach nothing.
 */
export const slugBase = (name: string): string => {
  const slug = slugify(name).slice(0, MAX_SLUG_LEN).replace(/-+$/, "") || "resource"
  return isUuid(slug) ? `${slug}-0` : slug
}

/** The same slug with a short random suffix, for when it is taken (ids come from the Ids service). */
export const suffixedSlug = (slug: string) =>
  Effect.map(newUuid, (uuid) => `${slug.slice(0, MAX_SLUG_LEN - 9)}-${uuid.slice(0, 8)}`)

/** A slug derived from a name, unique within `taken`, with a short random suffix on collision (as Bencher). */
export const uniqueSlug = <E, R>(name: string, taken: (slug: string) => Effect.Effect<boolean, E, R>) =>
  Effect.gen(function* () {
    const base = slugBase(name)
    if (!(yield* taken(base))) return base
    for (;;) {
      const slug = yield* suffixedSlug(base)
      if (!(yield* taken(slug))) return slug
    }
  })

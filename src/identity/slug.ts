import { Effect } from "effect"
import { randomBytes } from "node:crypto"
import { slugify } from "../domain/ids.js"
import { MAX_SLUG_LEN } from "../domain/limits.js"

/**
 * Bencher's slug rule: the preferred slug (or one derived from the name) if free, else the same with a random
 * suffix, so creating never fails on a slug collision.
 */
export const uniqueSlug = <E, R>(
  preferred: string,
  isTaken: (slug: string) => Effect.Effect<boolean, E, R>
): Effect.Effect<string, E, R> =>
  Effect.gen(function*() {
    const base = (slugify(preferred) || "x").slice(0, MAX_SLUG_LEN - 9)
    if (!(yield* isTaken(base))) return base
    for (;;) {
      const candidate = `${base}-${randomBytes(4).toString("hex")}`
      if (!(yield* isTaken(candidate))) return candidate
    }
  })

import { Context, Effect } from "effect"

/**
 * A version 7 UUID (RFC 9562): 48 bits of `at` (unix milliseconds), then the 74 random bits of a fresh v4.
 * Rows keyed by such ids land at the right edge of their uuid index instead of on a random page of it.
 */
export const uuidV7 = (at: number, random: string = crypto.randomUUID()): string => {
  const ms = Math.max(0, Math.min(Math.trunc(at), 0xffff_ffff_ffff)).toString(16).padStart(12, "0")
  return `${ms.slice(0, 8)}-${ms.slice(8)}-7${random.slice(15)}`
}

/**
 * Where new identifiers come from. Production uses random v4 UUIDs; the simulator swaps in a seeded sequence
 * so that a run replays bit for bit. `orderedUuids` serves the high-volume rows of a report (report benchmarks,
 * metrics, boundaries, alerts): `count` v7 UUIDs stamped with `at`, so that the thousands of rows of one report
 * fill a few fresh index pages instead of dirtying a random page of each uuid index per row.
 */
export class Ids extends Context.Reference<Ids>()("bencher/store/Ids", {
  defaultValue: () => ({
    uuid: Effect.sync(() => crypto.randomUUID()),
    orderedUuids: (at: number, count: number): Effect.Effect<ReadonlyArray<string>> =>
      Effect.sync(() => {
        const out = new Array<string>(count)
        for (let i = 0; i < count; i++) out[i] = uuidV7(at)
        return out
      })
  })
}) {}

export const newUuid = Effect.flatMap(Ids, (ids) => ids.uuid)

export const newOrderedUuids = (at: number, count: number) => Effect.flatMap(Ids, (ids) => ids.orderedUuids(at, count))

import { Context, Effect } from "effect"

/**
 * Where new identifiers come from. Production uses random v4 UUIDs; the simulator swaps in a seeded sequence
 * so that a run replays bit for bit.
 */
export class Ids extends Context.Reference<Ids>()("bencher/store/Ids", {
  defaultValue: () => ({ uuid: Effect.sync(() => crypto.randomUUID()) })
}) {}

export const newUuid = Effect.flatMap(Ids, (ids) => ids.uuid)

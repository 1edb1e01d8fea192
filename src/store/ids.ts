import { Context, Effect } from "effect"

const HEX_DIGITS = "0123456789abcdef"
/** getRandomValues fills at most 65,536 bytes per call, and a uuid takes 19 of them (one per random digit). */
const BATCH = 3_000
const UUID_LEN = 36

/**
 * `count` version 7 UUIDs (RFC 9562): 48 bits of `at` (unix milliseconds), then 74 random bits. Rows keyed by
 * such ids land at the right edge of their uuid index instead of on a random page of it. All of them are written
 * as ASCII into one buffer and cut from one string: thousands per report cost a few allocations, not dozens each.
 */
export const uuidsV7 = (at: number, count: number): Array<string> => {
  const ms = Math.max(0, Math.min(Math.trunc(at), 0xffff_ffff_ffff))
    .toString(16)
    .padStart(12, "0")
  const prefix = Buffer.from(`${ms.slice(0, 8)}-${ms.slice(8)}-7`, "latin1") // 15 characters
  const digit = (n: number) => HEX_DIGITS.charCodeAt(n)
  const dash = "-".charCodeAt(0)
  const text = Buffer.allocUnsafe(count * UUID_LEN)
  for (let start = 0; start < count; start += BATCH) {
    const size = Math.min(BATCH, count - start)
    // 19 random digits per uuid, one of them the variant digit 10xx: 18 * 4 + 2 = 74 random bits.
    const r = crypto.getRandomValues(new Uint8Array(size * 19))
    for (let i = 0; i < size; i++) {
      let at = (start + i) * UUID_LEN
      prefix.copy(text, at)
      at += 15
      const b = i * 19
      for (let k = 0; k < 19; k++) {
        if (k === 3 || k === 7) text[at++] = dash
        const n = (r[b + k] as number) & 15
        text[at++] = digit(k === 3 ? 8 | (n & 3) : n)
      }
    }
  }
  const all = text.toString("latin1")
  const out = new Array<string>(count)
  for (let i = 0; i < count; i++) out[i] = all.slice(i * UUID_LEN, (i + 1) * UUID_LEN)
  return out
}

/** A uuid's random digits under a v7 timestamp: how a source without `orderedUuids` gets ordered ones. */
export const stampV7 = (at: number, uuid: string): string => {
  const ms = Math.max(0, Math.min(Math.trunc(at), 0xffff_ffff_ffff))
    .toString(16)
    .padStart(12, "0")
  const variant = HEX_DIGITS[8 | (Number.parseInt(uuid[19] ?? "8", 16) & 3)] ?? "8"
  return `${ms.slice(0, 8)}-${ms.slice(8)}-7${uuid.slice(15, 18)}-${variant}${uuid.slice(20)}`.toLowerCase()
}

export interface IdSource {
  readonly uuid: Effect.Effect<string>
  /**
   * `count` v7 UUIDs stamped with `at`, for the high-volume rows of a report (metrics and alerts): the thousands
   * of rows of one report then fill a few fresh index pages instead of dirtying a random page of each uuid index
   * per row. Optional: a source without it (the simulator's seeded one) has its `uuid` stamped instead, one effect
   * per id.
   */
  readonly orderedUuids?: ((at: number, count: number) => Effect.Effect<ReadonlyArray<string>>) | undefined
}

/**
 * Where new identifiers come from. Production uses random v4 UUIDs (v7 for a report's rows); the simulator swaps
 * in a seeded sequence so that a run replays bit for bit.
 */
export class Ids extends Context.Reference<Ids>()("bencher/store/Ids", {
  defaultValue: (): IdSource => ({
    uuid: Effect.sync(() => crypto.randomUUID()),
    orderedUuids: (at, count) => Effect.sync(() => uuidsV7(at, count))
  })
}) {}

export const newUuid = Effect.flatMap(Ids, (ids) => ids.uuid)

export const newOrderedUuids = (at: number, count: number): Effect.Effect<ReadonlyArray<string>> =>
  Effect.flatMap(Ids, (ids) =>
    ids.orderedUuids !== undefined
      ? ids.orderedUuids(at, count)
      : Effect.map(Effect.replicateEffect(ids.uuid, count), (uuids) => uuids.map((uuid) => stampV7(at, uuid)))
  )

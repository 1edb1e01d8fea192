import { Schema } from "effect"
import { createHash } from "node:crypto"

// Only sha256 digests: the one algorithm the distribution spec requires and every client here writes.

const digestPattern = /^sha256:[a-f0-9]{64}$/
export const isDigest = (s: string): boolean => digestPattern.test(s)
export const digestHex = (digest: string): string => digest.slice("sha256:".length)

export const Digest = Schema.String.pipe(
  Schema.filter((s) => isDigest(s) || "must be a sha256 digest (sha256: and 64 lowercase hex digits)"),
  Schema.brand("Digest")
)
export type Digest = typeof Digest.Type

/** The digest of a blob or manifest held in memory. */
export const digestOf = (bytes: Uint8Array): Digest =>
  `sha256:${createHash("sha256").update(bytes).digest("hex")}` as Digest

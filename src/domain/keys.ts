import { createHash, randomInt, timingSafeEqual } from "node:crypto"

/** Bencher's key formats (docs/reference.md §5.1, §6): a prefix and 30 random alphanumerics. */
export const KEY_PREFIXES = {
  user: "bencher_user_",
  project: "bencher_run_",
  runner: "bencher_runner_"
} as const
export type KeyKind = keyof typeof KEY_PREFIXES

export const KEY_RANDOM_LEN = 30
const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"

/** A fresh plaintext key; crypto.randomInt is uniform, so no modulo bias. */
export const generateKey = (kind: KeyKind): string => {
  let random = ""
  for (let i = 0; i < KEY_RANDOM_LEN; i++) random += ALPHABET[randomInt(ALPHABET.length)]
  return KEY_PREFIXES[kind] + random
}

/** The only form a key is stored in: lowercase SHA-256 hex. */
export const hashKey = (key: string): string => createHash("sha256").update(key, "utf8").digest("hex")

const shapes: ReadonlyArray<readonly [KeyKind, RegExp]> = [
  ["runner", /^bencher_runner_[A-Za-z0-9]{30}$/],
  ["user", /^bencher_user_[A-Za-z0-9]{30}$/],
  ["project", /^bencher_run_[A-Za-z0-9]{30}$/]
]

/** Which kind of key a string is, or undefined when it is not a well-formed key of any kind. */
export const keyKind = (candidate: string): KeyKind | undefined => {
  for (const [kind, shape] of shapes) if (shape.test(candidate)) return kind
  return undefined
}

/** Compares two SHA-256 hex digests in constant time (equal length by construction). */
export const hashesEqual = (a: string, b: string): boolean => {
  const left = Buffer.from(a, "hex")
  const right = Buffer.from(b, "hex")
  return left.length === right.length && left.length > 0 && timingSafeEqual(left, right)
}

import { createHash, randomInt, timingSafeEqual } from "node:crypto"

export const RUNNER_KEY_PREFIX = "bencher_runner_"
const KEY_RANDOM_LEN = 30
const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
const keyPattern = /^bencher_runner_[A-Za-z0-9]{30}$/

/** A fresh runner key: shown to the admin once, never stored (docs/reference.md §5.1). */
export const generateRunnerKey = (): string => {
  let random = ""
  for (let i = 0; i < KEY_RANDOM_LEN; i++) random += ALPHABET[randomInt(ALPHABET.length)]
  return RUNNER_KEY_PREFIX + random
}

export const isRunnerKey = (s: string): boolean => keyPattern.test(s)

/** Only this SHA-256 hex digest of a key is stored. */
export const hashRunnerKey = (key: string): string => createHash("sha256").update(key, "utf8").digest("hex")

/** Compares two hex digests in constant time, so a lookup hit leaks nothing about near misses. */
export const sameHash = (a: string, b: string): boolean => {
  const x = Buffer.from(a, "hex")
  const y = Buffer.from(b, "hex")
  return x.length === y.length && timingSafeEqual(x, y)
}

import { describe, expect, it } from "@effect/vitest"
import * as fc from "fast-check"
import { generateKey, hashesEqual, hashKey, keyKind } from "../../src/domain/keys.js"
import { bearerFromBasic, normalizeIp } from "../../src/identity/authentication-live.js"

describe("keys", () => {
  it("generates Bencher-format keys: a prefix and 30 alphanumerics", () => {
    expect(generateKey("user")).toMatch(/^bencher_user_[A-Za-z0-9]{30}$/)
    expect(generateKey("project")).toMatch(/^bencher_run_[A-Za-z0-9]{30}$/)
    expect(generateKey("runner")).toMatch(/^bencher_runner_[A-Za-z0-9]{30}$/)
    expect(new Set(Array.from({ length: 200 }, () => generateKey("user"))).size).toBe(200)
  })

  it("classifies every generated key by its kind and nothing else as a key", () => {
    fc.assert(
      fc.property(fc.constantFrom("user", "project", "runner" as const), (kind) => keyKind(generateKey(kind)) === kind)
    )
    fc.assert(
      fc.property(fc.string(), (s) => keyKind(s) === undefined || /^bencher_(user|run|runner)_[A-Za-z0-9]{30}$/.test(s))
    )
    expect(keyKind(`bencher_user_${"a".repeat(31)}`)).toBeUndefined()
    expect(keyKind(`bencher_user_${"a".repeat(29)}-`)).toBeUndefined()
  })

  it("hashes with SHA-256 hex and compares hashes exactly", () => {
    expect(hashKey("abc")).toBe("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    fc.assert(fc.property(fc.string(), fc.string(), (a, b) => hashesEqual(hashKey(a), hashKey(b)) === (a === b)))
    expect(hashesEqual("", "")).toBe(false)
  })
})

describe("credential headers", () => {
  it("turns registry Basic credentials into the key's Bearer form and normalizes mapped IPv4 addresses", () => {
    const key = generateKey("project")
    expect(bearerFromBasic(`Basic ${Buffer.from(`my-project:${key}`).toString("base64")}`)).toBe(`Bearer ${key}`)
    expect(bearerFromBasic(`Basic ${Buffer.from("no-colon").toString("base64")}`)).toBeUndefined()
    expect(bearerFromBasic(`Bearer ${key}`)).toBeUndefined()
    expect(normalizeIp("::ffff:127.0.0.1")).toBe("127.0.0.1")
    expect(normalizeIp("::1")).toBe("::1")
  })
})

import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { hashKey, keyKind } from "../../src/domain/keys.js"
import { startIdentityServer } from "../helpers/identity.js"
import Sqlite from "better-sqlite3"

describe("specs and runners (admin REST)", () => {
  it.scopedLive("creates, lists, updates and deletes specs with one fallback at a time", () =>
    Effect.gen(function* () {
      const { admin: client } = yield* startIdentityServer
      const small = yield* client.specs.create({
        payload: { name: "Small", cpu: 1, memory: 512, disk: 1024, fallback: true }
      })
      expect(small.slug).toBe("small")
      expect(small.fallback).not.toBeNull()
      const big = yield* client.specs.create({
        payload: { name: "Big", cpu: 8, memory: 8192, disk: 10240, network: true, fallback: true }
      })
      const again = yield* client.specs.view({ path: { spec: "small" } })
      expect(again.fallback).toBeNull()
      expect(big.network).toBe(true)
      const updated = yield* client.specs.update({ path: { spec: big.uuid }, payload: { cpu: 16, sandbox: "bwrap" } })
      expect(updated.cpu).toBe(16)
      expect(updated.sandbox).toBe("bwrap")
      expect((yield* client.specs.list({ urlParams: {} })).map((s) => s.slug)).toEqual(["big", "small"])
      yield* client.specs.remove({ path: { spec: "small" } })
      const missing = yield* Effect.flip(client.specs.view({ path: { spec: "small" } }))
      expect(missing._tag).toBe("NotFound")
      const duplicate = yield* Effect.flip(
        client.specs.create({ payload: { name: "Big", cpu: 1, memory: 1, disk: 1 } })
      )
      expect(duplicate._tag).toBe("Conflict")
    })
  )

  it.scopedLive("creates a runner whose key is shown once and stored only as its SHA-256", () =>
    Effect.gen(function* () {
      const { admin: client, db } = yield* startIdentityServer
      yield* client.specs.create({ payload: { name: "Small", cpu: 1, memory: 512, disk: 1024 } })
      const created = yield* client.runners.create({ payload: { name: "Box 1", specs: ["small"] } })
      expect(keyKind(created.key)).toBe("runner")
      const stored = new Sqlite(db, { readonly: true }).prepare("SELECT key_hash FROM runner").get() as {
        key_hash: string
      }
      expect(stored.key_hash).toBe(hashKey(created.key))
      const view = yield* client.runners.view({ path: { runner: "box-1" } })
      expect(view).not.toHaveProperty("key")
      expect((yield* client.runners.listSpecs({ path: { runner: "box-1" } })).map((s) => s.slug)).toEqual(["small"])

      const rotated = yield* client.runners.rotateKey({ path: { runner: created.uuid } })
      expect(rotated.key).not.toBe(created.key)
      yield* client.specs.create({ payload: { name: "Big", cpu: 8, memory: 1, disk: 1 } })
      yield* client.runners.addSpec({ path: { runner: "box-1" }, payload: { spec: "big" } })
      yield* client.runners.removeSpec({ path: { runner: "box-1", spec: "small" } })
      expect((yield* client.runners.listSpecs({ path: { runner: "box-1" } })).map((s) => s.slug)).toEqual(["big"])
      const archived = yield* client.runners.update({ path: { runner: "box-1" }, payload: { archived: true } })
      expect(archived.archived).not.toBeNull()
      expect(yield* client.runners.list({ urlParams: {} })).toEqual([])
      const badSpec = yield* Effect.flip(
        client.runners.addSpec({ path: { runner: "box-1" }, payload: { spec: "nope" } })
      )
      expect(badSpec._tag).toBe("BadRequest")
    })
  )
})

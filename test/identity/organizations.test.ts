import { expect, layer } from "@effect/vitest"
import { Effect, Layer } from "effect"
import { Organizations, OrganizationsConfig } from "../../src/identity/organizations.js"
import { makeIdentityStoreLive } from "../helpers/store.js"

const RateLimitedStore = makeIdentityStoreLive({
  organizationsConfig: Layer.succeed(OrganizationsConfig, { unclaimedRateLimit: { max: 3, windowMillis: 3_600_000 } })
})

layer(RateLimitedStore, { excludeTestServices: true })("Organizations.createUnclaimed", (it) => {
  it.effect("limits unclaimed organizations per source IP and not across addresses", () =>
    Effect.gen(function* () {
      const orgs = yield* Organizations
      for (let i = 0; i < 3; i++) yield* orgs.createUnclaimed("192.0.2.50")
      const limited = yield* Effect.flip(orgs.createUnclaimed("192.0.2.50"))
      expect(limited._tag).toBe("TooManyRequests")
      const other = yield* orgs.createUnclaimed("192.0.2.51")
      expect(other.claimed).toBeNull()
      expect(other.sourceIp).toBe("192.0.2.51")
    })
  )
})

import { Context, Effect, Layer } from "effect"
import { BadRequest, type NotFound } from "../domain/errors.js"
import { Organizations, type Organization } from "./organizations.js"
import {
  concurrencyOf,
  PRIORITY,
  resolveTimeout,
  TIMEOUT_LIMITS,
  type Concurrency,
  type PlanLevel,
  type Tier,
  type TimeoutLimits
} from "./plan.js"

/** What a job submitted for an organization runs with. */
export interface JobTerms {
  readonly tier: Tier
  readonly priority: number
  readonly timeout: number
  readonly concurrency: Concurrency
}

const make = Effect.gen(function* () {
  const organizations = yield* Organizations

  const tierOf = (organizationId: number): Effect.Effect<Tier, NotFound> =>
    organizations.tier(organizationId).pipe(Effect.map((t) => t.tier))

  /**
   * Priority, timeout (tier default when `requestedTimeout` is undefined) and concurrency rule for a new job;
   * BadRequest when the requested timeout exceeds the tier maximum.
   */
  const jobTerms = (
    organizationId: number,
    requestedTimeout?: number
  ): Effect.Effect<JobTerms, BadRequest | NotFound> =>
    Effect.gen(function* () {
      const tier = yield* tierOf(organizationId)
      const timeout = resolveTimeout(tier, requestedTimeout)
      if (timeout._tag === "Left") return yield* new BadRequest({ message: timeout.message })
      return { tier, priority: PRIORITY[tier], timeout: timeout.seconds, concurrency: concurrencyOf(tier) }
    })

  return {
    priority: (tier: Tier): number => PRIORITY[tier],
    timeoutLimits: (tier: Tier): TimeoutLimits => TIMEOUT_LIMITS[tier],
    concurrency: (tier: Tier): Concurrency => concurrencyOf(tier),
    tierOf,
    jobTerms,
    /** Admin only (the caller checks `Access.admin`): free removes the plan. */
    setLevel: (organizationId: number, level: PlanLevel): Effect.Effect<Organization, NotFound> =>
      organizations.setLevel(organizationId, level)
  } as const
})

/**
 * Plans and job priority tiers (docs/reference.md §5.9): unclaimed 0, free 100, team 200, enterprise 300, with
 * timeout limits and concurrency rules per tier. The pure rules live in ./plan.ts for the job queue's claim query.
 */
export class Plans extends Context.Tag("bencher/identity/Plans")<Plans, Effect.Effect.Success<typeof make>>() {
  static readonly Live = Layer.effect(this, make)
}

/**
 * Plans, tiers and what follows from them (docs/reference.md §5.2, §5.4, §5.9). Pure: no IO.
 * Bencher maps Team and Enterprise to one "plus" priority; here they are distinct tiers, enterprise first.
 */
export const PLAN_LEVELS = ["free", "team", "enterprise"] as const
export type PlanLevel = (typeof PLAN_LEVELS)[number]

/** The tier an organization's jobs run at: its plan level, or unclaimed while nobody owns it. */
export type Tier = "unclaimed" | PlanLevel

export const PRIORITY: Readonly<Record<Tier, number>> = { unclaimed: 0, free: 100, team: 200, enterprise: 300 }

/** Job timeouts in seconds; `max` null means no upper bound beyond i32. */
export interface TimeoutLimits {
  readonly default: number
  readonly max: number | null
}

/** Team's 24 h ceiling is our choice: Bencher bounds only unclaimed and free; enterprise stays unbounded. */
export const TIMEOUT_LIMITS: Readonly<Record<Tier, TimeoutLimits>> = {
  unclaimed: { default: 60, max: 60 },
  free: { default: 300, max: 300 },
  team: { default: 3600, max: 86_400 },
  enterprise: { default: 3600, max: null }
}

const I32_MAX = 2_147_483_647

/** How many claimed/running jobs a tier may hold at once (the claim query's tier rule). */
export type Concurrency = "unlimited" | "one-per-organization" | "one-per-source-ip"

export const concurrencyOf = (tier: Tier): Concurrency =>
  tier === "unclaimed" ? "one-per-source-ip" : tier === "free" ? "one-per-organization" : "unlimited"

/** The tier a stored job priority belongs to (priorities between levels round down). */
export const tierOfPriority = (priority: number): Tier =>
  priority >= PRIORITY.enterprise
    ? "enterprise"
    : priority >= PRIORITY.team
      ? "team"
      : priority >= PRIORITY.free
        ? "free"
        : "unclaimed"

export const tierOf = (organization: { readonly claimed: boolean; readonly level: PlanLevel }): Tier =>
  organization.claimed ? organization.level : "unclaimed"

/**
 * The timeout a job runs with: the tier default when none is asked for, else the request if within the tier.
 * Returns a message a user can act on when the request is out of range.
 */
export const resolveTimeout = (
  tier: Tier,
  requested: number | undefined
): { readonly _tag: "Right"; readonly seconds: number } | { readonly _tag: "Left"; readonly message: string } => {
  const limits = TIMEOUT_LIMITS[tier]
  if (requested === undefined) return { _tag: "Right", seconds: limits.default }
  if (!Number.isInteger(requested) || requested < 1) {
    return { _tag: "Left", message: "Job timeout must be a whole number of seconds of at least 1" }
  }
  const max = limits.max ?? I32_MAX
  if (requested > max) {
    return { _tag: "Left", message: `Job timeout ${requested} s exceeds the ${tier} tier maximum of ${max} s` }
  }
  return { _tag: "Right", seconds: requested }
}

import { Context, Effect, Layer } from "effect"

/** One appended ledger entry, as an external billing system would receive it. */
export type UsageEntry =
  | {
      readonly _tag: "RunnerMinutes"
      readonly organizationId: number
      readonly jobId: number
      /** newly billed minutes (the delta), always >= 1 */
      readonly minutes: number
      /** total billed for the job so far */
      readonly throughMinute: number
      readonly recordedAt: number
    }
  | {
      readonly _tag: "Metrics"
      readonly organizationId: number
      readonly projectId: number
      readonly reportId: number
      readonly metrics: number
      readonly recordedAt: number
    }

/**
 * Receives each appended ledger entry once, after it is committed. Billing (Stripe or otherwise) plugs in here;
 * a sink failure is logged and never undoes or blocks the ledger, which stays the record to reconcile against.
 */
export class UsageSink extends Context.Tag("bencher/usage/UsageSink")<
  UsageSink,
  {
    readonly record: (entry: UsageEntry) => Effect.Effect<void>
  }
>() {
  /** The default: log only. */
  static readonly Log = Layer.succeed(this, {
    record: (entry) => Effect.logDebug("usage recorded").pipe(Effect.annotateLogs({ usage: entry._tag, ...entry }))
  })
}

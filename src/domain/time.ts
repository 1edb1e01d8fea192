import { Schema } from "effect"

/** An ISO 8601 date-time string, as Bencher's `DateTime`. */
export const DateTimeString = Schema.String.pipe(
  Schema.filter((s) => !Number.isNaN(Date.parse(s)) || "must be an ISO 8601 date-time"),
  Schema.annotations({ format: "date-time" })
)
export type DateTimeString = typeof DateTimeString.Type

/** Stored times are epoch milliseconds; the wire shows ISO strings. */
export const toIso = (epochMs: number): string => new Date(epochMs).toISOString()
export const toIsoOrNull = (epochMs: number | null): string | null => (epochMs === null ? null : toIso(epochMs))

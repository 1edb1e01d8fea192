import { Schema } from "effect"
import { ResourceName, Slug, Uuid } from "./ids.js"
import { DateTimeString } from "./time.js"

export const OperatingSystem = Schema.Literal("linux", "macos", "windows")
export const Architecture = Schema.Literal("x86_64", "aarch64")
/** Bencher knows only `firecracker`; our runners add the namespace sandboxes they can really provide. */
export const Sandbox = Schema.Literal("firecracker", "oci", "bwrap", "unshare")
export type Sandbox = typeof Sandbox.Type

const NonNegativeInt = Schema.Int.pipe(Schema.nonNegative())

/** The `local` spec's memory share of the host: half of it... */
export const LOCAL_SPEC_MEMORY_SHARE = 0.5
/** ...and at most this much. */
export const LOCAL_SPEC_MEMORY_MAX = 8 * 1024 * 1024 * 1024

/**
 * Memory limit of the fallback spec `bencher up` creates for its co-located runner: a safe share of the host
 * (50 % of RAM, at most 8 GiB, in whole MiB) rather than all of it, so one job cannot starve the server.
 */
export const localSpecMemory = (totalBytes: number): number => {
  const mib = 1024 * 1024
  return Math.floor(Math.min(totalBytes * LOCAL_SPEC_MEMORY_SHARE, LOCAL_SPEC_MEMORY_MAX) / mib) * mib
}

/** A hardware spec a job asks for and a runner serves (docs/reference.md §5.1). */
export class JsonSpec extends Schema.Class<JsonSpec>("JsonSpec")({
  uuid: Uuid,
  name: ResourceName,
  slug: Slug,
  os: OperatingSystem,
  architecture: Architecture,
  sandbox: Schema.optional(Schema.NullOr(Sandbox)),
  cpu: NonNegativeInt,
  memory: NonNegativeInt,
  disk: NonNegativeInt,
  network: Schema.Boolean,
  fallback: Schema.optional(Schema.NullOr(DateTimeString)),
  created: DateTimeString,
  modified: DateTimeString,
  archived: Schema.optional(Schema.NullOr(DateTimeString))
}) {}

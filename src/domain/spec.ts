import { Schema } from "effect"
import { ResourceName, Slug, Uuid } from "./ids.js"
import { DateTimeString } from "./time.js"

export const OperatingSystem = Schema.Literal("linux", "macos", "windows")
export const Architecture = Schema.Literal("x86_64", "aarch64")
/** Bencher knows only `firecracker`; our runners add the namespace sandboxes they can really provide. */
export const Sandbox = Schema.Literal("firecracker", "oci", "bwrap", "unshare")
export type Sandbox = typeof Sandbox.Type

const NonNegativeInt = Schema.Int.pipe(Schema.nonNegative())

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

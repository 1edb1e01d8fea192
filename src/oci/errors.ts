import { Schema } from "effect"

// Failures of reading OCI vocabulary. Each caller turns them into its own answer: a MANIFEST_INVALID body at the
// registry, an ImageInvalid that fails a runner's job, a message of `bencher image`.

/** An image reference or name that none of the accepted grammars reads. */
export class InvalidReference extends Schema.TaggedError<InvalidReference>()("InvalidReference", {
  message: Schema.String
}) {}

/** A manifest, index or image config that does not decode. */
export class InvalidManifest extends Schema.TaggedError<InvalidManifest>()("InvalidManifest", {
  message: Schema.String
}) {}

import { Schema } from "effect"

// Failures of the runner's image pipeline and executors. Each ends the job with a message a user can act on;
// none of them ends the runner.

/** The registry or layout could not be read (network, HTTP status, auth). */
export class ImageFetchError extends Schema.TaggedError<ImageFetchError>()("ImageFetchError", {
  message: Schema.String
}) {}

/** A manifest, index or image config that does not decode, or that no supported platform matches. */
export class ImageInvalid extends Schema.TaggedError<ImageInvalid>()("ImageInvalid", {
  message: Schema.String
}) {}

/** A blob whose bytes hash to something other than its digest, or whose size differs from the descriptor. */
export class BlobDigestMismatch extends Schema.TaggedError<BlobDigestMismatch>()("BlobDigestMismatch", {
  digest: Schema.String,
  message: Schema.String
}) {}

/** Download or unpacked size over the runner's limit. */
export class ImageTooLarge extends Schema.TaggedError<ImageTooLarge>()("ImageTooLarge", {
  limitBytes: Schema.Number,
  message: Schema.String
}) {}

/** A layer entry that would escape the root filesystem (`..`, an absolute path, a hard link outside). */
export class UnsafeLayerEntry extends Schema.TaggedError<UnsafeLayerEntry>()("UnsafeLayerEntry", {
  path: Schema.String,
  message: Schema.String
}) {}

/** The executor cannot run here (missing binary, no root, failed probe). */
export class ExecutorUnavailable extends Schema.TaggedError<ExecutorUnavailable>()("ExecutorUnavailable", {
  executor: Schema.String,
  message: Schema.String
}) {}

/** The sandbox itself failed (runtime error, cannot create cgroup), as opposed to the benchmark failing. */
export class SandboxFailed extends Schema.TaggedError<SandboxFailed>()("SandboxFailed", {
  executor: Schema.String,
  message: Schema.String
}) {}

/** `local` was asked for without `--danger-allow-no-sandbox`. */
export class SandboxRequired extends Schema.TaggedError<SandboxRequired>()("SandboxRequired", {
  message: Schema.String
}) {}

export type ImageError = ImageFetchError | ImageInvalid | BlobDigestMismatch | ImageTooLarge | UnsafeLayerEntry

/** Another live runner uses the same cache dir (whose orphans each instance sweeps at start). */
export class RunnerBusy extends Schema.TaggedError<RunnerBusy>()("RunnerBusy", {
  message: Schema.String
}) {}

// Failures a caller can act on when turning tool output into BMF. Adapters never throw.
import { Schema } from "effect"

/** The input is the adapter's format (or empty) but holds no benchmark results. */
export class NoBenchmarksFound extends Schema.TaggedError<NoBenchmarksFound>()("NoBenchmarksFound", {
  adapter: Schema.String
}) {
  override get message(): string {
    return `No benchmark results found with adapter ${this.adapter}`
  }
}

/** The input is not in the adapter's format. */
export class AdapterMismatch extends Schema.TaggedError<AdapterMismatch>()("AdapterMismatch", {
  adapter: Schema.String,
  reason: Schema.String
}) {
  override get message(): string {
    return `Input does not match adapter ${this.adapter}: ${this.reason}. Are you sure ${this.adapter} is the right adapter?`
  }
}

export class UnknownAdapter extends Schema.TaggedError<UnknownAdapter>()("UnknownAdapter", {
  name: Schema.String
}) {
  override get message(): string {
    return `Unknown adapter "${this.name}"`
  }
}

/** The tool only prints the other statistic (Bencher returns no results for it). */
export class UnsupportedAverage extends Schema.TaggedError<UnsupportedAverage>()("UnsupportedAverage", {
  adapter: Schema.String,
  average: Schema.String
}) {
  override get message(): string {
    return `Adapter ${this.adapter} does not support --average ${this.average}`
  }
}

/** One iteration of a multi-iteration upload failed, so the whole set fails. */
export class IterationFailed extends Schema.TaggedError<IterationFailed>()("IterationFailed", {
  adapter: Schema.String,
  iteration: Schema.Number,
  reason: Schema.String
}) {
  override get message(): string {
    return `Failed to convert results with adapter ${this.adapter} in iteration ${this.iteration}: ${this.reason}`
  }
}

export type ParseError = NoBenchmarksFound | AdapterMismatch | UnsupportedAverage
export type AdapterError = ParseError | UnknownAdapter | IterationFailed

import { Schema } from "effect"

/** Error codes of the OCI distribution spec (plus TOOMANYREQUESTS), with the status each is answered with. */
export type OciErrorCode =
  | "BLOB_UNKNOWN"
  | "BLOB_UPLOAD_INVALID"
  | "BLOB_UPLOAD_UNKNOWN"
  | "DIGEST_INVALID"
  | "MANIFEST_BLOB_UNKNOWN"
  | "MANIFEST_INVALID"
  | "MANIFEST_UNKNOWN"
  | "NAME_INVALID"
  | "NAME_UNKNOWN"
  | "SIZE_INVALID"
  | "UNAUTHORIZED"
  | "DENIED"
  | "UNSUPPORTED"
  | "TOOMANYREQUESTS"

/** A failure of a /v2/ request, rendered as `{"errors":[{"code","message","detail"}]}`. */
export class OciError extends Schema.TaggedError<OciError>()("OciError", {
  code: Schema.String,
  status: Schema.Number,
  message: Schema.String,
  detail: Schema.optional(Schema.Unknown)
}) {}

export const ociError = (code: OciErrorCode, status: number, message: string, detail?: unknown): OciError =>
  new OciError(detail === undefined ? { code, status, message } : { code, status, message, detail })

// BlobStore failures: each is one thing a caller can act on.
export class BlobNotFound extends Schema.TaggedError<BlobNotFound>()("BlobNotFound", { digest: Schema.String }) {
  override get message(): string {
    return `blob ${this.digest} is not in the store`
  }
}
export class BlobTooLarge extends Schema.TaggedError<BlobTooLarge>()("BlobTooLarge", { limit: Schema.Number }) {
  override get message(): string {
    return `blob exceeds the limit of ${this.limit} bytes`
  }
}
export class BlobDigestMismatch extends Schema.TaggedError<BlobDigestMismatch>()("BlobDigestMismatch", {
  expected: Schema.String,
  actual: Schema.String
}) {
  override get message(): string {
    return `content digest ${this.actual} does not match ${this.expected}`
  }
}
export class UploadNotFound extends Schema.TaggedError<UploadNotFound>()("UploadNotFound", { id: Schema.String }) {
  override get message(): string {
    return `upload session ${this.id} is unknown or expired`
  }
}
export class UploadOutOfOrder extends Schema.TaggedError<UploadOutOfOrder>()("UploadOutOfOrder", {
  expected: Schema.Number,
  actual: Schema.Number
}) {
  override get message(): string {
    return `chunk starts at ${this.actual}, expected ${this.expected}`
  }
}
export class UploadBusy extends Schema.TaggedError<UploadBusy>()("UploadBusy", { id: Schema.String }) {
  override get message(): string {
    return `upload session ${this.id} is receiving another chunk`
  }
}
export class UploadLimitReached extends Schema.TaggedError<UploadLimitReached>()("UploadLimitReached", {
  limit: Schema.Number,
  /** Whose sessions reached it: the server's (absent), one repository's or one user's. */
  scope: Schema.optional(Schema.Literal("project", "user"))
}) {
  override get message(): string {
    const whose = this.scope === "user" ? " for this user" : this.scope === "project" ? " for this repository" : ""
    return `${this.limit} upload sessions are open${whose}; finish or cancel one first`
  }
}
export class ObjectKeyInvalid extends Schema.TaggedError<ObjectKeyInvalid>()("ObjectKeyInvalid", {
  key: Schema.String
}) {
  override get message(): string {
    return `object key ${JSON.stringify(this.key)} is not a relative path of [a-z0-9._-] segments`
  }
}
export class BlobStoreIoError extends Schema.TaggedError<BlobStoreIoError>()("BlobStoreIoError", {
  operation: Schema.String,
  reason: Schema.String
}) {
  override get message(): string {
    return `blob store ${this.operation} failed: ${this.reason}`
  }
}

/** Image resolution for job creation (`resolveDigest`). */
export class ImageNotFound extends Schema.TaggedError<ImageNotFound>()("ImageNotFound", {
  project: Schema.String,
  reference: Schema.String
}) {
  override get message(): string {
    return `image ${this.project}:${this.reference} is not in this server's registry`
  }
}
export class ImagePlatformNotFound extends Schema.TaggedError<ImagePlatformNotFound>()("ImagePlatformNotFound", {
  project: Schema.String,
  reference: Schema.String,
  platform: Schema.String
}) {
  override get message(): string {
    return `image ${this.project}:${this.reference} has no manifest for ${this.platform}`
  }
}
export class InvalidToken extends Schema.TaggedError<InvalidToken>()("InvalidToken", { reason: Schema.String }) {}

import { Schema } from "effect"

// The body of every error matches Bencher's `Error` schema ({message, request_id}); `_tag` is an extra field.
const errorFields = {
  message: Schema.String,
  request_id: Schema.optionalWith(Schema.String, { default: () => crypto.randomUUID() })
}

// What a caller can act on. The HTTP status of each is declared where the API uses it (src/api, `.addError`).
export class BadRequest extends Schema.TaggedError<BadRequest>()("BadRequest", errorFields) {}
export class Unauthorized extends Schema.TaggedError<Unauthorized>()("Unauthorized", errorFields) {}
export class Forbidden extends Schema.TaggedError<Forbidden>()("Forbidden", errorFields) {}
export class NotFound extends Schema.TaggedError<NotFound>()("NotFound", errorFields) {}
export class Conflict extends Schema.TaggedError<Conflict>()("Conflict", errorFields) {}
export class TooManyRequests extends Schema.TaggedError<TooManyRequests>()("TooManyRequests", errorFields) {}
export class InternalError extends Schema.TaggedError<InternalError>()("InternalError", errorFields) {}

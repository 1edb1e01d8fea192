import { HttpApiSchema } from "@effect/platform"
import { Schema } from "effect"

// The body of every error matches Bencher's `Error` schema ({message, request_id}); `_tag` is an extra field.
const errorFields = {
  message: Schema.String,
  request_id: Schema.optionalWith(Schema.String, { default: () => crypto.randomUUID() })
}

export class BadRequest extends Schema.TaggedError<BadRequest>()("BadRequest", errorFields, HttpApiSchema.annotations({ status: 400 })) {}
export class Unauthorized extends Schema.TaggedError<Unauthorized>()("Unauthorized", errorFields, HttpApiSchema.annotations({ status: 401 })) {}
export class PaymentRequired extends Schema.TaggedError<PaymentRequired>()("PaymentRequired", errorFields, HttpApiSchema.annotations({ status: 402 })) {}
export class Forbidden extends Schema.TaggedError<Forbidden>()("Forbidden", errorFields, HttpApiSchema.annotations({ status: 403 })) {}
export class NotFound extends Schema.TaggedError<NotFound>()("NotFound", errorFields, HttpApiSchema.annotations({ status: 404 })) {}
export class Conflict extends Schema.TaggedError<Conflict>()("Conflict", errorFields, HttpApiSchema.annotations({ status: 409 })) {}
export class PayloadTooLarge extends Schema.TaggedError<PayloadTooLarge>()("PayloadTooLarge", errorFields, HttpApiSchema.annotations({ status: 413 })) {}
export class TooManyRequests extends Schema.TaggedError<TooManyRequests>()("TooManyRequests", errorFields, HttpApiSchema.annotations({ status: 429 })) {}
export class InternalError extends Schema.TaggedError<InternalError>()("InternalError", errorFields, HttpApiSchema.annotations({ status: 500 })) {}
export class ServiceUnavailable extends Schema.TaggedError<ServiceUnavailable>()("ServiceUnavailable", errorFields, HttpApiSchema.annotations({ status: 503 })) {}

/** The errors any endpoint may return; groups add them with `.addError`. */
export const CommonErrors = [BadRequest, Unauthorized, Forbidden, NotFound, InternalError] as const

import { HttpApiSchema } from "@effect/platform"
import { Effect, ParseResult, Schema } from "effect"
import {
  BadRequest,
  Conflict,
  Forbidden,
  InternalError,
  NotFound,
  PersistenceError,
  TooManyRequests,
  Unauthorized
} from "../domain/errors.js"

/*
 * The HTTP status of each domain error, declared once: every group adds these same schemas (`.addError`), so
 * the OpenAPI document has one response per status instead of one copy per group.
 */
export const BadRequestError = BadRequest.annotations(HttpApiSchema.annotations({ status: 400 }))
export const UnauthorizedError = Unauthorized.annotations(HttpApiSchema.annotations({ status: 401 }))
export const ForbiddenError = Forbidden.annotations(HttpApiSchema.annotations({ status: 403 }))
export const NotFoundError = NotFound.annotations(HttpApiSchema.annotations({ status: 404 }))
export const ConflictError = Conflict.annotations(HttpApiSchema.annotations({ status: 409 }))
export const TooManyRequestsError = TooManyRequests.annotations(HttpApiSchema.annotations({ status: 429 }))

/**
 * 500: an InternalError, or a storage failure from any service, which is logged here with its cause and
 * answered with InternalError's body ("Internal server error") that says nothing about the database.
 */
export const InternalServerError = Schema.transformOrFail(
  InternalError,
  // Named for the OpenAPI document's response description, as InternalError alone was.
  Schema.Union(Schema.instanceOf(InternalError), Schema.instanceOf(PersistenceError)).annotations({
    description: "InternalError"
  }),
  {
    strict: true,
    decode: ParseResult.succeed,
    encode: (error) =>
      error instanceof PersistenceError
        ? Effect.logError("storage failure", error.cause).pipe(
            Effect.as(new InternalError({ message: "Internal server error" }))
          )
        : ParseResult.succeed(error)
  }
).annotations(HttpApiSchema.annotations({ status: 500 }))

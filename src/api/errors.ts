import { HttpApiSchema } from "@effect/platform"
import { BadRequest, Conflict, Forbidden, InternalError, NotFound, TooManyRequests, Unauthorized } from "../domain/errors.js"

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
export const InternalServerError = InternalError.annotations(HttpApiSchema.annotations({ status: 500 }))

import { HttpIncomingMessage, HttpServerRequest, HttpServerResponse } from "@effect/platform"
import { RouteNotFound } from "@effect/platform/HttpServerError"
import { Cause, Effect, Option } from "effect"

const errorBody = (status: number, message: string) =>
  HttpServerResponse.unsafeJson({ message, request_id: crypto.randomUUID() }, { status })

/**
 * Applied to every route: the body-size limit (413 before reading a byte when Content-Length says so, and a
 * hard cap while streaming), JSON bodies for unknown routes and for defects, which are logged but never echoed.
 * The OCI registry (/v2/) carries its own, larger limits.
 */
export const guard = (maxBodyBytes: number) =>
(
  app: Effect.Effect<HttpServerResponse.HttpServerResponse, unknown>
): Effect.Effect<HttpServerResponse.HttpServerResponse, unknown, HttpServerRequest.HttpServerRequest> =>
  Effect.gen(function*() {
    const request = yield* HttpServerRequest.HttpServerRequest
    const limited = !request.url.startsWith("/v2/")
    if (limited) {
      const declared = Number(request.headers["content-length"] ?? "0")
      if (declared > maxBodyBytes) {
        return errorBody(413, `Request body of ${declared} bytes exceeds the limit of ${maxBodyBytes} bytes`)
      }
    }
    const limit = limited ? Option.some(maxBodyBytes) : Option.none()
    return yield* app.pipe(
      HttpIncomingMessage.withMaxBodySize(limit),
      Effect.catchAllCause((cause) => {
        // A client that went away (closed socket, finished long poll) is not an error worth a log line.
        if (Cause.isInterruptedOnly(cause)) return Effect.failCause(cause)
        const failure = Cause.failureOption(cause)
        if (Option.isSome(failure) && failure.value instanceof RouteNotFound) {
          return Effect.succeed(errorBody(404, `Not found: ${request.method} ${request.url.split("?")[0]}`))
        }
        return Effect.logError("request failed", cause).pipe(Effect.as(errorBody(500, "Internal server error")))
      })
    )
  })


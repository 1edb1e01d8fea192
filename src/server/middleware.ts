import { HttpIncomingMessage, HttpServerRequest, HttpServerResponse } from "@effect/platform"
import { RequestError, RouteNotFound } from "@effect/platform/HttpServerError"
import { Cause, Effect, Either, Option } from "effect"
import { JsonBodyError, parseJsonBody } from "./json-body.js"

const errorBody = (status: number, message: string) =>
  HttpServerResponse.unsafeJson({ message, request_id: crypto.randomUUID() }, { status })

/**
 * The request with a strict `json` (server/json-body.ts) in place of JSON.parse; everything else is the request's
 * own. HttpApiBuilder reads every JSON payload through `json` and turns its failure into a defect, which the
 * guard answers with a 400.
 */
const withStrictJson = (request: HttpServerRequest.HttpServerRequest): HttpServerRequest.HttpServerRequest =>
  new Proxy(request, {
    get: (target, key) =>
      key === "json"
        ? Effect.flatMap(target.text, (text) =>
            Either.match(parseJsonBody(text), {
              onLeft: (cause) => Effect.fail(new RequestError({ request: target, reason: "Decode", cause })),
              onRight: Effect.succeed
            })
          )
        : Reflect.get(target, key, target)
  })

/** A body that could not be read: a 400 naming where its JSON went wrong, or a 413 when it outgrew the limit. */
const bodyFailure = (
  cause: Cause.Cause<unknown>,
  maxBodyBytes: number
): HttpServerResponse.HttpServerResponse | undefined => {
  const error = Option.getOrUndefined(Option.orElse(Cause.dieOption(cause), () => Cause.failureOption(cause)))
  if (!(error instanceof RequestError) || error.reason !== "Decode") return undefined
  if (error.cause instanceof JsonBodyError) return errorBody(400, error.cause.message)
  if (error.cause instanceof Error && error.cause.message === "maxBytes exceeded") {
    return errorBody(413, `Request body exceeds the limit of ${maxBodyBytes} bytes`)
  }
  return undefined
}

/**
 * Applied to every route: the body-size limit (413 before reading a byte when Content-Length says so, and a
 * hard cap while streaming), strict JSON bodies (a malformed one is a 400 naming its line and column), JSON
 * bodies for unknown routes and for defects, which are logged but never echoed. The OCI registry (/v2/) carries
 * its own, larger limits.
 */
export const guard =
  (maxBodyBytes: number) =>
  (
    app: Effect.Effect<HttpServerResponse.HttpServerResponse, unknown>
  ): Effect.Effect<HttpServerResponse.HttpServerResponse, unknown, HttpServerRequest.HttpServerRequest> =>
    Effect.gen(function* () {
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
        limited ? Effect.provideService(HttpServerRequest.HttpServerRequest, withStrictJson(request)) : (self) => self,
        HttpIncomingMessage.withMaxBodySize(limit),
        Effect.catchAllCause((cause) => {
          // A client that went away (closed socket, finished long poll) is not an error worth a log line.
          if (Cause.isInterruptedOnly(cause)) return Effect.failCause(cause)
          const failure = Cause.failureOption(cause)
          if (Option.isSome(failure) && failure.value instanceof RouteNotFound) {
            return Effect.succeed(errorBody(404, `Not found: ${request.method} ${request.url.split("?")[0]}`))
          }
          const refused = bodyFailure(cause, maxBodyBytes)
          if (refused !== undefined) return Effect.succeed(refused)
          return Effect.logError("request failed", cause).pipe(Effect.as(errorBody(500, "Internal server error")))
        })
      )
    })

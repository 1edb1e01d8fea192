import { HttpServerRequest } from "@effect/platform"
import { Effect, Layer, Option } from "effect"
import { Authentication } from "../identity/actor.js"

/** Until accounts exist every caller is anonymous (and AccessOpen lets them in). */
export const AuthenticationAnonymous = Layer.succeed(
  Authentication,
  Effect.gen(function*() {
    const request = yield* HttpServerRequest.HttpServerRequest
    return { _tag: "Anonymous" as const, sourceIp: Option.getOrElse(request.remoteAddress, () => "unknown") }
  })
)

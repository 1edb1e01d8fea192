import { HttpApiEndpoint, HttpApiGroup } from "@effect/platform"
import { Schema } from "effect"
import { InternalServerError } from "./errors.js"

export class JsonApiVersion extends Schema.Class<JsonApiVersion>("JsonApiVersion")({ version: Schema.String }) {}

/** `/v0/server/*`: what a client checks before talking to us. */
export class ServerGroup extends HttpApiGroup.make("server")
  .add(HttpApiEndpoint.get("version", "/v0/server/version").addSuccess(JsonApiVersion))
  .add(HttpApiEndpoint.get("spec", "/v0/server/spec").addSuccess(Schema.Unknown))
  .addError(InternalServerError) {}

import { HttpApiBuilder, OpenApi } from "@effect/platform"
import { Effect } from "effect"
import { BencherApi } from "../../api/index.js"
import { JsonApiVersion } from "../../api/server.js"
import { version } from "../../version.js"

export const ServerHandlersLive = HttpApiBuilder.group(BencherApi, "server", (handlers) =>
  handlers
    .handle("version", () => Effect.succeed(new JsonApiVersion({ version })))
    .handle("spec", () => Effect.sync(() => OpenApi.fromApi(BencherApi)))
)

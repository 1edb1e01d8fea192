import { HttpApi, OpenApi } from "@effect/platform"
import { version } from "../version.js"
import { ServerGroup } from "./server.js"

/** The REST contract: server handlers and the CLI's typed client both derive from it. */
export class BencherApi extends HttpApi.make("bencher")
  .add(ServerGroup)
  .annotateContext(OpenApi.annotations({ title: "bencher-ts", version }))
{}

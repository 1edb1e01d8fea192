import { HttpApi, OpenApi } from "@effect/platform"
import { version } from "../version.js"
import { MembersGroup, OrganizationsGroup } from "./organizations.js"
import { ProjectKeysGroup } from "./project-keys.js"
import { ServerGroup } from "./server.js"
import { UsersGroup } from "./users.js"

/** The REST contract: server handlers and the CLI's typed client both derive from it. */
export class BencherApi extends HttpApi.make("bencher")
  .add(ServerGroup)
  .add(UsersGroup)
  .add(OrganizationsGroup)
  .add(MembersGroup)
  .add(ProjectKeysGroup)
  .annotateContext(OpenApi.annotations({ title: "bencher-ts", version }))
{}

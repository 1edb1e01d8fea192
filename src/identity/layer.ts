import { Layer } from "effect"
import { UsageSink } from "../usage/sink.js"
import { Usage } from "../usage/usage.js"
import { AccessLive } from "./access-live.js"
import { AuthenticationLive } from "./authentication-live.js"
import { AdminBootstrapLive } from "./bootstrap.js"
import { Members } from "./members.js"
import { Organizations, OrganizationsConfig } from "./organizations.js"
import { Plans } from "./plans.js"
import { ProjectKeys } from "./project-keys.js"
import { UserKeys } from "./user-keys.js"
import { Users } from "./users.js"

const Stores = Layer.mergeAll(Users.Live, UserKeys.Live, ProjectKeys.Live, Organizations.Live, Members.Live)

/**
 * Every identity and usage service on top of the store (SqlClient + BackgroundSql): Access, Authentication,
 * Users, UserKeys, ProjectKeys, Organizations, Members, Plans, Usage (with the logging UsageSink) and the
 * first-run AdminBootstrap. An external billing system passes its own UsageSink layer; tests may pass a
 * different unclaimed-organization rate limit.
 */
export const makeIdentityLive = (
  options: {
    readonly sink?: Layer.Layer<UsageSink>
    readonly organizationsConfig?: Layer.Layer<OrganizationsConfig>
  } = {}
) =>
  Layer.mergeAll(AccessLive, AuthenticationLive, Plans.Live, AdminBootstrapLive).pipe(
    Layer.provideMerge(Usage.Live),
    Layer.provideMerge(Stores),
    Layer.provideMerge(
      Layer.merge(options.sink ?? UsageSink.Log, options.organizationsConfig ?? OrganizationsConfig.Default)
    )
  )

export const IdentityLive = makeIdentityLive()

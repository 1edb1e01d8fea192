import { HttpLayerRouter } from "@effect/platform"
import { Layer } from "effect"
import { BencherApi } from "../api/index.js"
import { RegistryCredentialsLive } from "../registry/index.js"
import {
  BenchmarksHandlersLive,
  BranchesHandlersLive,
  MeasuresHandlersLive,
  TestbedsHandlersLive
} from "./handlers/dimensions.js"
import { JobsHandlersLive, RunnerJobsHandlersLive } from "./handlers/jobs.js"
import { MembersHandlersLive } from "./handlers/members.js"
import { OrganizationsHandlersLive } from "./handlers/organizations.js"
import { ProjectKeysHandlersLive } from "./handlers/project-keys.js"
import { ProjectsHandlersLive } from "./handlers/projects.js"
import { AlertsHandlersLive, ReportsHandlersLive, RunHandlersLive, ThresholdsHandlersLive } from "./handlers/reports.js"
import { RunnersHandlersLive, SpecsHandlersLive } from "./handlers/runners.js"
import { ServerHandlersLive } from "./handlers/server.js"
import { UsersHandlersLive } from "./handlers/users.js"
import { RegistryRoutes } from "./registry.js"

const HandlersLive = Layer.mergeAll(
  ServerHandlersLive,
  UsersHandlersLive,
  OrganizationsHandlersLive,
  MembersHandlersLive,
  ProjectKeysHandlersLive,
  ProjectsHandlersLive,
  BranchesHandlersLive,
  TestbedsHandlersLive,
  MeasuresHandlersLive,
  BenchmarksHandlersLive,
  RunHandlersLive,
  ReportsHandlersLive,
  ThresholdsHandlersLive,
  AlertsHandlersLive,
  SpecsHandlersLive,
  RunnersHandlersLive,
  RunnerJobsHandlersLive,
  JobsHandlersLive
)

/** The REST API (/v0) with its handlers. */
export const ApiRoutes = HttpLayerRouter.addHttpApi(BencherApi).pipe(Layer.provide(HandlersLive))

// The OCI registry's own routes: Basic credentials checked by identity, permissions by Access.
export const OciRoutes = RegistryRoutes.pipe(Layer.provide(RegistryCredentialsLive))

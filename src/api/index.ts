import { HttpApi, OpenApi } from "@effect/platform"
import { InternalServerError } from "./errors.js"
import { version } from "../version.js"
import { BenchmarksGroup, BranchesGroup, MeasuresGroup, TestbedsGroup } from "./dimensions.js"
import { MembersGroup, OrganizationsGroup } from "./organizations.js"
import { ProjectKeysGroup } from "./project-keys.js"
import { ProjectsGroup } from "./projects.js"
import { AlertsGroup, ReportsGroup, RunGroup, ThresholdsGroup } from "./reports.js"
import { JobsGroup } from "./jobs.js"
import { RunnerJobsGroup, RunnersGroup, SpecsGroup } from "./runners.js"
import { ServerGroup } from "./server.js"
import { UsersGroup } from "./users.js"

/** The REST contract: server handlers and the CLI's typed client both derive from it. */
export class BencherApi extends HttpApi.make("bencher")
  .add(ServerGroup)
  .add(ProjectsGroup)
  .add(BranchesGroup)
  .add(TestbedsGroup)
  .add(MeasuresGroup)
  .add(BenchmarksGroup)
  .add(RunGroup)
  .add(ReportsGroup)
  .add(ThresholdsGroup)
  .add(AlertsGroup)
  .add(UsersGroup)
  .add(OrganizationsGroup)
  .add(MembersGroup)
  .add(ProjectKeysGroup)
  .add(SpecsGroup)
  .add(RunnersGroup)
  .add(RunnerJobsGroup)
  .add(JobsGroup)
  .addError(InternalServerError)
  .annotateContext(OpenApi.annotations({ title: "bencher-ts", version })) {}

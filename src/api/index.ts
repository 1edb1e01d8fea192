import { HttpApi, OpenApi } from "@effect/platform"
import { InternalError } from "../domain/errors.js"
import { version } from "../version.js"
import { BenchmarksGroup, BranchesGroup, MeasuresGroup, TestbedsGroup } from "./dimensions.js"
import { ProjectsGroup } from "./projects.js"
import { AlertsGroup, ReportsGroup, RunGroup, ThresholdsGroup } from "./reports.js"
import { JobsGroup } from "./jobs.js"
import { RunnerJobsGroup, RunnersGroup, SpecsGroup } from "./runners.js"
import { ServerGroup } from "./server.js"

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
  .add(SpecsGroup)
  .add(RunnersGroup)
  .add(RunnerJobsGroup)
  .add(JobsGroup)
  .addError(InternalError)
  .annotateContext(OpenApi.annotations({ title: "bencher-ts", version }))
{}

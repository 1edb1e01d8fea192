import { HttpApiEndpoint, HttpApiGroup } from "@effect/platform"
import { Schema } from "effect"
import {
  BadRequestError,
  ConflictError,
  ForbiddenError,
  NotFoundError,
  TooManyRequestsError,
  UnauthorizedError
} from "./errors.js"
import { ResourceId, Uuid } from "../domain/ids.js"
import { JsonAlert, JsonReport, JsonThreshold } from "../domain/report.js"
import {
  AlertListParams,
  JsonNewThreshold,
  JsonOneMetric,
  JsonPerf,
  JsonUpdateAlert,
  JsonUpdateThreshold,
  PerfParams,
  ReportListParams,
  ThresholdListParams
} from "../domain/resources.js"
import { JsonNewReport, JsonNewRun } from "../domain/run.js"
import { Authentication } from "./authentication.js"
import { ProjectPath } from "./common.js"

const ReportPath = Schema.Struct({ project: ResourceId, report: Uuid })
const MetricPath = Schema.Struct({ project: ResourceId, metric: Uuid })
const ThresholdPath = Schema.Struct({ project: ResourceId, threshold: Uuid })
const AlertPath = Schema.Struct({ project: ResourceId, alert: Uuid })

/** `POST /v0/projects/:project/reports` takes Bencher's JsonNewReport: a run whose project is in the path. */
export { JsonNewReport }

export class RunGroup extends HttpApiGroup.make("run")
  .add(HttpApiEndpoint.post("run", "/v0/run").setPayload(JsonNewRun).addSuccess(JsonReport, { status: 201 }))
  .addError(BadRequestError)
  .addError(UnauthorizedError)
  .addError(ForbiddenError)
  .addError(NotFoundError)
  .addError(ConflictError)
  .addError(TooManyRequestsError)
  .middleware(Authentication) {}

export class ReportsGroup extends HttpApiGroup.make("reports")
  .add(
    HttpApiEndpoint.get("list", "/v0/projects/:project/reports")
      .setPath(ProjectPath)
      .setUrlParams(ReportListParams)
      .addSuccess(Schema.Array(JsonReport))
  )
  .add(
    HttpApiEndpoint.post("create", "/v0/projects/:project/reports")
      .setPath(ProjectPath)
      .setPayload(JsonNewReport)
      .addSuccess(JsonReport, { status: 201 })
  )
  .add(HttpApiEndpoint.get("view", "/v0/projects/:project/reports/:report").setPath(ReportPath).addSuccess(JsonReport))
  .add(
    HttpApiEndpoint.del("remove", "/v0/projects/:project/reports/:report")
      .setPath(ReportPath)
      .addSuccess(Schema.Void, { status: 204 })
  )
  .add(
    HttpApiEndpoint.get("metric", "/v0/projects/:project/metrics/:metric").setPath(MetricPath).addSuccess(JsonOneMetric)
  )
  .add(
    HttpApiEndpoint.get("perf", "/v0/projects/:project/perf")
      .setPath(ProjectPath)
      .setUrlParams(PerfParams)
      .addSuccess(JsonPerf)
  )
  .addError(BadRequestError)
  .addError(UnauthorizedError)
  .addError(ForbiddenError)
  .addError(NotFoundError)
  .addError(ConflictError)
  .middleware(Authentication) {}

export class ThresholdsGroup extends HttpApiGroup.make("thresholds")
  .add(
    HttpApiEndpoint.get("list", "/v0/projects/:project/thresholds")
      .setPath(ProjectPath)
      .setUrlParams(ThresholdListParams)
      .addSuccess(Schema.Array(JsonThreshold))
  )
  .add(
    HttpApiEndpoint.post("create", "/v0/projects/:project/thresholds")
      .setPath(ProjectPath)
      .setPayload(JsonNewThreshold)
      .addSuccess(JsonThreshold, { status: 201 })
  )
  .add(
    HttpApiEndpoint.get("view", "/v0/projects/:project/thresholds/:threshold")
      .setPath(ThresholdPath)
      .addSuccess(JsonThreshold)
  )
  .add(
    HttpApiEndpoint.put("replace", "/v0/projects/:project/thresholds/:threshold")
      .setPath(ThresholdPath)
      .setPayload(JsonUpdateThreshold)
      .addSuccess(JsonThreshold)
  )
  .add(
    HttpApiEndpoint.del("remove", "/v0/projects/:project/thresholds/:threshold")
      .setPath(ThresholdPath)
      .addSuccess(Schema.Void, { status: 204 })
  )
  .addError(BadRequestError)
  .addError(UnauthorizedError)
  .addError(ForbiddenError)
  .addError(NotFoundError)
  .addError(ConflictError)
  .middleware(Authentication) {}

export class AlertsGroup extends HttpApiGroup.make("alerts")
  .add(
    HttpApiEndpoint.get("list", "/v0/projects/:project/alerts")
      .setPath(ProjectPath)
      .setUrlParams(AlertListParams)
      .addSuccess(Schema.Array(JsonAlert))
  )
  .add(HttpApiEndpoint.get("view", "/v0/projects/:project/alerts/:alert").setPath(AlertPath).addSuccess(JsonAlert))
  .add(
    HttpApiEndpoint.patch("update", "/v0/projects/:project/alerts/:alert")
      .setPath(AlertPath)
      .setPayload(JsonUpdateAlert)
      .addSuccess(JsonAlert)
  )
  .addError(BadRequestError)
  .addError(UnauthorizedError)
  .addError(ForbiddenError)
  .addError(NotFoundError)
  .middleware(Authentication) {}

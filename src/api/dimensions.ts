import { HttpApiEndpoint, HttpApiGroup } from "@effect/platform"
import { Schema } from "effect"
import { BadRequestError, ConflictError, ForbiddenError, NotFoundError, UnauthorizedError } from "./errors.js"
import { NameId, ResourceId } from "../domain/ids.js"
import { JsonBenchmark, JsonBranch, JsonMeasure, JsonTestbed } from "../domain/report.js"
import {
  DimensionListParams,
  JsonNewBenchmark,
  JsonNewBranch,
  JsonNewMeasure,
  JsonNewTestbed,
  JsonUpdateBenchmark,
  JsonUpdateBranch,
  JsonUpdateMeasure,
  JsonUpdateTestbed
} from "../domain/resources.js"
import { Authentication } from "./authentication.js"
import { ProjectPath } from "./common.js"

// Branches, testbeds, measures and benchmarks share one shape (Bencher's project dimensions): list, create,
// view, update (archive and unarchive through `archived`) and delete.

const BranchPath = Schema.Struct({ project: ResourceId, branch: NameId })
export class BranchesGroup extends HttpApiGroup.make("branches")
  .add(
    HttpApiEndpoint.get("list", "/v0/projects/:project/branches")
      .setPath(ProjectPath)
      .setUrlParams(DimensionListParams)
      .addSuccess(Schema.Array(JsonBranch))
  )
  .add(
    HttpApiEndpoint.post("create", "/v0/projects/:project/branches")
      .setPath(ProjectPath)
      .setPayload(JsonNewBranch)
      .addSuccess(JsonBranch, { status: 201 })
  )
  .add(HttpApiEndpoint.get("view", "/v0/projects/:project/branches/:branch").setPath(BranchPath).addSuccess(JsonBranch))
  .add(
    HttpApiEndpoint.patch("update", "/v0/projects/:project/branches/:branch")
      .setPath(BranchPath)
      .setPayload(JsonUpdateBranch)
      .addSuccess(JsonBranch)
  )
  .add(
    HttpApiEndpoint.del("remove", "/v0/projects/:project/branches/:branch")
      .setPath(BranchPath)
      .addSuccess(Schema.Void, { status: 204 })
  )
  .addError(BadRequestError)
  .addError(UnauthorizedError)
  .addError(ForbiddenError)
  .addError(NotFoundError)
  .addError(ConflictError)
  .middleware(Authentication) {}

const TestbedPath = Schema.Struct({ project: ResourceId, testbed: NameId })
export class TestbedsGroup extends HttpApiGroup.make("testbeds")
  .add(
    HttpApiEndpoint.get("list", "/v0/projects/:project/testbeds")
      .setPath(ProjectPath)
      .setUrlParams(DimensionListParams)
      .addSuccess(Schema.Array(JsonTestbed))
  )
  .add(
    HttpApiEndpoint.post("create", "/v0/projects/:project/testbeds")
      .setPath(ProjectPath)
      .setPayload(JsonNewTestbed)
      .addSuccess(JsonTestbed, { status: 201 })
  )
  .add(
    HttpApiEndpoint.get("view", "/v0/projects/:project/testbeds/:testbed").setPath(TestbedPath).addSuccess(JsonTestbed)
  )
  .add(
    HttpApiEndpoint.patch("update", "/v0/projects/:project/testbeds/:testbed")
      .setPath(TestbedPath)
      .setPayload(JsonUpdateTestbed)
      .addSuccess(JsonTestbed)
  )
  .add(
    HttpApiEndpoint.del("remove", "/v0/projects/:project/testbeds/:testbed")
      .setPath(TestbedPath)
      .addSuccess(Schema.Void, { status: 204 })
  )
  .addError(BadRequestError)
  .addError(UnauthorizedError)
  .addError(ForbiddenError)
  .addError(NotFoundError)
  .addError(ConflictError)
  .middleware(Authentication) {}

const MeasurePath = Schema.Struct({ project: ResourceId, measure: NameId })
export class MeasuresGroup extends HttpApiGroup.make("measures")
  .add(
    HttpApiEndpoint.get("list", "/v0/projects/:project/measures")
      .setPath(ProjectPath)
      .setUrlParams(DimensionListParams)
      .addSuccess(Schema.Array(JsonMeasure))
  )
  .add(
    HttpApiEndpoint.post("create", "/v0/projects/:project/measures")
      .setPath(ProjectPath)
      .setPayload(JsonNewMeasure)
      .addSuccess(JsonMeasure, { status: 201 })
  )
  .add(
    HttpApiEndpoint.get("view", "/v0/projects/:project/measures/:measure").setPath(MeasurePath).addSuccess(JsonMeasure)
  )
  .add(
    HttpApiEndpoint.patch("update", "/v0/projects/:project/measures/:measure")
      .setPath(MeasurePath)
      .setPayload(JsonUpdateMeasure)
      .addSuccess(JsonMeasure)
  )
  .add(
    HttpApiEndpoint.del("remove", "/v0/projects/:project/measures/:measure")
      .setPath(MeasurePath)
      .addSuccess(Schema.Void, { status: 204 })
  )
  .addError(BadRequestError)
  .addError(UnauthorizedError)
  .addError(ForbiddenError)
  .addError(NotFoundError)
  .addError(ConflictError)
  .middleware(Authentication) {}

const BenchmarkPath = Schema.Struct({ project: ResourceId, benchmark: NameId })
export class BenchmarksGroup extends HttpApiGroup.make("benchmarks")
  .add(
    HttpApiEndpoint.get("list", "/v0/projects/:project/benchmarks")
      .setPath(ProjectPath)
      .setUrlParams(DimensionListParams)
      .addSuccess(Schema.Array(JsonBenchmark))
  )
  .add(
    HttpApiEndpoint.post("create", "/v0/projects/:project/benchmarks")
      .setPath(ProjectPath)
      .setPayload(JsonNewBenchmark)
      .addSuccess(JsonBenchmark, { status: 201 })
  )
  .add(
    HttpApiEndpoint.get("view", "/v0/projects/:project/benchmarks/:benchmark")
      .setPath(BenchmarkPath)
      .addSuccess(JsonBenchmark)
  )
  .add(
    HttpApiEndpoint.patch("update", "/v0/projects/:project/benchmarks/:benchmark")
      .setPath(BenchmarkPath)
      .setPayload(JsonUpdateBenchmark)
      .addSuccess(JsonBenchmark)
  )
  .add(
    HttpApiEndpoint.del("remove", "/v0/projects/:project/benchmarks/:benchmark")
      .setPath(BenchmarkPath)
      .addSuccess(Schema.Void, { status: 204 })
  )
  .addError(BadRequestError)
  .addError(UnauthorizedError)
  .addError(ForbiddenError)
  .addError(NotFoundError)
  .addError(ConflictError)
  .middleware(Authentication) {}

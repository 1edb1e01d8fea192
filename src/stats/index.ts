export {
  decodeModel,
  type Model,
  MODEL_TESTS,
  ModelInvalid,
  ModelJson,
  ModelTest,
  ModelTestFromJson,
  modelTestFromInt,
  modelTestToInt,
  parseModelTest,
  validateModel
} from "./model.js"
export { computeLimits, type Limits, NO_LIMITS, outlier, type OutlierSide } from "./boundary.js"

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
export {
  CHANGE_POINT_DEFAULTS,
  type ChangePoint,
  type ChangePointOptions,
  changePoints,
  ChangePointSeries,
  relaxedPValue
} from "./changepoints.js"
export { gesd, GESD_DEFAULTS, type GesdOptions, type GesdResult } from "./gesd.js"
export { IQR_DISTANCE_DEFAULTS, type IqrDistanceOptions, iqrDistanceOutliers } from "./iqr_distance.js"

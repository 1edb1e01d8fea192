import { Either, Option, Schema } from "effect"
import { describe, expect, it } from "vitest"
import {
  decodeModel,
  type Model,
  MODEL_TESTS,
  ModelInvalid,
  ModelJson,
  modelTestFromInt,
  modelTestToInt,
  parseModelTest,
  validateModel
} from "../../src/stats/index.js"

describe("ModelTest", () => {
  it("stores Bencher's database integers", () => {
    expect(MODEL_TESTS.map((test) => [test, modelTestToInt(test)])).toEqual([
      ["static", 20],
      ["percentage", 30],
      ["z_score", 1],
      ["t_test", 0],
      ["log_normal", 10],
      ["iqr", 40],
      ["delta_iqr", 41]
    ])
  })

  it("reads every stored integer back and rejects unknown ones", () => {
    for (const test of MODEL_TESTS) expect(modelTestFromInt(modelTestToInt(test))).toEqual(Option.some(test))
    expect(modelTestFromInt(2)).toEqual(Option.none())
    expect(modelTestFromInt(-1)).toEqual(Option.none())
  })

  it("accepts the aliases z and t on input", () => {
    expect(parseModelTest("z")).toEqual(Option.some("z_score"))
    expect(parseModelTest("t")).toEqual(Option.some("t_test"))
    expect(parseModelTest("log_normal")).toEqual(Option.some("log_normal"))
    expect(parseModelTest("normal")).toEqual(Option.none())
    expect(parseModelTest("toString")).toEqual(Option.none())
  })
})

describe("ModelJson", () => {
  const decode = Schema.decodeUnknownSync(ModelJson)
  const encode = Schema.encodeSync(ModelJson)

  it("decodes an alias to the full test name and encodes the full name", () => {
    const model = decode({ test: "t", upper_boundary: 0.99, max_sample_size: 64 })
    expect(model).toEqual({ test: "t_test", upper_boundary: 0.99, max_sample_size: 64 })
    expect(encode(model)).toEqual({ test: "t_test", upper_boundary: 0.99, max_sample_size: 64 })
    expect(decode({ test: "z", lower_boundary: 0.9 }).test).toBe("z_score")
  })

  it("treats null sample sizes and window as absent and keeps a null boundary", () => {
    expect(
      decode({ test: "percentage", min_sample_size: null, window: null, lower_boundary: null, upper_boundary: 0.1 })
    ).toEqual({ test: "percentage", lower_boundary: null, upper_boundary: 0.1 })
  })

  it("rejects an unknown test", () => {
    expect(() => decode({ test: "normal", upper_boundary: 0.9 })).toThrow()
  })
})

describe("decodeModel", () => {
  it("decodes and validates a JSON body", () => {
    expect(decodeModel({ test: "z", upper_boundary: 0.99 })).toEqual(
      Either.right({ test: "z_score", upper_boundary: 0.99 })
    )
  })

  it("names the malformed field", () => {
    const result = decodeModel({ test: "t_test", upper_boundary: "0.99" })
    expect(Either.isLeft(result) && result.left.field).toBe("upper_boundary")
    const missing = decodeModel({ upper_boundary: 0.99 })
    expect(Either.isLeft(missing) && missing.left.field).toBe("test")
    const notObject = decodeModel("t_test")
    expect(Either.isLeft(notObject) && notObject.left.field).toBe("body")
  })

  it("names the field that breaks a rule", () => {
    const result = decodeModel({ test: "t", upper_boundary: 1 })
    expect(Either.isLeft(result) && result.left.message).toBe("upper_boundary: must be in [0.5, 1.0) for t_test")
  })
})

const rejection = (model: Model): ModelInvalid | undefined =>
  Either.getLeft(validateModel(model)).pipe(Option.getOrUndefined)

describe("validateModel", () => {
  it.each<[string, Model]>([
    ["static with both boundaries", { test: "static", lower_boundary: -1e300, upper_boundary: 1e300 }],
    ["static with equal boundaries", { test: "static", lower_boundary: 5, upper_boundary: 5 }],
    ["static with only a negative upper boundary", { test: "static", upper_boundary: -5 }],
    ["percentage at 0", { test: "percentage", upper_boundary: 0, min_sample_size: 1, max_sample_size: 1 }],
    ["percentage above 100%", { test: "percentage", lower_boundary: 2.5 }],
    ["z_score at 0.5", { test: "z_score", lower_boundary: 0.5, min_sample_size: 2 }],
    ["t_test just below 1", { test: "t_test", upper_boundary: 0.9999999, max_sample_size: 64, window: 1 }],
    ["log_normal with a null lower boundary", { test: "log_normal", lower_boundary: null, upper_boundary: 0.99 }],
    ["iqr at 0", { test: "iqr", upper_boundary: 0, min_sample_size: 2, max_sample_size: 2 }],
    ["delta_iqr with a large multiplier", { test: "delta_iqr", lower_boundary: 1e6, window: 4_294_967_295 }]
  ])("accepts %s", (_, model) => {
    expect(validateModel(model)).toEqual(Either.right(model))
  })

  it.each<[string, Model, string]>([
    ["no boundary", { test: "t_test" }, "lower_boundary, upper_boundary: at least one boundary is required"],
    [
      "only null boundaries",
      { test: "static", lower_boundary: null, upper_boundary: null },
      "lower_boundary, upper_boundary: at least one boundary is required"
    ],
    ["static with a window", { test: "static", upper_boundary: 1, window: 60 }, "window: must not be set for static"],
    [
      "static with a min sample size",
      { test: "static", upper_boundary: 1, min_sample_size: 2 },
      "min_sample_size: must not be set for static"
    ],
    [
      "static with a max sample size",
      { test: "static", upper_boundary: 1, max_sample_size: 2 },
      "max_sample_size: must not be set for static"
    ],
    [
      "static with lower above upper",
      { test: "static", lower_boundary: 2, upper_boundary: 1 },
      "lower_boundary: must be <= upper_boundary for static"
    ],
    [
      "static with an infinite boundary",
      { test: "static", upper_boundary: Infinity },
      "upper_boundary: must be a finite number"
    ],
    ["a NaN boundary", { test: "iqr", lower_boundary: Number.NaN }, "lower_boundary: must be a finite number"],
    [
      "a negative percentage",
      { test: "percentage", lower_boundary: -0.1 },
      "lower_boundary: must be >= 0 for percentage"
    ],
    [
      "z_score below 0.5",
      { test: "z_score", upper_boundary: 0.49 },
      "upper_boundary: must be in [0.5, 1.0) for z_score"
    ],
    ["t_test at 1", { test: "t_test", upper_boundary: 1 }, "upper_boundary: must be in [0.5, 1.0) for t_test"],
    [
      "log_normal above 1",
      { test: "log_normal", lower_boundary: 1.5 },
      "lower_boundary: must be in [0.5, 1.0) for log_normal"
    ],
    ["a negative iqr multiplier", { test: "iqr", upper_boundary: -1 }, "upper_boundary: must be >= 0 for iqr"],
    [
      "a negative delta_iqr multiplier",
      { test: "delta_iqr", lower_boundary: -0.5 },
      "lower_boundary: must be >= 0 for delta_iqr"
    ],
    [
      "a zero sample size",
      { test: "percentage", upper_boundary: 0.1, min_sample_size: 0 },
      "min_sample_size: must be an integer in [1, 4294967295]"
    ],
    [
      "a fractional sample size",
      { test: "percentage", upper_boundary: 0.1, max_sample_size: 2.5 },
      "max_sample_size: must be an integer in [1, 4294967295]"
    ],
    [
      "a sample size beyond u32",
      { test: "iqr", upper_boundary: 1, max_sample_size: 4_294_967_296 },
      "max_sample_size: must be an integer in [1, 4294967295]"
    ],
    [
      "z_score with a min sample size of 1",
      { test: "z_score", upper_boundary: 0.9, min_sample_size: 1 },
      "min_sample_size: must be at least 2 for z_score"
    ],
    [
      "t_test with a max sample size of 1",
      { test: "t_test", upper_boundary: 0.9, max_sample_size: 1 },
      "max_sample_size: must be at least 2 for t_test"
    ],
    [
      "log_normal with a min sample size of 1",
      { test: "log_normal", upper_boundary: 0.9, min_sample_size: 1 },
      "min_sample_size: must be at least 2 for log_normal"
    ],
    [
      "iqr with a min sample size of 1",
      { test: "iqr", upper_boundary: 1, min_sample_size: 1 },
      "min_sample_size: must be at least 2 for iqr"
    ],
    [
      "delta_iqr with a max sample size of 1",
      { test: "delta_iqr", upper_boundary: 1, max_sample_size: 1 },
      "max_sample_size: must be at least 2 for delta_iqr"
    ],
    [
      "min above max",
      { test: "percentage", upper_boundary: 0.1, min_sample_size: 10, max_sample_size: 5 },
      "min_sample_size: must be <= max_sample_size"
    ],
    [
      "a zero window",
      { test: "t_test", upper_boundary: 0.9, window: 0 },
      "window: must be an integer number of seconds in [1, 4294967295]"
    ],
    [
      "a fractional window",
      { test: "t_test", upper_boundary: 0.9, window: 1.5 },
      "window: must be an integer number of seconds in [1, 4294967295]"
    ],
    [
      "a window beyond u32",
      { test: "t_test", upper_boundary: 0.9, window: 2 ** 32 },
      "window: must be an integer number of seconds in [1, 4294967295]"
    ]
  ])("rejects %s, naming the field", (_, model, message) => {
    const error = rejection(model)
    expect(error).toBeInstanceOf(ModelInvalid)
    expect(error?._tag).toBe("ModelInvalid")
    expect(error?.message).toBe(message)
    expect(message.startsWith(`${error?.field}:`)).toBe(true)
  })
})

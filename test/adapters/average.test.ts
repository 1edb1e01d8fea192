// `--average`: each adapter accepts only the statistic its tool prints (docs/reference.md §2.4).
import { describe, expect, it } from "@effect/vitest"
import { Either } from "effect"
import { type AdapterName, type Average, parseOne } from "../../src/adapters/index.js"
import { bencher } from "./fixtures.js"

const cases: ReadonlyArray<readonly [AdapterName, string, ReadonlyArray<Average>]> = [
  ["cpp_catch2", "cpp/catch2/four.txt", ["mean"]],
  ["cpp_google", "cpp/google/two.txt", ["mean"]],
  ["java_jmh", "java/jmh/six.json", ["mean"]],
  ["rust_criterion", "rust/criterion/many.txt", ["mean"]],
  ["go_bench", "go/bench/five.txt", ["mean"]],
  ["dart_benchmark_harness", "dart/benchmark_harness/two.txt", ["mean"]],
  ["rust_bench", "rust/bench/many.txt", ["median"]],
  ["python_asv", "python/asv/six.txt", ["median"]],
  ["js_benchmark", "js/benchmark/four.txt", ["median"]],
  ["python_pytest", "python/pytest/four.json", ["mean", "median"]],
  ["c_sharp_dot_net", "c_sharp/dot_net/two.json", ["mean", "median"]],
  ["js_vitest", "js/vitest/four.json", ["mean", "median"]],
  ["shell_hyperfine", "shell/hyperfine/two.json", ["mean", "median"]],
  ["js_time", "js/time/four.txt", []],
  ["ruby_benchmark", "ruby/benchmark/five.txt", []],
  ["rust_iai", "rust/iai/two.txt", []]
]

describe("--average", () => {
  for (const [adapter, file, accepted] of cases) {
    for (const average of ["mean", "median"] as const) {
      const yes = accepted.includes(average)
      it(`${adapter} ${yes ? "accepts" : "rejects"} --average ${average}`, () => {
        const r = parseOne(adapter, bencher(file), { average })
        if (yes) expect(Either.isRight(r)).toBe(true)
        else expect(Either.isLeft(r) && r.left._tag).toBe("UnsupportedAverage")
      })
    }
  }

  it("pytest median is median ∓ iqr in ns", () => {
    const bmf = Either.getOrThrow(parseOne("python_pytest", bencher("python/pytest/four.json"), { average: "median" }))
    expect(Object.keys(bmf)).toHaveLength(4)
  })

  it("hyperfine median has lower = min and upper = max", () => {
    const bmf = Either.getOrThrow(
      parseOne("shell_hyperfine", bencher("shell/hyperfine/two.json"), { average: "median" })
    )
    expect(bmf["sleep 0.1"]?.["latency"]).toStrictEqual({
      value: 106_525_351.72,
      lower_value: 102_474_685.72,
      upper_value: 115_336_892.72
    })
  })

  it("vitest median gives latency without bounds and the same throughput", () => {
    const bmf = Either.getOrThrow(parseOne("js_vitest", bencher("js/vitest/four.json"), { average: "median" }))
    expect(bmf["fib.bench.ts > fibonacci > fib(10)"]).toStrictEqual({
      latency: { value: 750_000 },
      throughput: { value: 1000, lower_value: 750, upper_value: 1250 }
    })
  })

  it("magic skips an adapter that declines the average, like Bencher", () => {
    // criterion declines median; nothing else matches, so the answer names the average
    const r = parseOne("magic", bencher("rust/criterion/many.txt"), { average: "median" })
    expect(Either.isLeft(r) && r.left._tag).toBe("UnsupportedAverage")
  })
})

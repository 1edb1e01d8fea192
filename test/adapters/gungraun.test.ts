import { describe, expect, it } from "@effect/vitest"
import { Either } from "effect"
import { detect, parseOne } from "../../src/adapters/index.js"
import { bencher, bencherFiles } from "./fixtures.js"
import { gungraunExpected } from "./gungraun.expected.js"

const files = bencherFiles()
  .filter((f) => f.startsWith("rust/gungraun/"))
  .map((f) => f.slice("rust/gungraun/".length))

describe("rust_gungraun adapter", () => {
  it("has an expectation for every gungraun fixture", () => {
    expect(files.length).toBeGreaterThanOrEqual(41)
    expect(Object.keys(gungraunExpected).sort()).toEqual(files)
  })

  for (const file of files) {
    const expected = gungraunExpected[file]
    it(`parses ${file} (rust_gungraun, its alias and magic agree)`, () => {
      const input = bencher(`rust/gungraun/${file}`)
      const result = parseOne("rust_gungraun", input, {})
      if (expected === "none" || expected === undefined) {
        expect(Either.isLeft(result)).toBe(true)
        expect(Either.isLeft(detect(input, {}))).toBe(true)
        return
      }
      expect(result).toStrictEqual(Either.right(expected))
      expect(parseOne("rust_iai_callgrind", input, {})).toStrictEqual(result)
      const magic = detect(input, {})
      expect(Either.map(magic, (d) => d.bmf)).toStrictEqual(result)
      const specific = file.startsWith("json_") ? "rust_gungraun_json" : "rust_gungraun_stdout"
      expect(Either.map(magic, (d) => d.adapter)).toEqual(Either.right(specific))
      expect(parseOne(specific, input, {})).toStrictEqual(result)
    })
  }

  it("keeps the new value when the old run is compared (delta columns ignored)", () => {
    const bmf = Either.getOrThrow(parseOne("rust_gungraun", bencher("rust/gungraun/delta_with_inf.txt"), {}))
    const short = bmf["rust_iai_callgrind::bench_fibonacci_group::bench_fibonacci short:10"]
    expect(short?.["total-read-write"]).toEqual({ value: 0 })
    expect(short?.["estimated-cycles"]).toEqual({ value: 2464 })
  })

  it("strips ANSI colours from names and values", () => {
    const bmf = Either.getOrThrow(parseOne("rust_gungraun", bencher("rust/gungraun/ansi-escapes.txt"), {}))
    expect(Object.keys(bmf)).toEqual([
      "rust_iai_callgrind::bench_fibonacci_group::bench_fibonacci short:10",
      "rust_iai_callgrind::bench_fibonacci_group::bench_fibonacci long:30"
    ])
  })

  it("rejects summaries that are not version 6", () => {
    expect(Either.isLeft(parseOne("rust_gungraun_json", bencher("rust/gungraun/json_not_v6.txt"), {}))).toBe(true)
  })

  it("accepts no --average (gungraun counts events, it has no statistic)", () => {
    const r = parseOne("rust_gungraun", bencher("rust/gungraun/with-ge.txt"), { average: "mean" })
    expect(Either.isLeft(r) && r.left._tag).toBe("UnsupportedAverage")
  })
})

// Golden tests: every Bencher fixture parsed by its adapter and by magic.
import { describe, expect, it } from "@effect/vitest"
import { Either } from "effect"
import { detect, parseOne } from "../../src/adapters/index.js"
import { checkGolden, goldens } from "./golden.cases.js"
import { bencher, bencherFiles } from "./fixtures.js"

describe("golden fixtures from Bencher's tests", () => {
  for (const g of goldens) {
    it(`${g.adapter} parses ${g.file} exactly as Bencher`, () => {
      checkGolden(g, parseOne(g.adapter, bencher(g.file), {}))
    })
    it(`magic parses ${g.file} exactly as ${g.adapter}`, () => {
      const input = bencher(g.file)
      const magic = detect(input, {})
      if (g.expected === "none") {
        expect(Either.isLeft(magic)).toBe(true)
        return
      }
      expect(Either.map(magic, (d) => d.adapter)).toEqual(Either.right(g.adapter))
      expect(Either.map(magic, (d) => d.bmf)).toStrictEqual(parseOne(g.adapter, input, {}))
      checkGolden(
        g,
        Either.map(magic, (d) => d.bmf)
      )
    })
  }

  it("covers every non-gungraun fixture file", () => {
    const covered = new Set(goldens.map((g) => g.file))
    const missing = bencherFiles().filter((f) => !f.startsWith("rust/gungraun/") && !covered.has(f))
    expect(missing).toEqual([])
  })
})

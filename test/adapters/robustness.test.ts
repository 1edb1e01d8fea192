// Adapters never throw, skip what is not theirs in mixed logs, and stay linear on hostile input.
import { describe, expect, it } from "@effect/vitest"
import { Either } from "effect"
import * as fc from "fast-check"
import { adapterNames, detect, parseOne } from "../../src/adapters/index.js"
import { goldens } from "./golden.cases.js"
import { bencher } from "./fixtures.js"

const MiB = 1024 * 1024

const bmfKey = fc.string({ minLength: 1, maxLength: 20 })
const metricArb = fc
  .record(
    {
      value: fc.double({ noNaN: true, noDefaultInfinity: true }),
      lower_value: fc.double({ noNaN: true, noDefaultInfinity: true }),
      upper_value: fc.double({ noNaN: true, noDefaultInfinity: true })
    },
    { requiredKeys: ["value"] }
  )
  .map((m) =>
    // BMF bounds are ordered: lower_value > upper_value is refused
    m.lower_value !== undefined && m.upper_value !== undefined && m.lower_value > m.upper_value
      ? { ...m, lower_value: m.upper_value, upper_value: m.lower_value }
      : m
  )
const bmfArb = fc.dictionary(bmfKey, fc.dictionary(bmfKey, metricArb, { minKeys: 1, maxKeys: 4 }), {
  minKeys: 1,
  maxKeys: 5
})

/** Fragments of every format, so random strings reach deep into the parsers. */
const fragments = [
  "test ",
  " ... bench: ",
  "3,161 ns/iter (+/- 975)",
  "time:   [",
  " ps ",
  " µs ",
  "]",
  "Benchmark",
  "\t",
  " 100 ",
  " ns/op",
  " B/op",
  " allocs/op",
  " x ",
  " ops/sec ±",
  "1.5% (9 runs sampled)",
  ": 12ms - timer ended",
  "[ 10%] ··· ",
  "±",
  "μs",
  "1.0",
  "user     system      total        real",
  "(  0.1)",
  "Instructions:",
  "L1 Accesses:",
  "  ",
  "|N/A",
  "::",
  "  ======= DHAT ====",
  "-".repeat(79),
  "(RunTime): ",
  " us.",
  "SUCCESS: ",
  " : ",
  "ms +/- ",
  "% on luau",
  "fastest │ slowest │ median │ mean │ samples │ iters",
  "├─ ",
  "│  ",
  "╰─ ",
  "{",
  "}",
  "[",
  '"',
  '"version":"6"',
  '"profiles"',
  "\n",
  "\r\n",
  "\x1b[32m",
  "\x1b[0m",
  ",",
  "-",
  "0",
  "9e9"
]
const logArb = fc.array(fc.constantFrom(...fragments), { maxLength: 60 }).map((xs) => xs.join(""))

describe("any adapter", () => {
  it("never throws on arbitrary strings (property)", () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: "binary" }), logArb), (input) => {
        for (const adapter of adapterNames) {
          const r = parseOne(adapter, input, {})
          expect(Either.isEither(r)).toBe(true)
        }
      }),
      { numRuns: 300 }
    )
  })

  it("answers empty input with a typed error, never an exception", () => {
    for (const adapter of adapterNames) {
      for (const input of ["", "   \n\r\n\t"]) {
        const r = parseOne(adapter, input, {})
        expect(Either.isLeft(r) && ["NoBenchmarksFound", "AdapterMismatch"].includes(r.left._tag)).toBe(true)
      }
    }
  })

  it("answers unrecognised input with AdapterMismatch from magic", () => {
    const r = parseOne("magic", "hello world\nnothing to see", {})
    expect(Either.isLeft(r) && r.left._tag).toBe("AdapterMismatch")
  })
})

describe("json adapter", () => {
  it("round-trips any BMF object (property)", () => {
    fc.assert(
      fc.property(bmfArb, (bmf) => {
        const text = JSON.stringify(bmf)
        expect(parseOne("json", text, {})).toEqual(Either.right(JSON.parse(text)))
        expect(parseOne("magic", text, {})).toEqual(Either.right(JSON.parse(text)))
      }),
      { numRuns: 300 }
    )
  })

  it("ignores extra keys and rejects non-numeric values", () => {
    expect(parseOne("json", `{"a":{"latency":{"value":1,"note":"x"}}}`, {})).toEqual(
      Either.right({ a: { latency: { value: 1 } } })
    )
    expect(Either.isLeft(parseOne("json", `{"a":{"latency":{"value":"1"}}}`, {}))).toBe(true)
  })

  it("rejects non-finite values and lower_value > upper_value", () => {
    for (const metric of [
      `{"value":1e309}`,
      `{"value":1,"upper_value":-1e400}`,
      `{"value":5,"lower_value":6,"upper_value":4}`
    ]) {
      expect(Either.isLeft(parseOne("json", `{"a":{"latency":${metric}}}`, {})), metric).toBe(true)
    }
    expect(parseOne("json", `{"a":{"latency":{"value":5,"lower_value":5,"upper_value":5}}}`, {})).toEqual(
      Either.right({ a: { latency: { value: 5, lower_value: 5, upper_value: 5 } } })
    )
  })

  it("keeps __proto__ and constructor as ordinary benchmark and measure names", () => {
    const parsed = parseOne("json", `{"__proto__":{"__proto__":{"value":1}},"constructor":{"latency":{"value":2}}}`, {})
    if (Either.isLeft(parsed)) throw new Error(parsed.left.message)
    const bmf = parsed.right
    expect(Object.keys(bmf)).toEqual(["__proto__", "constructor"])
    expect(Object.getPrototypeOf(bmf)).toBe(Object.prototype)
    const measures: unknown = Object.getOwnPropertyDescriptor(bmf, "__proto__")?.value
    expect(Object.keys(measures ?? {})).toEqual(["__proto__"])
    expect(Object.getOwnPropertyDescriptor(measures, "__proto__")?.value).toEqual({ value: 1 })
    expect(bmf["constructor"]).toEqual({ latency: { value: 2 } })
  })
})

describe("mixed logs", () => {
  const text = goldens.filter(
    (g) => g.expected !== "none" && g.file.endsWith(".txt") && !g.file.startsWith("cpp/google")
  )

  for (const g of text) {
    it(`${g.file} parses the same with CRLF line ends and ANSI colours`, () => {
      const input = bencher(g.file)
      const expected = parseOne(g.adapter, input, {})
      const crlf = input.split("\n").join("\r\n")
      const coloured = input
        .split("\n")
        .map((l) => (l.length > 0 ? `\x1b[1;32m${l}\x1b[0m` : l))
        .join("\r\n")
      expect(parseOne(g.adapter, crlf, {})).toStrictEqual(expected)
      expect(parseOne("magic", coloured, {})).toStrictEqual(expected)
    })
  }

  it("skips compiler output, warnings and failed benchmarks around the results", () => {
    const noise = "   Compiling foo v0.1.0\nwarning: unused variable `x`\n --> src/lib.rs:3:9\nerror: bench failed\n"
    const input = noise + bencher("rust/bench/failed.txt") + "\n" + noise
    expect(Either.map(detect(input, {}), (d) => Object.keys(d.bmf))).toEqual(
      Either.right(["tests::benchmark_a", "tests::benchmark_c"])
    )
  })
})

describe("magic detection", () => {
  it("still finds the results after a build log longer than its first look (64 KiB)", () => {
    const log = "   Compiling crate v0.1.0 (/src)\n".repeat(4000)
    const r = detect(log + bencher("rust/bench/many.txt"), {})
    expect(Either.map(r, (d) => d.adapter)).toEqual(Either.right("rust_bench"))
  })

  it("keeps Bencher's order when two formats are mixed: the earlier adapter wins", () => {
    const r = detect(bencher("rust/criterion/many.txt") + "\n" + bencher("go/bench/five.txt"), {})
    expect(Either.map(r, (d) => d.adapter)).toEqual(Either.right("go_bench"))
  })
})

describe("adversarial input", () => {
  const mib = (s: string) => s.repeat(Math.ceil(MiB / s.length))
  const hostile: ReadonlyArray<readonly [string, string]> = [
    ["spaces", " ".repeat(MiB)],
    ["rust bench prefix", "test " + mib("a ") + "... bench:"],
    ["criterion", mib(" time:") + "[" + mib("1 ns ")],
    ["go", "Benchmark" + mib("\t1")],
    ["benchmark.js", mib(" x ") + " ops/sec ±"],
    ["js time", mib(": ") + " - timer ended"],
    ["asv", "[" + mib("±") + "]"],
    ["ruby", "user system total real\n" + mib("(") + ")"],
    ["catch2", "-".repeat(79) + "\n" + mib("1 ") + "\n"],
    ["ansi", mib("\x1b[1")],
    ["gungraun", "a::b::c\n" + mib("  x: 1") + "|"],
    ["json objects", mib('{"')],
    ["json arrays", mib("[")],
    // each line is a gungraun candidate whose JSON would go on into the next lines
    ["json lines continuing each other", "{\n" + mib('[{"a":"profiles"},{}\n,\n')],
    ["divan", "root fastest │ slowest │ median │ mean │ samples │ iters\n" + mib("├─ ")],
    ["luau", "SUCCESS: " + mib(" : ") + " +/- "],
    ["carriage returns", mib("\r") + "x"],
    ["line separators", mib("\u2028") + " x 1 ops/sec"],
    ["dart", mib(" ") + "(RunTime)"],
    ["many short lines", mib("test a ... bench: 1 ns/iter (+/- 1)\n")]
  ]

  for (const [label, input] of hostile) {
    it(`parses a 1 MiB ${label} line in linear time with every adapter`, () => {
      const start = performance.now()
      for (const adapter of adapterNames) {
        const r = parseOne(adapter, input, {})
        expect(Either.isEither(r)).toBe(true)
      }
      expect(performance.now() - start).toBeLessThan(10_000)
    })
  }
})

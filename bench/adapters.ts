// `npm run bench -- adapters`: magic's parse throughput on real tool output against a baseline that
// only splits the same text into lines. Each text fixture is repeated to about 10 MiB and parsed on its
// own (one format at a time); the figures are total bytes over total time, best of 3 runs per fixture.
import { readdirSync, readFileSync, statSync } from "node:fs"
import { join, relative } from "node:path"
import { fileURLToPath } from "node:url"
import { Either } from "effect"
import { detect } from "../src/adapters/magic.js"

const TARGET_BYTES = 10 * 1024 * 1024
const RUNS = 3

const roots = [
  fileURLToPath(new URL("../test/fixtures/adapters/", import.meta.url)),
  fileURLToPath(new URL("../test/adapters/fixtures/", import.meta.url))
]

const walk = (dir: string): Array<string> =>
  readdirSync(dir).flatMap((f) => {
    const p = join(dir, f)
    return statSync(p).isDirectory() ? walk(p) : [p]
  })

/** Text fixtures magic recognises; whole JSON documents cannot be repeated into one input. */
const fixtures = roots.flatMap((root) =>
  walk(root)
    .filter((p) => p.endsWith(".txt"))
    .map((p) => ({ name: relative(root, p), text: readFileSync(p, "utf8") }))
    .filter(({ text }) => !/^\s*[[{]/.test(text) && Either.isRight(detect(text, {})))
)

const best = (f: () => void): number => {
  let min = Infinity
  for (let i = 0; i < RUNS; i++) {
    const start = performance.now()
    f()
    min = Math.min(min, performance.now() - start)
  }
  return min
}

// warm up both paths on every format
for (const { text } of fixtures) {
  detect(text, {})
  text.split("\n")
}

let bytes = 0
let magicMs = 0
let baselineMs = 0
let failures = 0
let sink = 0
for (const { name, text } of fixtures) {
  const big = Array.from({ length: Math.ceil(TARGET_BYTES / (text.length + 1)) }, () => text).join("\n")
  const size = Buffer.byteLength(big, "utf8")
  const base = best(() => {
    sink += big.split("\n").length
  })
  let adapter = "none"
  const magic = best(() => {
    const r = detect(big, {})
    if (Either.isRight(r)) adapter = r.right.adapter
    else failures++
  })
  bytes += size
  baselineMs += base
  magicMs += magic
  console.log(
    `${name.padEnd(60)} ${adapter.padEnd(22)} magic ${(size / 1e3 / magic).toFixed(0).padStart(5)} MB/s  split ${(size / 1e3 / base).toFixed(0).padStart(5)} MB/s`
  )
}

const magicMbPerS = bytes / 1e3 / magicMs
const baselineMbPerS = bytes / 1e3 / baselineMs
console.log(
  JSON.stringify({
    magic_mb_per_s: Number(magicMbPerS.toFixed(1)),
    baseline_mb_per_s: Number(baselineMbPerS.toFixed(1)),
    ratio: Number((magicMbPerS / baselineMbPerS).toFixed(3)),
    bytes,
    magic_ms: Number(magicMs.toFixed(1)),
    baseline_ms: Number(baselineMs.toFixed(1)),
    fixtures: fixtures.length,
    failed_parses: failures,
    lines_split: sink
  })
)

// Test fixtures: Bencher's own tool outputs (copied from its repository) live in test/fixtures/adapters;
// fixtures for the formats Bencher lacks, written for this project, live in test/adapters/fixtures.
import { readdirSync, readFileSync, statSync } from "node:fs"
import { join, relative } from "node:path"
import { fileURLToPath } from "node:url"

export const bencherRoot = fileURLToPath(new URL("../fixtures/adapters/", import.meta.url))
export const ownRoot = fileURLToPath(new URL("./fixtures/", import.meta.url))

export const bencher = (rel: string): string => readFileSync(join(bencherRoot, rel), "utf8")
export const own = (rel: string): string => readFileSync(join(ownRoot, rel), "utf8")

const walk = (dir: string): Array<string> =>
  readdirSync(dir).flatMap((f) => {
    const p = join(dir, f)
    return statSync(p).isDirectory() ? walk(p) : [p]
  })

/** Every fixture file of Bencher's (EXPECTED.md excluded), relative to the fixtures folder. */
export const bencherFiles = (): Array<string> =>
  walk(bencherRoot)
    .map((p) => relative(bencherRoot, p))
    .filter((p) => !p.endsWith(".md"))
    .sort()

// Test fixtures: Bencher's tool outputs live beside the repo in ../shared (CI copies it there);
// fixtures for the formats Bencher lacks live in test/adapters/fixtures.
import { readdirSync, readFileSync, statSync } from "node:fs"
import { join, relative } from "node:path"
import { fileURLToPath } from "node:url"

export const sharedRoot = fileURLToPath(new URL("../../../shared/fixtures/adapters/", import.meta.url))
export const ownRoot = fileURLToPath(new URL("./fixtures/", import.meta.url))

export const shared = (rel: string): string => readFileSync(join(sharedRoot, rel), "utf8")
export const own = (rel: string): string => readFileSync(join(ownRoot, rel), "utf8")

const walk = (dir: string): Array<string> =>
  readdirSync(dir).flatMap((f) => {
    const p = join(dir, f)
    return statSync(p).isDirectory() ? walk(p) : [p]
  })

/** Every shared fixture file (EXPECTED.md excluded), relative to the fixtures folder. */
export const sharedFiles = (): Array<string> =>
  walk(sharedRoot).map((p) => relative(sharedRoot, p)).filter((p) => !p.endsWith(".md")).sort()

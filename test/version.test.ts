import { describe, expect, it } from "vitest"
import { readFileSync } from "node:fs"
import { join } from "node:path"
import { version } from "../src/version.js"
import { repoRoot } from "./helpers/process.js"

describe("version", () => {
  it("is the package.json version, so the bundle and the binary report the right one", () => {
    const pkg = JSON.parse(readFileSync(join(repoRoot, "package.json"), "utf8")) as { version: string }
    expect(version).toBe(pkg.version)
  })
})

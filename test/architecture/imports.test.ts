import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"
import { afterAll, describe, expect, it } from "vitest"
import { checkImports } from "../../scripts/check-imports.mjs"

const repo = join(dirname(fileURLToPath(import.meta.url)), "../..")

const tree = (files: Record<string, string>) => {
  const root = mkdtempSync(join(tmpdir(), "bencher-imports-"))
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, "src", path)), { recursive: true })
    writeFileSync(join(root, "src", path), text)
  }
  roots.push(root)
  return root
}
const roots: Array<string> = []
afterAll(() => roots.forEach((root) => rmSync(root, { recursive: true, force: true })))

describe("the import rules", () => {
  it("hold over src/", () => {
    expect(checkImports(repo)).toEqual([])
  })

  it("list a CLI import of a service, a service import of the server and a pure import of a service, with file and line", () => {
    const root = tree({
      "cli/run.ts": `import { Effect } from "effect"\nimport { Jobs } from "../jobs/jobs.js"\n`,
      "jobs/jobs.ts": `import { guard } from "../server/middleware.js"\n`,
      "server/middleware.ts": `export const guard = 1\n`,
      "stats/mean.ts": `\n\nimport type { Store } from "../store/database.js"\n`,
      "store/database.ts": `export type Store = number\n`
    })
    expect(checkImports(root)).toEqual([
      { file: "src/cli/run.ts", line: 2, message: "cli/ may not import jobs/ (../jobs/jobs.js)" },
      { file: "src/jobs/jobs.ts", line: 1, message: "jobs/ may not import server/ (../server/middleware.js)" },
      { file: "src/stats/mean.ts", line: 3, message: "stats/ may not import store/ (../store/database.js)" }
    ])
  })

  it("list an import circle, also inside one folder", () => {
    const root = tree({
      "jobs/events.ts": `import { statusOf } from "./lifecycle.js"\n`,
      "jobs/lifecycle.ts": `import { JobEvents } from "./events.js"\n`
    })
    expect(checkImports(root)).toEqual([
      {
        file: "src/jobs/events.ts",
        line: 1,
        message: "import circle: src/jobs/events.ts -> src/jobs/lifecycle.ts -> back"
      }
    ])
  })

  it("allow the composition root to import every part", () => {
    const root = tree({
      "app/server.ts": `import { Jobs } from "../jobs/jobs.js"\nimport { run } from "../cli/run.js"\n`,
      "jobs/jobs.ts": `export const Jobs = 1\n`,
      "cli/run.ts": `export const run = 1\n`
    })
    expect(checkImports(root)).toEqual([])
  })
})

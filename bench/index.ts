// `npm run bench -- <name>` runs bench/<name>.ts. Each bench measures its own baseline in the same run
// and prints, as its last line, one JSON object with unit-carrying snake_case keys and a `ratio`.
import { readdirSync } from "node:fs"
import { dirname, join } from "node:path"
import { fileURLToPath, pathToFileURL } from "node:url"

const here = dirname(fileURLToPath(import.meta.url))
const available = readdirSync(here)
  .filter((f) => f.endsWith(".ts") && f !== "index.ts")
  .map((f) => f.slice(0, -3))
const name = process.argv[2]
if (name === undefined || !available.includes(name)) {
  console.error(`usage: npm run bench -- <name>\navailable: ${available.join(", ")}`)
  process.exit(2)
}
await import(pathToFileURL(join(here, `${name}.ts`)).href)

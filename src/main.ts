import { version } from "./version.js"

// The entry point. `bencher --version` answers here, before anything else loads: Effect and the command tree
// take several times as long to load as Node takes to start. Everything else runs the command tree (src/app/main.ts).
const args = process.argv.slice(2)
if (args.length === 1 && args[0] === "--version") {
  // The same bytes as @effect/cli's own --version.
  process.stdout.write(`${version}\n\n`)
} else {
  void import("./app/main.js")
}

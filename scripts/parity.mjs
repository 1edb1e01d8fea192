#!/usr/bin/env node
// `npm run parity`: Bencher's CLI commands, `bencher run` flags and REST operations beside ours, with `N of M` for each.
// Bencher's side: test/fixtures/bencher-cli.json (its CLI parser, source noted in the file) and
// test/fixtures/bencher-openapi.json (its OpenAPI document). Ours: the command tree of src/app/cli.ts, walked through
// @effect/cli's descriptors, and `OpenApi.fromApi(BencherApi)` of src/api/index.ts, loaded through tsx (`node --import tsx`).
// `--missing` prints only what we lack; `--json` prints the figures as JSON.
import { readFileSync } from "node:fs"
import { dirname, join } from "node:path"
import { fileURLToPath, pathToFileURL } from "node:url"

const root = join(dirname(fileURLToPath(import.meta.url)), "..")
const fromRoot = (...p) => join(root, ...p)
const args = new Set(process.argv.slice(2))
const readJson = (...p) => JSON.parse(readFileSync(fromRoot(...p), "utf8"))

const bencher = readJson("test", "fixtures", "bencher-cli.json")
const bencherOpenApi = readJson("test", "fixtures", "bencher-openapi.json")

let cli, api, OpenApi
try {
  cli = await import(pathToFileURL(fromRoot("src", "app", "cli.ts")).href)
  api = await import(pathToFileURL(fromRoot("src", "api", "index.ts")).href)
  ;({ OpenApi } = await import("@effect/platform"))
} catch (e) {
  console.error(`parity: cannot load src/ (run it as npm run parity, which loads TypeScript through tsx): ${e.message}`)
  process.exit(2)
}

// ---- our command tree ----

/** The Standard/GetUserInput descriptor under Map wrappers. */
const unwrap = (d) => (d._tag === "Map" ? unwrap(d.command) : d)

/** Every command path of the tree (groups and leaves), each with its options' long names and aliases. */
const walkCommands = (descriptor, prefix = []) => {
  const d = unwrap(descriptor)
  if (d._tag === "Subcommands") {
    const parent = unwrap(d.parent)
    const path = [...prefix, parent.name]
    return [
      { path, leaf: false, options: optionNames(parent.options) },
      ...d.children.flatMap((child) => walkCommands(child, path))
    ]
  }
  return [{ path: [...prefix, d.name], leaf: true, options: optionNames(d.options) }]
}

/** Long names and aliases of every `Single` option under an options tree (Both, Map, WithDefault, ...). */
const optionNames = (options) => {
  const names = new Set()
  const seen = new Set()
  const visit = (node) => {
    if (node === null || typeof node !== "object" || seen.has(node)) return
    seen.add(node)
    if (node._tag === "Single") {
      names.add(node.name)
      for (const alias of node.aliases ?? []) names.add(alias)
      return
    }
    for (const [key, value] of Object.entries(node)) {
      if (key === "fallback" || key === "config" || key === "description") continue
      if (Array.isArray(value)) value.forEach(visit)
      else visit(value)
    }
  }
  visit(options)
  return names
}

const ours = walkCommands(cli.rootCommand.descriptor)
  .map((c) => ({ ...c, path: c.path.slice(1) }))
  .filter((c) => c.path.length > 0)
const ourPaths = new Map(ours.map((c) => [c.path.join(" "), c]))

/** A Bencher path matches ours when each word equals ours or one of its Bencher aliases. */
const spellings = (word) => [word, ...(bencher.aliases[word] ?? [])]
const findOurs = (bencherPath) => {
  const words = bencherPath.split(" ")
  const candidates = words.reduce((acc, w) => acc.flatMap((prefix) => spellings(w).map((s) => [...prefix, s])), [[]])
  for (const c of candidates) {
    const found = ourPaths.get(c.join(" "))
    if (found !== undefined) return found
  }
  return undefined
}

// ---- REST operations ----

const METHODS = ["get", "post", "put", "patch", "delete"]
const operationsOf = (doc) =>
  Object.entries(doc.paths).flatMap(([path, item]) =>
    METHODS.filter((m) => item[m] !== undefined).map((m) => `${m.toUpperCase()} ${path.replace(/\{[^}]+\}/g, "{}")}`)
  )
const bencherOps = operationsOf(bencherOpenApi)
const ourOps = new Set(operationsOf(OpenApi.fromApi(api.BencherApi)))
const excludedOp = (op) => bencher.excluded.operations.some((re) => new RegExp(re).test(op.split(" ")[1]))

// ---- report ----

const mark = (ok) => (ok ? "yes" : " - ")
const pad = (s, n) => (s.length >= n ? s : s + " ".repeat(n - s.length))
const lines = []
const print = (s = "") => lines.push(s)
const missingOnly = args.has("--missing")

const figure = (label, have, total, excludedHave, excludedTotal) =>
  `${label}: ${have} of ${total}` +
  (excludedTotal > 0
    ? ` (${have - excludedHave} of ${total - excludedTotal} without the ${excludedTotal} excluded: ${bencher.excluded.why.split(":")[0]})`
    : "")

// commands
const excludedCommands = new Set(bencher.excluded.commands)
const commandRows = bencher.commands.map((c) => ({ bencher: c, ours: findOurs(c), excluded: excludedCommands.has(c) }))
print(`Bencher's CLI commands (${bencher.commands.length}; source: ${bencher.source.split(",")[0]}) beside ours`)
print(`${pad("Bencher", 28)} ${pad("ours", 28)}`)
for (const r of commandRows) {
  if (missingOnly && r.ours !== undefined) continue
  print(
    `${pad(r.bencher, 28)} ${pad(r.ours === undefined ? " -" : r.ours.path.join(" "), 28)}${r.excluded ? " (Bencher Cloud)" : ""}`
  )
}
const matchedPaths = new Set(commandRows.flatMap((r) => (r.ours === undefined ? [] : [r.ours.path.join(" ")])))
const extras = ours.filter((c) => c.leaf && !matchedPaths.has(c.path.join(" "))).map((c) => c.path.join(" "))
if (!missingOnly) print(`ours only: ${extras.join(", ")}`)

// run flags
const runOptions = ourPaths.get("run")?.options ?? new Set()
const hidden = new Set(bencher.hiddenRunFlags)
const flagRows = bencher.runFlags.map((names) => {
  const have = names.filter((n) => runOptions.has(n))
  return { flag: names[0], aliases: names.slice(1), have, hidden: hidden.has(names[0]) }
})
print()
print(`\`bencher run\` flags (${bencher.runFlags.length}, aliases after the flag)`)
for (const r of flagRows) {
  const full = r.have.length === 1 + r.aliases.length
  if (missingOnly && full) continue
  const label = `--${r.flag}${r.aliases.length > 0 ? ` (${r.aliases.map((a) => (a.length === 1 ? `-${a}` : `--${a}`)).join(", ")})` : ""}`
  print(
    `${pad(label, 58)} ${r.have.length === 0 ? " -" : full ? "yes" : `partly: ${r.have.join(", ")}`}${r.hidden ? " (hidden in Bencher)" : ""}`
  )
}
const bencherFlagNames = new Set(bencher.runFlags.flat())
const extraFlags = [...runOptions].filter((n) => !bencherFlagNames.has(n))
if (!missingOnly) print(`ours only: ${extraFlags.map((n) => (n.length === 1 ? `-${n}` : `--${n}`)).join(", ")}`)

// REST
print()
print(`REST operations (Bencher's OpenAPI ${bencherOpenApi.info?.version ?? ""}, ${bencherOps.length}) served by ours`)
for (const op of bencherOps) {
  const have = ourOps.has(op)
  if (missingOnly && have) continue
  print(`${mark(have)} ${op}${excludedOp(op) ? " (excluded)" : ""}`)
}
const bencherOpSet = new Set(bencherOps)
const extraOps = [...ourOps].filter((op) => !bencherOpSet.has(op))
if (!missingOnly) print(`ours only: ${extraOps.length} (${extraOps.join(", ")})`)

const commandsHave = commandRows.filter((r) => r.ours !== undefined)
const flagsHave = flagRows.filter((r) => r.have.length > 0)
const opsHave = bencherOps.filter((op) => ourOps.has(op))
const figures = {
  commands: {
    have: commandsHave.length,
    of: commandRows.length,
    excludedHave: commandsHave.filter((r) => r.excluded).length,
    excluded: excludedCommands.size
  },
  runFlags: { have: flagsHave.length, of: flagRows.length, excludedHave: 0, excluded: 0 },
  operations: {
    have: opsHave.length,
    of: bencherOps.length,
    excludedHave: opsHave.filter(excludedOp).length,
    excluded: bencherOps.filter(excludedOp).length
  }
}
print()
print(
  figure(
    "commands",
    figures.commands.have,
    figures.commands.of,
    figures.commands.excludedHave,
    figures.commands.excluded
  )
)
print(
  figure("run flags", figures.runFlags.have, figures.runFlags.of, 0, 0) +
    ` (${flagRows.filter((r) => r.have.length === 1 + r.aliases.length).length} with every alias)`
)
print(
  figure(
    "REST operations",
    figures.operations.have,
    figures.operations.of,
    figures.operations.excludedHave,
    figures.operations.excluded
  )
)

if (args.has("--json")) console.log(JSON.stringify(figures, null, 2))
else console.log(lines.join("\n"))

#!/usr/bin/env node
// The import rules of docs/architecture.md, checked over src/: which folder may import which, and no import circle.
// `node scripts/check-imports.mjs [root]` prints every violation as `file:line: message` and exits 1 when any exists.
import { readdirSync, readFileSync, statSync } from "node:fs"
import { dirname, join, relative, resolve, sep } from "node:path"
import { fileURLToPath } from "node:url"

/** Code with no IO and no services: tool output parsing, statistics, units, OCI vocabulary, shared wire types. */
export const PURE = ["adapters", "stats", "units", "oci", "domain", "types", "version.ts"]
/** One folder per domain: Context.Tag services over the store. */
export const SERVICES = [
  "projects",
  "reports",
  "thresholds",
  "jobs",
  "runners",
  "registry",
  "identity",
  "usage",
  "ci",
  "runs"
]

/** What each part of src/ may import besides itself. `*` is anything. */
export const ALLOWED = {
  "main.ts": ["*"],
  app: ["*"],
  cli: ["api", "image", ...PURE],
  web: ["api", ...PURE],
  server: ["api", "store", "image", ...SERVICES, ...PURE],
  ...Object.fromEntries(SERVICES.map((s) => [s, ["api", "store", ...SERVICES, ...PURE]])),
  runner: ["api", "image", ...PURE],
  image: [...PURE],
  store: [...PURE],
  api: [...PURE],
  ...Object.fromEntries(PURE.map((p) => [p, [...PURE]]))
}

const IMPORT =
  /(?:^|[\s;])(?:import|export)\s*(?:type\s+)?(?:[^"';]*?\sfrom\s*)?["'](\.{1,2}\/[^"']+)["']|import\(\s*["'](\.{1,2}\/[^"']+)["']\s*\)/g

const walk = (dir) =>
  readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    return statSync(path).isDirectory()
      ? walk(path)
      : /\.(ts|tsx|mts)$/.test(name) && !name.endsWith(".d.ts")
        ? [path]
        : []
  })

/** The part of src/ a file belongs to: its top folder, or its own name for a file at the top. */
const partOf = (srcDir, file) => relative(srcDir, file).split(sep)[0]

/** Every relative import of each file, resolved to the imported file, with its line. */
const importsOf = (file) => {
  const text = readFileSync(file, "utf8")
  const found = []
  for (const match of text.matchAll(IMPORT)) {
    const spec = match[1] ?? match[2]
    const line = text.slice(0, match.index).split("\n").length + (match[0].startsWith("\n") ? 1 : 0)
    found.push({ spec, line, target: resolve(dirname(file), spec).replace(/\.js$/, ".ts") })
  }
  return found
}

/** Strongly connected components with more than one file (Tarjan), each a circle of imports. */
const circlesOf = (graph) => {
  let index = 0
  const stack = []
  const state = new Map()
  const circles = []
  const visit = (node) => {
    const entry = { index, low: index, onStack: true }
    index++
    state.set(node, entry)
    stack.push(node)
    for (const next of graph.get(node) ?? []) {
      if (!graph.has(next)) continue
      const seen = state.get(next)
      if (seen === undefined) {
        visit(next)
        entry.low = Math.min(entry.low, state.get(next).low)
      } else if (seen.onStack) {
        entry.low = Math.min(entry.low, seen.index)
      }
    }
    if (entry.low === entry.index) {
      const component = []
      let member
      do {
        member = stack.pop()
        state.get(member).onStack = false
        component.push(member)
      } while (member !== node)
      if (component.length > 1) circles.push(component.sort())
    }
  }
  for (const node of graph.keys()) if (!state.has(node)) visit(node)
  return circles
}

/** Every violation under `root`/src, as `{ file, line, message }`, files relative to root. */
export const checkImports = (root) => {
  const srcDir = join(root, "src")
  const files = walk(srcDir)
  const violations = []
  const graph = new Map()
  for (const file of files) {
    const from = partOf(srcDir, file)
    const allowed = ALLOWED[from]
    const edges = new Set()
    for (const { spec, line, target } of importsOf(file)) {
      edges.add(target)
      const rel = relative(srcDir, target)
      if (rel.startsWith("..")) {
        violations.push({ file: relative(root, file), line, message: `imports ${spec}, outside src/` })
        continue
      }
      const to = partOf(srcDir, target)
      if (to === from) continue
      if (allowed === undefined) {
        violations.push({
          file: relative(root, file),
          line,
          message: `${from}/ is not a known part of src/ (add it to scripts/check-imports.mjs)`
        })
      } else if (!allowed.includes("*") && !allowed.includes(to)) {
        violations.push({ file: relative(root, file), line, message: `${from}/ may not import ${to}/ (${spec})` })
      }
    }
    graph.set(file, [...edges])
  }
  for (const circle of circlesOf(graph)) {
    const first = circle[0]
    const line = importsOf(first).find((i) => circle.includes(i.target))?.line ?? 1
    violations.push({
      file: relative(root, first),
      line,
      message: `import circle: ${circle.map((f) => relative(root, f)).join(" -> ")} -> back`
    })
  }
  return violations
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const root = resolve(process.argv[2] ?? join(dirname(fileURLToPath(import.meta.url)), ".."))
  const violations = checkImports(root)
  for (const v of violations) console.log(`${v.file}:${v.line}: ${v.message}`)
  console.log(violations.length === 0 ? "imports: no violation" : `imports: ${violations.length} violation(s)`)
  process.exit(violations.length === 0 ? 0 : 1)
}

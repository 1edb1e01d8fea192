// Bundles the CLI with esbuild, in one of two shapes:
// - `node scripts/bundle.mjs` (`npm run build`): what bin/bencher.js runs. ESM with code splitting into dist/: the
//   entry dist/main.js, and dist/chunks/ loaded on demand (the server, the runner, each host command), with source
//   maps. better-sqlite3 and the optional native addons stay external, loaded from node_modules.
// - `node scripts/bundle.mjs --sea` (`npm run build:binary`): one CommonJS file (Node 20's single executable
//   applications run only CommonJS) plus the better-sqlite3 addon beside it: build/bencher.cjs +
//   build/better_sqlite3.node, for scripts/sea.sh. Dynamic imports stay lazy inside the one file.
import { build } from "esbuild"
import { copyFileSync, mkdirSync, readdirSync, rmSync } from "node:fs"
import { createRequire } from "node:module"
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"

const root = join(dirname(fileURLToPath(import.meta.url)), "..")
const require = createRequire(import.meta.url)
const sea = process.argv.includes("--sea")

// Optional native accelerators have JS fallbacks behind try/catch.
const optionalNative = ["bufferutil", "utf-8-validate", "msgpackr-extract", "@parcel/watcher"]

// In the single binary they are stubbed, and `bindings` (better-sqlite3's addon loader) reads the embedded addon.
const seaNativePlugin = {
  name: "native",
  setup(b) {
    b.onResolve({ filter: /^bindings$/ }, () => ({ path: join(root, "scripts", "bindings-shim.cjs") }))
    b.onResolve(
      { filter: new RegExp(`^(${optionalNative.map((s) => s.replace(/[/@.-]/g, "\\$&")).join("|")})$`) },
      (args) => ({
        path: args.path,
        namespace: "stub"
      })
    )
    b.onLoad({ filter: /.*/, namespace: "stub" }, (args) => ({
      contents: `throw new Error(${JSON.stringify(`${args.path} is not bundled`)})`,
      loader: "js"
    }))
  }
}

// @effect/cli imports YAML, TOML and INI parsers (for options read from files) when it loads; bencher reads none.
// These stand-ins load each parser on first use, so starting the CLI does not run them.
const lazyParsersPlugin = {
  name: "lazy-parsers",
  setup(b) {
    b.onResolve({ filter: /^(yaml|toml|ini)$/ }, (args) =>
      args.importer.includes(`${"@effect"}/cli/`) ? { path: args.path, namespace: "lazy-parser" } : undefined
    )
    b.onLoad({ filter: /.*/, namespace: "lazy-parser" }, (args) => ({
      contents: `export const parse = (text) => require(${JSON.stringify(args.path)}).parse(text)`,
      resolveDir: root,
      loader: "js"
    }))
  }
}

const common = {
  entryPoints: [join(root, "src", "main.ts")],
  bundle: true,
  platform: "node",
  target: "node20",
  legalComments: "none",
  logLevel: "warning"
}

if (sea) {
  const out = join(root, "build")
  mkdirSync(out, { recursive: true })
  await build({
    ...common,
    outfile: join(out, "bencher.cjs"),
    format: "cjs",
    sourcemap: false,
    plugins: [lazyParsersPlugin, seaNativePlugin]
  })
  const addon = join(dirname(require.resolve("better-sqlite3/package.json")), "build", "Release", "better_sqlite3.node")
  copyFileSync(addon, join(out, "better_sqlite3.node"))
  console.log(`bundled ${join(out, "bencher.cjs")}`)
} else {
  const out = join(root, "dist")
  // Everything but the single binary (dist/bencher) is this build's output, older tsc output included.
  mkdirSync(out, { recursive: true })
  for (const name of readdirSync(out)) if (name !== "bencher") rmSync(join(out, name), { recursive: true, force: true })
  await build({
    ...common,
    outdir: out,
    entryNames: "[name]",
    chunkNames: "chunks/[name]-[hash]",
    format: "esm",
    splitting: true,
    sourcemap: true,
    // The parsers @effect/cli loads on first use are read from node_modules, like better-sqlite3.
    external: ["better-sqlite3", "yaml", "toml", "ini", ...optionalNative],
    plugins: [lazyParsersPlugin],
    // CommonJS dependencies inside an ES module bundle still call require().
    banner: {
      js: `import { createRequire as __bencherRequire } from "node:module";\nconst require = __bencherRequire(import.meta.url);`
    }
  })
  console.log(`bundled ${join(out, "main.js")}`)
}

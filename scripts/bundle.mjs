// Bundles the CLI into one CommonJS file (Node 20's single executable applications run only CommonJS) and copies
// the better-sqlite3 addon beside it. Output: build/bencher.cjs + build/better_sqlite3.node.
import { build } from "esbuild"
import { copyFileSync, mkdirSync } from "node:fs"
import { createRequire } from "node:module"
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"

const root = join(dirname(fileURLToPath(import.meta.url)), "..")
const out = join(root, "build")
const require = createRequire(import.meta.url)
mkdirSync(out, { recursive: true })

// Optional native accelerators have JS fallbacks behind try/catch; stubbing them keeps the SEA self-contained.
const stubbed = ["bufferutil", "utf-8-validate", "msgpackr-extract", "@parcel/watcher"]
const nativePlugin = {
  name: "native",
  setup(b) {
    b.onResolve({ filter: /^bindings$/ }, () => ({ path: join(root, "scripts", "bindings-shim.cjs") }))
    b.onResolve({ filter: new RegExp(`^(${stubbed.map((s) => s.replace(/[/@.-]/g, "\\$&")).join("|")})$`) }, (args) => ({
      path: args.path,
      namespace: "stub"
    }))
    b.onLoad({ filter: /.*/, namespace: "stub" }, (args) => ({
      contents: `throw new Error(${JSON.stringify(`${args.path} is not bundled`)})`,
      loader: "js"
    }))
  }
}

await build({
  entryPoints: [join(root, "src", "main.ts")],
  outfile: join(out, "bencher.cjs"),
  bundle: true,
  platform: "node",
  target: "node20",
  format: "cjs",
  sourcemap: false,
  legalComments: "none",
  plugins: [nativePlugin],
  logLevel: "warning"
})

const addon = join(dirname(require.resolve("better-sqlite3/package.json")), "build", "Release", "better_sqlite3.node")
copyFileSync(addon, join(out, "better_sqlite3.node"))
console.log(`bundled ${join(out, "bencher.cjs")}`)

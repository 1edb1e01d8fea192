// Replaces the `bindings` package for better-sqlite3 inside the bundle. In a single executable application the
// addon is an embedded asset: it is written once to the temp folder under its content hash and dlopen'ed from
// there. In the plain bundle it sits next to bencher.cjs.
const crypto = require("node:crypto")
const fs = require("node:fs")
const os = require("node:os")
const path = require("node:path")

const isSea = () => {
  try {
    return require("node:sea").isSea()
  } catch {
    return false
  }
}

module.exports = function bindings(name) {
  const mod = { exports: {} }
  if (isSea()) {
    const bytes = Buffer.from(require("node:sea").getRawAsset(name))
    const hash = crypto.createHash("sha256").update(bytes).digest("hex").slice(0, 16)
    const file = path.join(os.tmpdir(), `${hash}-${name}`)
    if (!fs.existsSync(file)) {
      const partial = `${file}.${process.pid}.tmp`
      fs.writeFileSync(partial, bytes, { mode: 0o755 })
      fs.renameSync(partial, file)
    }
    process.dlopen(mod, file)
  } else {
    process.dlopen(mod, path.join(__dirname, name))
  }
  return mod.exports
}

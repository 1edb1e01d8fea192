import { Effect } from "effect"
import { chmod, mkdir, readdir, rm } from "node:fs/promises"
import { join, posix } from "node:path"
import * as tar from "tar"
import { ImageInvalid, ImageTooLarge, UnsafeLayerEntry } from "../errors.js"

const WHITEOUT = ".wh."
const OPAQUE = ".wh..wh..opq"

/** Normalises a layer path (`./a/b/`) to `a/b`, or reports why it would leave the root. */
const safeEntryPath = (raw: string): string | { readonly unsafe: string } => {
  if (raw.startsWith("/") || /^[A-Za-z]:/.test(raw)) return { unsafe: "absolute path" }
  const parts = raw.split("/").filter((p) => p !== "" && p !== ".")
  if (parts.includes("..")) return { unsafe: "`..` component" }
  return parts.join("/")
}

interface LayerPlan {
  readonly opaqueDirs: ReadonlyArray<string>
  readonly whiteouts: ReadonlyArray<string>
  readonly bytes: number
}

/** First pass over a layer: reject unsafe entries, sum sizes, collect whiteouts (applied before extraction). */
const planLayer = (file: string, budget: number) =>
  Effect.async<LayerPlan, UnsafeLayerEntry | ImageTooLarge | ImageInvalid>((resume) => {
    const opaqueDirs: Array<string> = []
    const whiteouts: Array<string> = []
    let bytes = 0
    let failed: UnsafeLayerEntry | ImageTooLarge | undefined
    tar
      .t({
        file,
        strict: true,
        onReadEntry: (entry) => {
          entry.resume()
          if (failed !== undefined) return
          const path = safeEntryPath(entry.path)
          if (typeof path !== "string") {
            failed = new UnsafeLayerEntry({ path: entry.path, message: `layer entry "${entry.path}": ${path.unsafe}` })
            return
          }
          if (entry.type === "Link") {
            const target = safeEntryPath(entry.linkpath ?? "")
            if (typeof target !== "string") {
              failed = new UnsafeLayerEntry({
                path: entry.path,
                message: `hard link "${entry.path}" -> "${entry.linkpath}": ${target.unsafe}`
              })
              return
            }
          }
          bytes += entry.size ?? 0
          if (bytes > budget) {
            failed = new ImageTooLarge({ limitBytes: budget, message: `unpacked image exceeds ${budget} bytes` })
            return
          }
          const base = posix.basename(path)
          if (base === OPAQUE) opaqueDirs.push(posix.dirname(path))
          else if (base.startsWith(WHITEOUT))
            whiteouts.push(posix.join(posix.dirname(path), base.slice(WHITEOUT.length)))
        }
      })
      .then(
        () => resume(failed !== undefined ? Effect.fail(failed) : Effect.succeed({ opaqueDirs, whiteouts, bytes })),
        (e: unknown) =>
          resume(
            Effect.fail(
              failed ??
                new ImageInvalid({
                  message: `layer is not a readable tar: ${String(e instanceof Error ? e.message : e)}`
                })
            )
          )
      )
  })

const io = <A>(what: string, f: () => Promise<A>) =>
  Effect.tryPromise({
    try: f,
    catch: (e) => new ImageInvalid({ message: `${what}: ${String(e instanceof Error ? e.message : e)}` })
  })

const applyWhiteouts = (rootfs: string, plan: LayerPlan) =>
  Effect.gen(function* () {
    for (const dir of plan.opaqueDirs) {
      const abs = join(rootfs, dir)
      const names = yield* io(`reading ${dir}`, () => readdir(abs).catch(() => [] as Array<string>))
      for (const name of names)
        yield* io(`clearing ${dir}`, () => rm(join(abs, name), { recursive: true, force: true }))
    }
    for (const path of plan.whiteouts)
      yield* io(`whiting out ${path}`, () => rm(join(rootfs, path), { recursive: true, force: true }))
  })

const extract = (file: string, rootfs: string) =>
  io("extracting layer", () =>
    tar.x({
      file,
      cwd: rootfs,
      preservePaths: false,
      filter: (path) => !posix.basename(path).startsWith(WHITEOUT)
    })
  )

/** Mount points the executors need; created here because the root is read-only at run time. */
const MOUNT_POINTS = ["proc", "dev", "sys", "tmp", "output"]

/**
 * Applies layers in order onto an empty directory, honouring whiteouts; returns the unpacked size.
 * Rejects `..`, absolute paths and hard links out of the root; tar itself refuses to extract through symlinks.
 */
export const unpackLayers = (layerFiles: ReadonlyArray<string>, rootfs: string, maxUnpackedBytes: number) =>
  Effect.gen(function* () {
    yield* io("creating rootfs", () => mkdir(rootfs, { recursive: true }))
    let total = 0
    for (const file of layerFiles) {
      const plan = yield* planLayer(file, maxUnpackedBytes - total)
      total += plan.bytes
      yield* applyWhiteouts(rootfs, plan)
      yield* extract(file, rootfs)
    }
    for (const dir of MOUNT_POINTS) {
      yield* io(`creating /${dir}`, () =>
        mkdir(join(rootfs, dir), { recursive: true })
          .then(() => undefined)
          .catch(() => undefined)
      )
    }
    yield* io("chmod /tmp", () => chmod(join(rootfs, "tmp"), 0o1777).catch(() => undefined))
    yield* io("chmod rootfs", () => chmod(rootfs, 0o755))
    return total
  })

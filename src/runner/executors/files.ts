import { constants, type Stats } from "node:fs"
import { lstat, open, readlink } from "node:fs/promises"
import { join, posix } from "node:path"
import { type OutputFile, SANDBOX_OUTPUT_DIR } from "./executor.js"

/** Like Bencher's runner: a path may pass through at most this many symlinks. */
export const MAX_SYMLINKS = 40

/** How sandbox paths map to host paths after exit: the output dir is host-backed, the rest is the read-only root. */
export interface SandboxView {
  readonly rootfs: string
  readonly outputDir: string
  readonly cwd: string
}

const hostPathOf = (view: SandboxView, sandboxPath: string): string | undefined => {
  if (sandboxPath === SANDBOX_OUTPUT_DIR || sandboxPath.startsWith(`${SANDBOX_OUTPUT_DIR}/`)) {
    return join(view.outputDir, sandboxPath.slice(SANDBOX_OUTPUT_DIR.length))
  }
  // /tmp, /proc and /dev were per-run mounts and are gone.
  if (/^\/(tmp|proc|dev|sys)(\/|$)/.test(sandboxPath)) return undefined
  return join(view.rootfs, sandboxPath)
}

/**
 * Resolves a sandbox path component by component, following symlinks as the sandbox would see them (absolute
 * targets restart at the sandbox root), so no link can lead out of the root onto the host.
 */
export const resolveInSandbox = async (
  view: SandboxView,
  path: string
): Promise<string | { readonly reason: string }> => {
  let pending = posix
    .resolve(view.cwd, path)
    .split("/")
    .filter((p) => p !== "")
  let current: Array<string> = []
  let hops = 0
  while (pending.length > 0) {
    const [head, ...rest] = pending
    pending = rest
    if (head === undefined || head === ".") continue
    if (head === "..") {
      current.pop()
      continue
    }
    const candidate = `/${[...current, head].join("/")}`
    const host = hostPathOf(view, candidate)
    if (host === undefined)
      return { reason: `${candidate} does not outlive the sandbox; write results under ${SANDBOX_OUTPUT_DIR}` }
    const info = await lstat(host).catch(() => undefined)
    if (info === undefined) return { reason: "not found" }
    if (info.isSymbolicLink()) {
      if (++hops > MAX_SYMLINKS) return { reason: `more than ${MAX_SYMLINKS} symlinks` }
      const target = await readlink(host)
      if (target.startsWith("/")) current = []
      pending = [...target.split("/").filter((p) => p !== ""), ...pending]
      continue
    }
    if (pending.length > 0 && !info.isDirectory()) return { reason: "not found" }
    current.push(head)
  }
  const host = hostPathOf(view, `/${current.join("/")}`)
  return host ?? { reason: "not found" }
}

/** What a path that is not a regular file is, for the per-file error. */
export const fileKind = (info: Stats): string =>
  info.isFIFO()
    ? "a FIFO"
    : info.isSocket()
      ? "a socket"
      : info.isCharacterDevice()
        ? "a character device"
        : info.isBlockDevice()
          ? "a block device"
          : info.isDirectory()
            ? "a directory"
            : info.isSymbolicLink()
              ? "a symlink"
              : "not a regular file"

/**
 * Reads at most `max` bytes of a regular file. The kind is checked with lstat before opening, and the open
 * never blocks (O_NONBLOCK: a FIFO without a writer would wait forever) nor follows a link (O_NOFOLLOW); the
 * opened file must be the one checked.
 */
const readCapped = async (file: string, max: number) => {
  const checked = await lstat(file)
  if (!checked.isFile()) throw new Error(`not a regular file (${fileKind(checked)})`)
  const handle = await open(file, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOFOLLOW)
  try {
    const info = await handle.stat()
    if (!info.isFile()) throw new Error(`not a regular file (${fileKind(info)})`)
    if (info.dev !== checked.dev || info.ino !== checked.ino) throw new Error("changed while it was read")
    const buffer = Buffer.alloc(Math.min(info.size, max))
    let offset = 0
    while (offset < buffer.length) {
      const { bytesRead } = await handle.read(buffer, offset, buffer.length - offset, offset)
      if (bytesRead === 0) break
      offset += bytesRead
    }
    return { content: buffer.subarray(0, offset), size: info.size }
  } finally {
    await handle.close()
  }
}

/** Reads the job's `file_paths` after exit: at most `maxFiles`, each capped at `maxBytes`. */
export const collectFiles = async (
  view: SandboxView,
  paths: ReadonlyArray<string>,
  maxFiles: number,
  maxBytes: number
) => {
  const files: Array<OutputFile> = []
  const missing: Array<{ path: string; reason: string }> = []
  for (const [i, path] of paths.entries()) {
    if (i >= maxFiles) {
      missing.push({ path, reason: `over the limit of ${maxFiles} files` })
      continue
    }
    const host = await resolveInSandbox(view, path)
    if (typeof host !== "string") {
      missing.push({ path, reason: host.reason })
      continue
    }
    try {
      const { content, size } = await readCapped(host, maxBytes)
      files.push({ path, content, size, truncated: size > content.length })
    } catch (e) {
      missing.push({ path, reason: String(e instanceof Error ? e.message : e) })
    }
  }
  return { files, missing }
}

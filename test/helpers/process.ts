import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process"
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"

export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), "..", "..")
export const binPath = join(repoRoot, "bin", "bencher.js")

export interface Spawned {
  readonly child: ChildProcessWithoutNullStreams
  readonly stdout: () => string
  readonly stderr: () => string
  /** Resolves with the exit code (or null when killed by a signal). */
  readonly exited: Promise<number | null>
  /** Resolves once stdout+stderr match the pattern; rejects when the process exits first or after timeoutMs. */
  readonly waitFor: (pattern: RegExp, timeoutMs?: number) => Promise<RegExpMatchArray>
}

/** Runs the built CLI (`bin/bencher.js`) as a real process. */
export const spawnBencher = (args: ReadonlyArray<string>, env: NodeJS.ProcessEnv = {}): Spawned => {
  const child = spawn(process.execPath, [binPath, ...args], {
    cwd: repoRoot,
    env: { ...process.env, ...env }
  })
  let out = ""
  let err = ""
  const listeners = new Set<() => void>()
  child.stdout.on("data", (d: Buffer) => {
    out += d.toString()
    for (const l of listeners) l()
  })
  child.stderr.on("data", (d: Buffer) => {
    err += d.toString()
    for (const l of listeners) l()
  })
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)))
  const waitFor = (pattern: RegExp, timeoutMs = 15_000) =>
    new Promise<RegExpMatchArray>((resolve, reject) => {
      const check = () => {
        const m = (out + err).match(pattern)
        if (m !== null) {
          cleanup()
          resolve(m)
        }
      }
      const timer = setTimeout(() => {
        cleanup()
        reject(new Error(`timed out waiting for ${pattern}; output:\n${out}${err}`))
      }, timeoutMs)
      const cleanup = () => {
        clearTimeout(timer)
        listeners.delete(check)
      }
      listeners.add(check)
      void exited.then(() => {
        check()
        if (listeners.has(check)) {
          cleanup()
          reject(new Error(`process exited before ${pattern}; output:\n${out}${err}`))
        }
      })
      check()
    })
  return { child, stdout: () => out, stderr: () => err, exited, waitFor }
}

/** Runs the CLI to completion. */
export const runBencher = async (args: ReadonlyArray<string>, env: NodeJS.ProcessEnv = {}, input?: string) => {
  const p = spawnBencher(args, env)
  if (input !== undefined) p.child.stdin.end(input)
  else p.child.stdin.end()
  const code = await p.exited
  return { code, stdout: p.stdout(), stderr: p.stderr() }
}

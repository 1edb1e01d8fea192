import { Effect } from "effect"
import { mkdir, mkdtemp, rm, symlink } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { ExecutorUnavailable } from "../errors.js"
import type { Executor, RunSpec } from "./executor.js"

/** A rootfs of the host's /usr (merged-usr hosts), enough to run /usr/bin/true through the real code path. */
const probeSpec = async (): Promise<RunSpec> => {
  const scratch = await mkdtemp(join(tmpdir(), "bencher-probe-"))
  const rootfs = join(scratch, "rootfs")
  for (const d of ["usr", "proc", "dev", "sys", "tmp", "output"]) await mkdir(join(rootfs, d), { recursive: true })
  for (const l of ["bin", "lib", "lib64", "sbin"]) await symlink(`usr/${l}`, join(rootfs, l)).catch(() => undefined)
  return {
    id: `probe-${process.pid}-${Date.now()}`,
    rootfs,
    argv: ["/usr/bin/true"],
    env: { PATH: "/usr/bin:/bin" },
    cwd: "/",
    network: false,
    filePaths: [],
    scratchDir: scratch,
    limits: { timeoutMs: 20_000, maxOutputBytes: 64 * 1024, maxFileCount: 0, memoryBytes: 64 * 1024 * 1024, pids: 16 },
    binds: [{ source: "/usr", target: "/usr" }]
  }
}

/** Probes an executor by running /usr/bin/true through its real run path, limits included. */
export const probeWith = (executor: Pick<Executor, "run" | "kind">) =>
  Effect.acquireUseRelease(
    Effect.promise(probeSpec),
    (spec) =>
      executor.run(spec).pipe(
        Effect.mapError((e) => new ExecutorUnavailable({ executor: executor.kind, message: e.message })),
        Effect.flatMap((r) =>
          r.exitCode === 0
            ? Effect.void
            : Effect.fail(
                new ExecutorUnavailable({
                  executor: executor.kind,
                  message: `test run exited with ${r.exitCode ?? r.signal}: ${r.stderr.toString("utf8").trim().slice(0, 300)}`
                })
              )
        )
      ),
    (spec) => Effect.promise(() => rm(spec.scratchDir, { recursive: true, force: true }))
  )

import { Effect } from "effect"
import { existsSync } from "node:fs"
import { join } from "node:path"
import { SandboxRequired } from "../errors.js"
import { type Executor, SANDBOX_OUTPUT_DIR } from "./executor.js"
import { prepareOutputDir, runInSandbox } from "./sandbox.js"

/**
 * No isolation at all: the image's entrypoint runs as a host process (paths resolved inside the unpacked root,
 * cwd inside it, output dir passed as BENCHER_OUTPUT_DIR). Only with `--danger-allow-no-sandbox`.
 */
export const localExecutor = (allowNoSandbox: boolean): Effect.Effect<Executor, SandboxRequired> =>
  allowNoSandbox
    ? Effect.succeed<Executor>({
        kind: "local",
        describe: "local (NO SANDBOX)",
        probe: Effect.void,
        run: (spec, signal) =>
          runInSandbox(
            "local",
            spec,
            signal,
            { rootfs: spec.rootfs, outputDir: join(spec.scratchDir, "output"), cwd: spec.cwd },
            async () => {
              const outputDir = await prepareOutputDir(spec)
              const [program, ...args] = spec.argv
              const inRoot =
                program !== undefined && program.startsWith("/") && existsSync(join(spec.rootfs, program))
                  ? join(spec.rootfs, program)
                  : program
              const cwd = join(spec.rootfs, spec.cwd)
              return {
                argv: [inRoot ?? "/nonexistent", ...args],
                env: { ...spec.env, BENCHER_OUTPUT_DIR: outputDir },
                cwd: existsSync(cwd) ? cwd : spec.rootfs,
                enterCgroup: true
              }
            }
          )
      })
    : Effect.fail(
        new SandboxRequired({
          message: `the local executor runs jobs without any isolation; pass --danger-allow-no-sandbox to allow it (files under ${SANDBOX_OUTPUT_DIR} map to BENCHER_OUTPUT_DIR)`
        })
      )

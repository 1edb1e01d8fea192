import { spawn } from "node:child_process"
import { createInterface } from "node:readline"
import { Effect } from "effect"
import { CommandFailed } from "./errors.js"

/** How to start the benchmark command: through a shell (one string) or argv directly (`--exec`). */
export type BenchCommand =
  | { readonly _tag: "Shell"; readonly shell: string; readonly flag: string; readonly command: string }
  | { readonly _tag: "Exec"; readonly argv: ReadonlyArray<string> }

export const DEFAULT_SHELL = process.platform === "win32" ? "cmd" : "/bin/sh"
export const DEFAULT_SHELL_FLAG = process.platform === "win32" ? "/C" : "-c"

/**
 * Bencher's rule: one argument runs through the shell, several run as argv, and `--exec` forces argv.
 * Undefined when there is no command at all (then results come from `--file`, `--file-size` or stdin).
 */
export const benchCommand = (
  args: ReadonlyArray<string>,
  options: { readonly exec: boolean; readonly shell: string; readonly flag: string }
): BenchCommand | undefined => {
  if (args.length === 0) return undefined
  if (args.length === 1 && !options.exec) {
    return { _tag: "Shell", shell: options.shell, flag: options.flag, command: args[0] as string }
  }
  return { _tag: "Exec", argv: args }
}

/** The command as shown to users and used as the `--build-time` benchmark name: `/bin/sh -c ./build.sh`. */
export const displayCommand = (command: BenchCommand): string =>
  command._tag === "Shell" ? `${command.shell} ${command.flag} ${command.command}` : command.argv.join(" ")

export interface CommandOutput {
  readonly exitCode: number | null
  readonly stdout: string
  readonly stderr: string
  readonly elapsedMs: number
}

export type Echo = (line: string, stream: "stdout" | "stderr") => void

/** Echoes the command's lines to our own stdout/stderr as they arrive. */
export const echoToConsole: Echo = (line, stream) => {
  ;(stream === "stdout" ? process.stdout : process.stderr).write(line + "\n")
}

/**
 * Runs the command once with stdout and stderr piped: each line is echoed (unless `echo` is undefined, for
 * `--quiet`) and everything is collected. A command that cannot start fails; a non-zero exit is a value.
 */
export const executeCommand = (command: BenchCommand, echo: Echo | undefined) =>
  Effect.async<CommandOutput, CommandFailed>((resume) => {
    const [file, args] =
      command._tag === "Shell"
        ? [command.shell, [command.flag, command.command]]
        : [command.argv[0] as string, command.argv.slice(1)]
    const started = performance.now()
    const child = spawn(file, args, { stdio: ["inherit", "pipe", "pipe"] })
    const collected = { stdout: [] as Array<string>, stderr: [] as Array<string> }
    const closes: Array<Promise<void>> = []
    for (const stream of ["stdout", "stderr"] as const) {
      const lines = createInterface({ input: child[stream], crlfDelay: Infinity })
      lines.on("line", (line) => {
        collected[stream].push(line)
        echo?.(line, stream)
      })
      closes.push(new Promise((resolve) => lines.once("close", () => resolve())))
    }
    let failed = false
    child.once("error", (error) => {
      failed = true
      resume(
        Effect.fail(
          new CommandFailed({
            message: `Failed to run command ${JSON.stringify(displayCommand(command))}: ${error.message}`,
            commandExitCode: null
          })
        )
      )
    })
    child.once("close", (code) => {
      if (failed) return
      const elapsedMs = performance.now() - started
      void Promise.all(closes).then(() =>
        resume(
          Effect.succeed({
            exitCode: code,
            stdout: collected.stdout.join("\n"),
            stderr: collected.stderr.join("\n"),
            elapsedMs
          })
        )
      )
    })
    return Effect.sync(() => {
      if (child.exitCode === null) child.kill("SIGTERM")
    })
  })

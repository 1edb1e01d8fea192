import { Data } from "effect"

// Failures of `bencher run` a user can act on. Each carries the process exit code src/main.ts uses and a message
// it prints as `error: <message>`.

/** Flags that do not fit together or values that do not parse (thresholds, start point, fold without iter...). */
export class RunFlagError extends Data.TaggedError("RunFlagError")<{ readonly message: string }> {
  readonly exitCode = 1
}

/** No `--project` in CI without `--ci-on-the-fly` (Bencher's `CiOnTheFly`), or a project key without a project. */
export class ProjectRequired extends Data.TaggedError("ProjectRequired")<{ readonly message: string }> {
  readonly exitCode = 1
}

/** The benchmark command could not start or exited non-zero without `--allow-failure`. */
export class CommandFailed extends Data.TaggedError("CommandFailed")<{
  readonly message: string
  readonly commandExitCode: number | null
}> {
  readonly exitCode = 1
}

/** A results file, a `--file-size` path or stdin could not be read. */
export class ResultsUnreadable extends Data.TaggedError("ResultsUnreadable")<{ readonly message: string }> {
  readonly exitCode = 1
}

/** `--err` and the report has alerts: `Alerts detected (N)`, as Bencher. */
export class AlertsDetected extends Data.TaggedError("AlertsDetected")<{
  readonly message: string
  readonly count: number
}> {
  readonly exitCode = 1
}

/** A flag `bencher run` does not know, before the command: a usage error, exit 2 as Bencher's (clap's). */
export class UnknownRunFlag extends Data.TaggedError("UnknownRunFlag")<{ readonly message: string }> {
  readonly exitCode = 2
}

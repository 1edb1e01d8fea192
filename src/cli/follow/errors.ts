import { Data } from "effect"

// How following a remote job can end besides success; each carries its process exit code (the README's table)
// (src/main.ts exits with a failure's `exitCode`) and a message printed as `error: <message>`.

/** The job failed (runner error, timeout, bad output): exit 2. */
export class JobFailed extends Data.TaggedError("JobFailed")<{ readonly message: string }> {
  readonly exitCode = 2
}

/** The job was canceled (by a user, or for running over its timeout): exit 3. */
export class JobCanceled extends Data.TaggedError("JobCanceled")<{ readonly message: string }> {
  readonly exitCode = 3
}

/** The CLI stopped waiting; the job itself goes on: exit 4. */
export class WaitTimedOut extends Data.TaggedError("WaitTimedOut")<{ readonly message: string }> {
  readonly exitCode = 4
}

/** Ctrl-C while following (the job was canceled, or left running on a second Ctrl-C): exit 130, as a shell would. */
export class FollowInterrupted extends Data.TaggedError("FollowInterrupted")<{ readonly message: string }> {
  readonly exitCode = 130
}

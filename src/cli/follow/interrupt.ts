import { Deferred, Effect, Fiber } from "effect"
import { createInterface } from "node:readline"

// Ctrl-C while following: the first one cancels the job (after a yes on a terminal, at once with
// --cancel-on-interrupt or without a terminal to ask on); a second one leaves at once without canceling.

/** Asks on the terminal; Ctrl-C there (the terminal is in raw mode, so no SIGINT reaches the process) is `onCtrlC`. */
const askYes = (question: string, onCtrlC: () => void) =>
  Effect.async<boolean>((resume) => {
    const rl = createInterface({ input: process.stdin, output: process.stderr })
    rl.on("SIGINT", onCtrlC)
    rl.question(question, (answer) => {
      rl.close()
      resume(Effect.succeed(/^y(es)?$/i.test(answer.trim())))
    })
    return Effect.sync(() => rl.close())
  })

export interface InterruptPolicy {
  /** Ask before canceling (a terminal, without --cancel-on-interrupt). */
  readonly confirm: boolean
  /** Cancels the job and fails with the exit-130 error. */
  readonly cancel: Effect.Effect<never, unknown>
  /** The second Ctrl-C: leave without canceling. */
  readonly leave: () => never
  /** Told while the question is asked, so a status line does not draw over it. */
  readonly asking: (asking: boolean) => void
}

/**
 * Runs `follow` with SIGINT taken over from the runtime (whose handler would just interrupt the program), and the
 * runtime's handlers given back when it ends.
 */
export const onCtrlC = <A, E, R>(follow: Effect.Effect<A, E, R>, policy: InterruptPolicy) =>
  Effect.gen(function* () {
    let signals = 0
    let pressed = yield* Deferred.make<void>()
    const onSigint = () => {
      signals++
      if (signals >= 2) policy.leave()
      Deferred.unsafeDone(pressed, Effect.void)
    }
    yield* Effect.acquireRelease(
      Effect.sync(() => {
        const previous = process.listeners("SIGINT")
        process.removeAllListeners("SIGINT")
        process.on("SIGINT", onSigint)
        return previous
      }),
      (previous) =>
        Effect.sync(() => {
          process.removeListener("SIGINT", onSigint)
          for (const listener of previous) process.on("SIGINT", listener)
        })
    )
    const fiber = yield* Effect.fork(follow)
    for (;;) {
      const first = yield* Effect.raceFirst(
        Effect.map(Fiber.join(fiber), (a) => ({ done: true as const, a })),
        Effect.as(Deferred.await(pressed), { done: false as const })
      )
      if (first.done) return first.a
      const confirmed =
        !policy.confirm ||
        (yield* Effect.acquireUseRelease(
          Effect.sync(() => policy.asking(true)),
          () => askYes("\nCancel the remote job? [y/N] ", onSigint),
          () => Effect.sync(() => policy.asking(false))
        ))
      if (!confirmed) {
        signals = 0
        pressed = yield* Deferred.make<void>()
        continue
      }
      yield* Fiber.interrupt(fiber)
      return yield* policy.cancel
    }
  }).pipe(Effect.scoped)

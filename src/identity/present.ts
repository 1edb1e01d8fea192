import { Effect, Option } from "effect"

/** A row just written or read by id inside the same unit must exist; if not, that is a bug (a defect). */
export const present =
  (what: string) =>
  <A>(value: Option.Option<A>): Effect.Effect<A> =>
    Option.match(value, { onNone: () => Effect.dieMessage(`${what} vanished`), onSome: Effect.succeed })

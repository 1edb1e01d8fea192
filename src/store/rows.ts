import { Effect } from "effect"

/** The one row a statement must return (an INSERT ... RETURNING, a lookup by a key just written). */
export const single =
  <A>(what: string) =>
  (rows: ReadonlyArray<A>): Effect.Effect<A> => {
    const row = rows[0]
    return row === undefined ? Effect.dieMessage(`expected a ${what} row`) : Effect.succeed(row)
  }

import { Effect, Layer, Tracer } from "effect"

/**
 * Counts SQL statements as they execute (every @effect/sql statement runs in a `sql.execute` span), for the
 * tests and benches that must show an idle server runs no SQL at all.
 */
export const makeStatementCounter = Effect.map(Effect.tracer, (inner) => {
  let count = 0
  const tracer = Tracer.make({
    span: (name, parent, context, links, startTime, kind, options) => {
      if (name === "sql.execute") count++
      return inner.span(name, parent, context, links, startTime, kind, options)
    },
    context: (f, fiber) => inner.context(f, fiber)
  })
  return { tracer, count: () => count, layer: Layer.setTracer(tracer) } as const
})

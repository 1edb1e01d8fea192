import type Sqlite from "better-sqlite3"

/** Rows per statement of a bulk insert. Smaller remainders go in power-of-two chunks (64, 32, ... 1). */
export const BULK_ROWS = 128

// Statement texts by table and columns, then by rows: built once, not at every report.
const texts = new Map<string, Map<number, string>>()

const textOf = (table: string, columns: ReadonlyArray<string>, rows: number): string => {
  const head = `INSERT INTO ${table} (${columns.join(", ")}) VALUES `
  let bySize = texts.get(head)
  if (bySize === undefined) {
    bySize = new Map()
    texts.set(head, bySize)
  }
  let text = bySize.get(rows)
  if (text === undefined) {
    const tuple = `(${columns.map(() => "?").join(", ")})`
    text = head + Array.from({ length: rows }, () => tuple).join(", ")
    bySize.set(rows, text)
  }
  return text
}

/**
 * Inserts rows through multi-row INSERT statements: `values` holds the rows one after another, `columns.length`
 * values each. One statement per 128 rows costs far less than one call per row (each call binds, steps and
 * resets a statement, and builds a result object); a report of 1,000 benchmarks writes 3,000 rows. The last
 * rows go in power-of-two chunks, so a table needs at most 8 distinct statements whatever the row count, and
 * they stay prepared. Rows keep their order. Returns the number of rows inserted.
 */
export const insertRows = (
  prepare: (sql: string) => Sqlite.Statement,
  table: string,
  columns: ReadonlyArray<string>,
  values: ReadonlyArray<unknown>
): number => {
  const width = columns.length
  if (width === 0 || values.length % width !== 0) {
    throw new Error(`insertRows ${table}: ${values.length} values do not make rows of ${width} columns`)
  }
  const rows = values.length / width
  let done = 0
  for (let size = BULK_ROWS; size >= 1; size = size >> 1) {
    if (rows - done < size) continue
    const statement = prepare(textOf(table, columns, size))
    while (rows - done >= size) {
      statement.run(values.slice(done * width, (done + size) * width))
      done += size
    }
  }
  return rows
}

/** The highest id of a table so far (0 when empty): rows written in the same write transaction may take the next ones. */
export const maxId = (prepare: (sql: string) => Sqlite.Statement, table: string): number => {
  const row = prepare(`SELECT coalesce(max(id), 0) AS id FROM ${table}`).get() as { id: number }
  return row.id
}

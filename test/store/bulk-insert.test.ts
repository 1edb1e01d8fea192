import { describe, expect, it } from "vitest"
import Sqlite from "better-sqlite3"
import { BULK_ROWS, insertRows, maxId } from "../../src/store/bulk-insert.js"

const open = () => {
  const db = new Sqlite(":memory:")
  db.exec("CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT NOT NULL, value REAL)")
  const statements = new Map<string, Sqlite.Statement>()
  const prepare = (sql: string) => {
    let statement = statements.get(sql)
    if (statement === undefined) {
      statement = db.prepare(sql)
      statements.set(sql, statement)
    }
    return statement
  }
  return { db, prepare, statements }
}

describe("insertRows", () => {
  it("writes every row, in order, with its own values, around each chunk size", () => {
    for (const rows of [0, 1, 2, 3, BULK_ROWS - 1, BULK_ROWS, BULK_ROWS + 1, 1000, 1023]) {
      const { db, prepare } = open()
      const values: Array<string | number | null> = []
      for (let i = 0; i < rows; i++) values.push(i + 1, `row ${i}`, i % 3 === 0 ? null : i / 2)
      expect(insertRows(prepare, "t", ["id", "name", "value"], values)).toBe(rows)
      const stored = db.prepare("SELECT id, name, value FROM t ORDER BY rowid").raw().all()
      expect(stored.flat(), `${rows} rows`).toEqual(values)
      db.close()
    }
  })

  it("prepares at most eight statements per table, whatever the row counts", () => {
    const { db, prepare, statements } = open()
    let id = 0
    for (let rows = 1; rows <= 300; rows++) {
      const values: Array<string | number> = []
      for (let i = 0; i < rows; i++) values.push(++id, "x", i)
      insertRows(prepare, "t", ["id", "name", "value"], values)
    }
    expect(statements.size).toBe(8)
    expect(maxId(prepare, "t")).toBe(id)
    db.close()
  })

  it("refuses values that do not make whole rows, and writes nothing", () => {
    const { db, prepare } = open()
    expect(() => insertRows(prepare, "t", ["id", "name", "value"], [1, "a"])).toThrow(
      /2 values do not make rows of 3 columns/
    )
    expect(maxId(prepare, "t")).toBe(0)
    db.close()
  })
})

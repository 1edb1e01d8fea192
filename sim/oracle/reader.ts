import Sqlite from "better-sqlite3"

/** The oracle's own connection to the seed's database, beside the server's, with its statements prepared once. */
export class Reader {
  private readonly db: Sqlite.Database
  private readonly statements = new Map<string, Sqlite.Statement>()

  constructor(file: string) {
    this.db = new Sqlite(file)
  }

  stmt(source: string): Sqlite.Statement {
    let statement = this.statements.get(source)
    if (statement === undefined) {
      statement = this.db.prepare(source)
      this.statements.set(source, statement)
    }
    return statement
  }

  close() {
    this.db.close()
  }
}

import { Context } from "effect"
import { dirname, join } from "node:path"
import { DEFAULT_MAX_BODY_BYTES } from "../domain/limits.js"

export interface ServerConfigShape {
  readonly host: string
  readonly port: number
  readonly db: string
  readonly maxBodyBytes: number
  /** Registry blobs, upload sessions, job outputs and the token key; default `bencher-data` next to the db file. */
  readonly dataDir?: string
}

export class ServerConfig extends Context.Tag("bencher/server/ServerConfig")<ServerConfig, ServerConfigShape>() {}

export const defaultServerConfig: ServerConfigShape = {
  host: "127.0.0.1",
  port: 61016,
  db: "./bencher.db",
  maxBodyBytes: DEFAULT_MAX_BODY_BYTES
}

export const dataDirOf = (config: ServerConfigShape): string =>
  config.dataDir ?? join(dirname(config.db), "bencher-data")

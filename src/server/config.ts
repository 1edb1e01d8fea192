import { Context } from "effect"
import { DEFAULT_MAX_BODY_BYTES } from "../domain/limits.js"

export interface ServerConfigShape {
  readonly host: string
  readonly port: number
  readonly db: string
  readonly maxBodyBytes: number
}

export class ServerConfig extends Context.Tag("bencher/server/ServerConfig")<ServerConfig, ServerConfigShape>() {}

export const defaultServerConfig: ServerConfigShape = {
  host: "127.0.0.1",
  port: 61016,
  db: "./bencher.db",
  maxBodyBytes: DEFAULT_MAX_BODY_BYTES
}

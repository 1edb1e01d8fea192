import { Command, Options } from "@effect/cli"
import { FileSystem } from "@effect/platform"
import { Config, Console, Effect, Layer, Option, Redacted } from "effect"
import { AdminBootstrap } from "../../identity/bootstrap.js"
import { defaultServerConfig, type ServerConfigShape } from "../config.js"
import { logListening, ServerLive } from "../server.js"

/** `--host` / BENCHER_HOST may be a bare host or a URL such as http://127.0.0.1:61016 (clients share the variable). */
export const parseBindHost = (value: string): { readonly host: string; readonly port: Option.Option<number> } => {
  if (!value.includes("://")) return { host: value, port: Option.none() }
  const url = new URL(value)
  return {
    host: url.hostname.replace(/^\[|\]$/g, ""),
    port: url.port === "" ? Option.none() : Option.some(Number(url.port))
  }
}

export const serverOptions = {
  host: Options.text("host").pipe(
    Options.withDescription("Address to listen on (env BENCHER_HOST)"),
    Options.withFallbackConfig(Config.string("BENCHER_HOST")),
    Options.optional
  ),
  port: Options.integer("port").pipe(
    Options.withDescription("Port to listen on; 0 picks a free one (env BENCHER_PORT)"),
    Options.withFallbackConfig(Config.integer("BENCHER_PORT")),
    Options.optional
  ),
  db: Options.text("db").pipe(
    Options.withDescription("SQLite database file (env BENCHER_DB)"),
    Options.withFallbackConfig(Config.string("BENCHER_DB")),
    Options.withDefault(defaultServerConfig.db)
  ),
  dataDir: Options.text("data-dir").pipe(
    Options.withDescription("Folder for registry blobs and job outputs (env BENCHER_DATA_DIR; default bencher-data next to --db)"),
    Options.withFallbackConfig(Config.string("BENCHER_DATA_DIR")),
    Options.optional
  ),
  maxBodySize: Options.integer("max-body-size").pipe(
    Options.withDescription("Largest accepted request body in bytes"),
    Options.withDefault(defaultServerConfig.maxBodyBytes)
  ),
  adminKeyFile: Options.text("admin-key-file").pipe(
    Options.withDescription("On first run (empty database), also write the admin API key to this file (mode 0600)"),
    Options.optional
  )
}

type ServerOptions = Command.Command.ParseConfig<typeof serverOptions>

export const resolveServerConfig = (options: ServerOptions): ServerConfigShape => {
  const bind = Option.map(options.host, parseBindHost)
  return {
    host: Option.match(bind, { onNone: () => defaultServerConfig.host, onSome: (b) => b.host }),
    port: Option.getOrElse(
      Option.orElse(options.port, () => Option.flatMap(bind, (b) => b.port)),
      () => defaultServerConfig.port
    ),
    db: options.db,
    maxBodyBytes: options.maxBodySize,
    ...Option.match(options.dataDir, { onNone: () => ({}), onSome: (dataDir) => ({ dataDir }) })
  }
}

/**
 * First run only: the admin key goes to stdout once (never through the logger) and, when asked, to a file
 * created with mode 0600 before the key is written into it.
 */
export const announceAdminKey = (adminKeyFile: Option.Option<string>) =>
  Effect.gen(function*() {
    const { adminKey } = yield* AdminBootstrap
    if (Option.isNone(adminKey)) return
    const key = Redacted.value(adminKey.value)
    yield* Console.log(`Admin API key (shown once, store it now): ${key}`)
    if (Option.isSome(adminKeyFile)) {
      const fs = yield* FileSystem.FileSystem
      // Restrict the file before the key is in it, also when it already existed with looser permissions.
      yield* fs.writeFileString(adminKeyFile.value, "", { mode: 0o600 })
      yield* fs.chmod(adminKeyFile.value, 0o600)
      yield* fs.writeFileString(adminKeyFile.value, `${key}\n`)
    }
  })

export const serverCommand = Command.make("server", serverOptions, (options) =>
  Effect.gen(function*() {
    const config = resolveServerConfig(options)
    // The key file is written before the port opens: whoever sees the server answer can read it.
    yield* Layer.launch(
      Layer.effectDiscard(logListening).pipe(
        Layer.provideMerge(ServerLive(config, { beforeListen: announceAdminKey(options.adminKeyFile) }))
      )
    )
  })).pipe(Command.withDescription("Run the API server on the embedded SQLite store"))

import { Console, Effect, Layer, Option, Redacted } from "effect"
import { chmod, writeFile } from "node:fs/promises"
import { AdminBootstrap } from "../../identity/bootstrap.js"
import { defaultServerConfig, type ServerConfigShape } from "../config.js"
import type { ServerOptions } from "./options.js"
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

/** Writes a secret to a file of mode 0600, restricted before the secret is in it (also when it already existed). */
export const writeSecret = (path: string, secret: string) =>
  Effect.tryPromise({
    try: async () => {
      await writeFile(path, "", { mode: 0o600 })
      await chmod(path, 0o600)
      await writeFile(path, `${secret}\n`)
    },
    catch: (e) => new Error(`cannot write ${path}: ${e instanceof Error ? e.message : String(e)}`)
  })

/**
 * First run only: the admin key goes to stdout once (never through the logger) and, when asked, to a file
 * created with mode 0600 before the key is written into it.
 */
export const announceAdminKey = (adminKeyFile: Option.Option<string>) =>
  Effect.gen(function* () {
    const { adminKey } = yield* AdminBootstrap
    if (Option.isNone(adminKey)) return
    const key = Redacted.value(adminKey.value)
    yield* Console.log(`Admin API key (shown once, store it now): ${key}`)
    if (Option.isSome(adminKeyFile)) {
      yield* writeSecret(adminKeyFile.value, key)
    }
  })

/** `bencher server`: the handler, loaded when the command is chosen (src/app/cli.ts declares it). */
export const server = (options: ServerOptions) =>
  Effect.gen(function* () {
    const config = resolveServerConfig(options)
    // The key file is written before the port opens: whoever sees the server answer can read it.
    yield* Layer.launch(
      Layer.effectDiscard(logListening).pipe(
        Layer.provideMerge(ServerLive(config, { beforeListen: announceAdminKey(options.adminKeyFile) }))
      )
    )
  })

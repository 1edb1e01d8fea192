import { Options } from "@effect/cli"
import { FetchHttpClient, HttpApiClient, HttpClient, HttpClientRequest } from "@effect/platform"
import { Config, Console, Effect, Option, Redacted } from "effect"
import { BencherApi } from "../api/index.js"

export const DEFAULT_HOST = "http://localhost:61016"

/** `--host` (env BENCHER_HOST) and `--key` (env BENCHER_API_KEY) for every command that talks to a server. */
export const clientOptions = {
  host: Options.text("host").pipe(
    Options.withDescription(`Server URL (env BENCHER_HOST, default ${DEFAULT_HOST})`),
    Options.withFallbackConfig(Config.string("BENCHER_HOST")),
    Options.withDefault(DEFAULT_HOST)
  ),
  key: Options.redacted("key").pipe(
    Options.withDescription("API key: bencher_user_... or bencher_run_... (env BENCHER_API_KEY)"),
    Options.withFallbackConfig(Config.redacted("BENCHER_API_KEY")),
    Options.optional
  )
}

export interface ClientConnection {
  readonly host: string
  readonly key: Option.Option<Redacted.Redacted<string>>
}

/** A bare host such as `localhost:61016` means http. */
export const baseUrlOf = (host: string): string => (host.includes("://") ? host : `http://${host}`).replace(/\/+$/, "")

/**
 * The typed client derived from BencherApi, sending `Authorization: Bearer <key>` when a key is given.
 * The key stays Redacted until the header is set, so it never shows up in a log or error.
 */
export const makeBencherClient = (connection: ClientConnection) =>
  HttpApiClient.make(BencherApi, {
    baseUrl: baseUrlOf(connection.host),
    transformClient: Option.match(connection.key, {
      onNone: () => (client: HttpClient.HttpClient) => client,
      onSome: (key) => HttpClient.mapRequest(HttpClientRequest.bearerToken(Redacted.value(key)))
    })
  }).pipe(Effect.provide(FetchHttpClient.layer))

export type BencherClient = Effect.Effect.Success<ReturnType<typeof makeBencherClient>>

/** Commands print the server's JSON, as Bencher's CLI does. */
export const printJson = (value: unknown) => Console.log(JSON.stringify(value, null, 2))

/** Runs `use` with a client for the command's --host/--key and prints its result as JSON. */
export const withClient = <A, E, R>(
  connection: ClientConnection,
  use: (client: BencherClient) => Effect.Effect<A, E, R>
) => Effect.flatMap(makeBencherClient(connection), use).pipe(Effect.flatMap(printJson))

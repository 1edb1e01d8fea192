import { Options } from "@effect/cli"
import { FetchHttpClient, HttpApiClient, HttpClient, HttpClientRequest } from "@effect/platform"
import { Config, Console, Effect, Option } from "effect"
import { BencherApi } from "../api/index.js"

/**
 * A minimal typed client for the job, spec and runner commands (a shared src/cli/backend.ts is being written
 * elsewhere; these commands can move to it once it lands).
 */
export const clientOptions = {
  host: Options.text("host").pipe(
    Options.withDescription("Server URL (env BENCHER_HOST)"),
    Options.withFallbackConfig(Config.string("BENCHER_HOST")),
    Options.withDefault("http://localhost:61016")
  ),
  token: Options.text("token").pipe(
    Options.withDescription("API key or token (env BENCHER_API_TOKEN)"),
    Options.withFallbackConfig(Config.string("BENCHER_API_TOKEN")),
    Options.optional
  )
}

export const apiClient = (options: { readonly host: string; readonly token: Option.Option<string> }) =>
  HttpApiClient.make(BencherApi, {
    baseUrl: options.host.includes("://") ? options.host : `http://${options.host}`,
    transformClient: Option.match(options.token, {
      onNone: () => (client: HttpClient.HttpClient) => client,
      onSome: (token) => HttpClient.mapRequest(HttpClientRequest.bearerToken(token))
    })
  }).pipe(Effect.provide(FetchHttpClient.layer))

export const printJson = (value: unknown) => Console.log(JSON.stringify(value, null, 2))

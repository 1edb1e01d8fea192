import { type Command, Options } from "@effect/cli"
import {
  FetchHttpClient,
  HttpApiClient,
  HttpClient,
  HttpClientError,
  HttpClientRequest,
  HttpClientResponse
} from "@effect/platform"
import { Config, ConfigError, Console, Data, Duration, Effect, Either, Option, Redacted, Schedule } from "effect"
import { BencherApi } from "../api/index.js"

// The connection to a bencher server shared by every client command: where it is, who we are, and how patient to be.
// Flags and defaults follow Bencher's `CliBackend` (docs/reference.md §4.1).

export const DEFAULT_HOST = "http://localhost:61016"

export interface BackendConfig {
  readonly host: string
  /** A user or project API key (`bencher_user_*`, `bencher_run_*`) or a deprecated JWT token. */
  readonly key: Option.Option<string>
  readonly timeout: Duration.Duration
  /** Total attempts per request, the first included. */
  readonly attempts: number
  /** The first backoff delay; each next one doubles, capped at `maxRetryAfter`. */
  readonly retryAfter: Duration.Duration
  readonly maxRetryAfter: Duration.Duration
  /** Told about each retry, so a user waiting on a dead host sees why (the CLI prints it to stderr). */
  readonly onRetry?: ((note: string) => void) | undefined
}

/** An environment fallback for a flag; an empty or blank variable counts as unset, as shells often leave them. */
export const envText = (name: string) =>
  Config.string(name).pipe(
    Config.mapOrFail((s) =>
      s.trim() === "" ? Either.left(ConfigError.MissingData([name], `${name} is empty`)) : Either.right(s.trim())
    )
  )

const positiveInt = (name: string, description: string, fallback: number) =>
  Options.integer(name).pipe(
    Options.withDescription(description),
    Options.withDefault(fallback),
    Options.filterMap((n) => (n >= 1 ? Option.some(n) : Option.none()), `--${name} must be at least 1`)
  )

export const backendOptions = {
  host: Options.text("host").pipe(
    Options.withDescription(`Backend host URL (env BENCHER_HOST, default ${DEFAULT_HOST})`),
    Options.withFallbackConfig(envText("BENCHER_HOST")),
    Options.withDefault(DEFAULT_HOST)
  ),
  key: Options.text("key").pipe(
    Options.withDescription("User or project API key (env BENCHER_API_KEY)"),
    Options.withFallbackConfig(envText("BENCHER_API_KEY")),
    Options.optional
  ),
  token: Options.text("token").pipe(
    Options.withDescription("Deprecated: user API token (env BENCHER_API_TOKEN); --key is preferred"),
    Options.withFallbackConfig(envText("BENCHER_API_TOKEN")),
    Options.optional
  ),
  timeout: positiveInt("timeout", "Request timeout in seconds", 15).pipe(
    Options.filterMap((n) => (n <= 900 ? Option.some(n) : Option.none()), "--timeout must be at most 900 seconds")
  ),
  attempts: positiveInt("attempts", "Attempts per request, the first included", 35),
  retryAfter: positiveInt("retry-after", "First retry delay in seconds; doubles each retry", 1),
  maxRetryAfter: positiveInt("max-retry-after", "Largest retry delay in seconds", 30)
}

/**
 * `--host` (env BENCHER_HOST) and `--key` (env BENCHER_API_KEY) of the account and job commands, which make one
 * attempt per request with no timeout of their own.
 */
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

/** What `backendOptions` parse to; spread `backendOptions` into a command's options to get them. */
export type BackendOptions = Command.Command.ParseConfig<typeof backendOptions>

/** The key wins over the deprecated token; the host loses any trailing slash. */
export const resolveBackend = (options: BackendOptions): BackendConfig => ({
  host: options.host.replace(/\/+$/, ""),
  key: Option.orElse(options.key, () => options.token),
  timeout: Duration.seconds(options.timeout),
  attempts: options.attempts,
  retryAfter: Duration.seconds(options.retryAfter),
  maxRetryAfter: Duration.seconds(options.maxRetryAfter),
  onRetry: (note) => process.stderr.write(note + "\n")
})

/** True for a project key, which may only run against an explicit project. */
export const isProjectKey = (key: Option.Option<string>): boolean =>
  Option.match(key, { onNone: () => false, onSome: (k) => k.startsWith("bencher_run_") })

/** A response worth asking again: the server was overloaded or failed, not a verdict on the request. */
export const isRetryableStatus = (status: number): boolean => status === 429 || status >= 500

class RetryableResponse extends Data.TaggedError("RetryableResponse")<{
  readonly response: HttpClientResponse.HttpClientResponse
}> {}

/** Exponential backoff from `retryAfter`, capped at `maxRetryAfter`, `attempts - 1` retries. */
export const backoff = (config: Pick<BackendConfig, "attempts" | "retryAfter" | "maxRetryAfter">) =>
  Schedule.exponential(config.retryAfter, 2).pipe(
    Schedule.modifyDelay((delay) => Duration.min(delay, config.maxRetryAfter)),
    Schedule.intersect(Schedule.recurs(Math.max(0, config.attempts - 1)))
  )

/** The `_tag` of our typed errors by status, for servers (Bencher's own) whose error bodies are `{message}` only. */
const errorTagByStatus: Readonly<Record<number, string>> = {
  400: "BadRequest",
  401: "Unauthorized",
  402: "PaymentRequired",
  403: "Forbidden",
  404: "NotFound",
  409: "Conflict",
  413: "PayloadTooLarge",
  429: "TooManyRequests",
  500: "InternalError",
  503: "ServiceUnavailable"
}

const errorBody = (text: string): { readonly message?: unknown; readonly _tag?: unknown } | undefined => {
  try {
    const body: unknown = JSON.parse(text)
    return typeof body === "object" && body !== null ? body : undefined
  } catch {
    return undefined
  }
}

/** An error body `{message}` without `_tag` gets the tag of its status, so the typed client can decode it. */
const tagErrorBody = (response: HttpClientResponse.HttpClientResponse) =>
  response.status < 400
    ? Effect.succeed(response)
    : response.text.pipe(
        Effect.map((text) => {
          const body = errorBody(text)
          const tag = errorTagByStatus[response.status]
          const tagged =
            body !== undefined && typeof body.message === "string" && body._tag === undefined && tag !== undefined
              ? JSON.stringify({ ...body, _tag: tag })
              : text
          return HttpClientResponse.fromWeb(
            response.request,
            new Response(tagged, { status: response.status, headers: new Headers(response.headers) })
          )
        }),
        Effect.orElseSucceed(() => response)
      )

/**
 * Adds `Authorization: Bearer`, a per-attempt timeout, and retries with exponential backoff on transport errors
 * (including timeouts) and on 5xx/429 responses only. When the retries run out on a 5xx/429, that last response
 * is handed to the typed client, so the caller still sees the server's error (e.g. InternalError with its message).
 */
export const withBackend =
  (config: BackendConfig) =>
  (client: HttpClient.HttpClient): HttpClient.HttpClient => {
    const authorized = Option.match(config.key, {
      onNone: () => client,
      onSome: (key) => HttpClient.mapRequest(client, HttpClientRequest.bearerToken(key))
    })
    const isRetryable = (error: HttpClientError.HttpClientError | RetryableResponse): boolean =>
      error._tag === "RetryableResponse" || (error._tag === "RequestError" && error.reason === "Transport")
    return HttpClient.transform(authorized, (effect, request) => {
      let failures = 0
      return effect.pipe(
        Effect.timeoutFail({
          duration: config.timeout,
          onTimeout: () =>
            new HttpClientError.RequestError({
              request,
              reason: "Transport",
              description: `no response within ${Duration.format(config.timeout)}`
            })
        }),
        Effect.filterOrFail(
          (response) => !isRetryableStatus(response.status),
          (response): HttpClientError.HttpClientError | RetryableResponse => new RetryableResponse({ response })
        ),
        Effect.tapError((error) =>
          Effect.sync(() => {
            failures++
            if (!isRetryable(error) || failures >= config.attempts) return
            const why = error._tag === "RetryableResponse" ? `status ${error.response.status}` : error.message
            config.onRetry?.(
              `${request.method} ${request.url} failed (${why}); retrying (attempt ${failures + 1} of ${config.attempts})`
            )
          })
        ),
        Effect.retry({ schedule: backoff(config), while: isRetryable }),
        Effect.catchTag("RetryableResponse", (e) => Effect.succeed(e.response)),
        Effect.flatMap(tagErrorBody)
      )
    })
  }

/**
 * An error status the endpoint does not declare (say a 413 or a proxy's 502) reaches the caller as a ResponseError
 * that carries the server's `message` (or the start of the body), not a bare "Decode error".
 */
export const explainUndeclaredError = (effect: Effect.Effect<unknown, unknown>): Effect.Effect<unknown, unknown> =>
  Effect.catchIf(
    effect,
    (e): e is HttpClientError.ResponseError =>
      HttpClientError.isHttpClientError(e) &&
      e._tag === "ResponseError" &&
      e.reason === "Decode" &&
      e.response.status >= 400,
    (e) =>
      e.response.text.pipe(
        Effect.orElseSucceed(() => ""),
        Effect.flatMap((text) => {
          const message = errorBody(text)?.message
          const description = typeof message === "string" ? message : text.trim().slice(0, 200) || "no error message"
          return Effect.fail(
            new HttpClientError.ResponseError({
              request: e.request,
              response: e.response,
              reason: "StatusCode",
              description
            })
          )
        })
      )
  )

/** The typed client of the whole REST contract (`client.run.run`, `client.reports.perf`, ...). */
export const makeBencherClient = (config: BackendConfig) =>
  HttpApiClient.make(BencherApi, {
    baseUrl: config.host,
    transformClient: withBackend(config),
    transformResponse: explainUndeclaredError
  })

export type BencherClient = Effect.Effect.Success<ReturnType<typeof makeBencherClient>>

/** The typed client for a command that spread `backendOptions` into its own, over fetch. */
export const bencherClient = (options: BackendOptions) =>
  makeBencherClient(resolveBackend(options)).pipe(Effect.provide(FetchHttpClient.layer))

/**
 * The typed client for a command that spread `clientOptions` into its own, over fetch: one attempt and no
 * timeout, so a dead host fails at once. The key leaves its Redacted only for the Authorization header.
 */
export const connect = (connection: ClientConnection) =>
  makeBencherClient({
    host: baseUrlOf(connection.host),
    key: Option.map(connection.key, Redacted.value),
    timeout: Duration.infinity,
    attempts: 1,
    retryAfter: Duration.zero,
    maxRetryAfter: Duration.zero
  }).pipe(Effect.provide(FetchHttpClient.layer))

/** Commands print the server's JSON, as Bencher's CLI does. */
export const printJson = (value: unknown) => Console.log(JSON.stringify(value, null, 2))

/** Runs `use` with a client for the command's --host/--key and prints its result as JSON. */
export const withClient = <A, E, R>(
  connection: ClientConnection,
  use: (client: BencherClient) => Effect.Effect<A, E, R>
) => Effect.flatMap(connect(connection), use).pipe(Effect.flatMap(printJson))

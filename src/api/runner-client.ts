import { FetchHttpClient, HttpClient, HttpClientRequest, Socket } from "@effect/platform"
import { type RpcGroup, RpcClient, RpcSerialization } from "@effect/rpc"
import type { RpcClientError } from "@effect/rpc/RpcClientError"
import { Context, Layer } from "effect"
import { createRequire } from "node:module"
import { RUNNER_RPC_PATH, RunnerRpcs } from "./runner-rpc.js"

/** A typed client of the runner channel, derived from the RpcGroup. */
export class RunnerClient extends Context.Tag("bencher/api/RunnerClient")<
  RunnerClient,
  RpcClient.RpcClient<RpcGroup.Rpcs<typeof RunnerRpcs>, RpcClientError>
>() {}

const clientLayer = Layer.scoped(RunnerClient, RpcClient.make(RunnerRpcs))

interface WsModule {
  readonly WebSocket: new (url: string, protocols: string | Array<string> | undefined, options: { readonly headers: Record<string, string> }) => unknown
}
// `ws` (a dependency of @effect/platform-node) is the only WebSocket on Node 20 that can send request headers.
// Loaded on first use: the CLI imports this module, and the single-binary bundle (CJS, no import.meta.url)
// must still start when no runner channel is opened.
let wsModule: WsModule | undefined
const loadWs = (): WsModule =>
  wsModule ??= createRequire((import.meta.url as string | undefined) ?? `${process.cwd()}/`)("ws") as WsModule

const toWebSocketUrl = (baseUrl: string) => baseUrl.replace(/^http/, "ws") + RUNNER_RPC_PATH

/** The channel over one WebSocket; the key travels in the upgrade request's Authorization header. */
export const runnerClientWebSocket = (baseUrl: string, key: string) =>
  clientLayer.pipe(
    Layer.provide(RpcClient.layerProtocolSocket()),
    Layer.provide(Layer.scoped(Socket.Socket, Socket.makeWebSocket(toWebSocketUrl(baseUrl)))),
    Layer.provide(Layer.succeed(Socket.WebSocketConstructor, (url, protocols) =>
      new (loadWs().WebSocket)(url, protocols, { headers: { authorization: `Bearer ${key}` } }) as globalThis.WebSocket)),
    Layer.provide(RpcSerialization.layerNdjson)
  )

/** The channel over HTTP POSTs (one request per message; `Claim` is a long poll). */
export const runnerClientHttp = (baseUrl: string, key: string) =>
  clientLayer.pipe(
    Layer.provide(RpcClient.layerProtocolHttp({
      url: baseUrl + RUNNER_RPC_PATH,
      transformClient: HttpClient.mapRequest(HttpClientRequest.bearerToken(key))
    })),
    Layer.provide([FetchHttpClient.layer, RpcSerialization.layerNdjson])
  )

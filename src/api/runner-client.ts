import { FetchHttpClient, HttpClient, HttpClientRequest, Socket } from "@effect/platform"
import { type RpcGroup, RpcClient, RpcSerialization } from "@effect/rpc"
import type { RpcClientError } from "@effect/rpc/RpcClientError"
import { Context, Layer } from "effect"
import { WebSocket as NodeWebSocket } from "ws"
import { RUNNER_RPC_PATH, RunnerRpcs } from "./runner-rpc.js"

/** A typed client of the runner channel, derived from the RpcGroup. */
export class RunnerClient extends Context.Tag("bencher/api/RunnerClient")<
  RunnerClient,
  RpcClient.RpcClient<RpcGroup.Rpcs<typeof RunnerRpcs>, RpcClientError>
>() {}

const clientLayer = Layer.scoped(RunnerClient, RpcClient.make(RunnerRpcs))

// `ws` is the only WebSocket on Node 20 that can send request headers (the key rides in the upgrade request).
// A static import, so the single-binary bundle carries it too.
const toWebSocketUrl = (baseUrl: string) => baseUrl.replace(/^http/, "ws") + RUNNER_RPC_PATH

/** The channel over one WebSocket; the key travels in the upgrade request's Authorization header. */
export const runnerClientWebSocket = (baseUrl: string, key: string) =>
  clientLayer.pipe(
    Layer.provide(RpcClient.layerProtocolSocket()),
    Layer.provide(Layer.scoped(Socket.Socket, Socket.makeWebSocket(toWebSocketUrl(baseUrl)))),
    Layer.provide(
      Layer.succeed(
        Socket.WebSocketConstructor,
        (url, protocols) =>
          new NodeWebSocket(url, protocols, {
            headers: { authorization: `Bearer ${key}` }
          }) as unknown as globalThis.WebSocket
      )
    ),
    Layer.provide(RpcSerialization.layerNdjson)
  )

/** The channel over HTTP POSTs (one request per message; `Claim` is a long poll). */
export const runnerClientHttp = (baseUrl: string, key: string) =>
  clientLayer.pipe(
    Layer.provide(
      RpcClient.layerProtocolHttp({
        url: baseUrl + RUNNER_RPC_PATH,
        transformClient: HttpClient.mapRequest(HttpClientRequest.bearerToken(key))
      })
    ),
    Layer.provide([FetchHttpClient.layer, RpcSerialization.layerNdjson])
  )

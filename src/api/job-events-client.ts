import { Socket } from "@effect/platform"
import { type RpcGroup, RpcClient, RpcSerialization } from "@effect/rpc"
import type { RpcClientError } from "@effect/rpc/RpcClientError"
import { Context, Layer } from "effect"
import { WebSocket as NodeWebSocket } from "ws"
import { JOB_EVENTS_RPC_PATH, JobEventsRpcs } from "./job-events-rpc.js"

/** A typed client of the job-following stream, derived from the RpcGroup. */
export class JobEventsClient extends Context.Tag("bencher/api/JobEventsClient")<
  JobEventsClient,
  RpcClient.RpcClient<RpcGroup.Rpcs<typeof JobEventsRpcs>, RpcClientError>
>() {}

export const jobEventsUrl = (baseUrl: string) =>
  baseUrl.replace(/\/+$/, "").replace(/^http/, "ws") + JOB_EVENTS_RPC_PATH

/**
 * The stream over one WebSocket; a user or project key travels in the upgrade request's Authorization header
 * (`ws`, since Node 20's WebSocket cannot send headers). Without a key the caller is anonymous (public projects).
 */
export const jobEventsClientWebSocket = (baseUrl: string, key: string | undefined) =>
  Layer.scoped(JobEventsClient, RpcClient.make(JobEventsRpcs)).pipe(
    Layer.provide(RpcClient.layerProtocolSocket()),
    Layer.provide(Layer.scoped(Socket.Socket, Socket.makeWebSocket(jobEventsUrl(baseUrl)))),
    Layer.provide(
      Layer.succeed(
        Socket.WebSocketConstructor,
        (url, protocols) =>
          new NodeWebSocket(url, protocols, {
            headers: key === undefined ? {} : { authorization: `Bearer ${key}` }
          }) as unknown as globalThis.WebSocket
      )
    ),
    Layer.provide(RpcSerialization.layerNdjson)
  )

import type { HttpRouter } from "@effect/platform"
import { type Rpc, type RpcGroup, RpcSerialization, RpcServer } from "@effect/rpc"
import { Layer } from "effect"

/**
 * An RPC group served on one path in both protocols, NDJSON-framed: POST for HTTP, GET (upgrade) for WebSocket.
 * Spans are off: these channels carry long-lived streams and frequent small messages.
 */
export const rpcRoutes = <Rpcs extends Rpc.Any>(group: RpcGroup.RpcGroup<Rpcs>, path: HttpRouter.PathInput) =>
  Layer.mergeAll(
    RpcServer.layerHttpRouter({ group, path, protocol: "http", disableTracing: true }),
    RpcServer.layerHttpRouter({ group, path, protocol: "websocket", disableTracing: true })
  ).pipe(Layer.provide(RpcSerialization.layerNdjson))

// The part of `ws` (a dependency of @effect/platform-node, without bundled types) that the runner channel and the
// benches' raw runner sockets use.
declare module "ws" {
  export class WebSocket {
    constructor(
      url: string,
      protocols: string | Array<string> | undefined,
      options: { readonly headers: Record<string, string> }
    )
    on(event: "message", listener: (data: Buffer) => void): this
    once(event: "open", listener: () => void): this
    once(event: "error", listener: (error: Error) => void): this
    send(data: string): void
    close(): void
  }
}

// The part of `ws` (a dependency of @effect/platform-node, without bundled types) that the runner channel uses.
declare module "ws" {
  export class WebSocket {
    constructor(url: string, protocols: string | Array<string> | undefined, options: { readonly headers: Record<string, string> })
  }
}

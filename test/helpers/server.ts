import { FetchHttpClient, HttpApiClient, HttpServer } from "@effect/platform"
import { Effect, Layer, Context } from "effect"
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { BencherApi } from "../../src/api/index.js"
import { defaultServerConfig, type ServerConfigShape } from "../../src/app/config.js"
import { ServerLive } from "../../src/app/server.js"

/** A temporary folder removed when the scope closes. */
export const tempDir = Effect.acquireRelease(
  Effect.sync(() => mkdtempSync(join(tmpdir(), "bencher-test-"))),
  (dir) => Effect.sync(() => rmSync(dir, { recursive: true, force: true }))
)

/**
 * The real server on 127.0.0.1, port 0, with a temporary SQLite file, and a typed client derived from the
 * HttpApi contract. Everything is torn down with the scope.
 */
export const startTestServer = (overrides: Partial<ServerConfigShape> = {}) =>
  Effect.gen(function* () {
    const dir = yield* tempDir
    const config: ServerConfigShape = { ...defaultServerConfig, port: 0, db: join(dir, "bencher.db"), ...overrides }
    const context = yield* Layer.build(ServerLive(config))
    const server = Context.get(context, HttpServer.HttpServer)
    const address = server.address
    if (address._tag !== "TcpAddress") return yield* Effect.dieMessage("expected a TCP address")
    const url = `http://127.0.0.1:${address.port}`
    const client = yield* HttpApiClient.make(BencherApi, { baseUrl: url }).pipe(Effect.provide(FetchHttpClient.layer))
    return { url, db: config.db, client, context }
  })

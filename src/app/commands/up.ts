import { HttpServer } from "@effect/platform"
import { Context, Effect, Layer } from "effect"
import { existsSync } from "node:fs"
import { mkdir, readFile } from "node:fs/promises"
import { availableParallelism, totalmem } from "node:os"
import { join } from "node:path"
import { localSpecMemory, Sandbox } from "../../domain/spec.js"
import type { Executor } from "../../runner/executors/executor.js"
import { Runners } from "../../runners/runners.js"
import { Specs } from "../../runners/specs.js"
import { dataDirOf } from "../config.js"
import { logListening, ServerLive } from "../server.js"
import type { UpOptions } from "./options.js"
import { executorFromFlags, runnerUpWith } from "./runner-up.js"
import { announceAdminKey, resolveServerConfig, writeSecret } from "./server.js"

export const LOCAL_RUNNER = "local"
export const LOCAL_RUNNER_KEY_FILE = "runner-local.key"

/**
 * The co-located runner `local` and its key, kept in `<data dir>/runner-local.key` (mode 0600). First start:
 * a spec `local` (the machine's CPUs, half its memory up to 8 GiB; the fallback unless one exists) and the runner linked to it.
 * Later starts reuse the key file; when it is missing the key is rotated and written again.
 */
export const ensureLocalRunner = (dataDir: string, executor: Executor) =>
  Effect.gen(function* () {
    const runners = yield* Runners
    const specs = yield* Specs
    const keyFile = join(dataDir, LOCAL_RUNNER_KEY_FILE)
    yield* Effect.promise(() => mkdir(dataDir, { recursive: true, mode: 0o700 }))
    const existing = yield* runners.resolve(LOCAL_RUNNER).pipe(Effect.option)
    if (existing._tag === "Some") {
      const stored = existsSync(keyFile) ? (yield* Effect.promise(() => readFile(keyFile, "utf8"))).trim() : ""
      if (stored !== "") return stored
      const rotated = yield* runners.rotateKey(existing.value)
      yield* writeSecret(keyFile, rotated.key)
      yield* Effect.logInfo(`runner ${LOCAL_RUNNER}: key file missing, rotated the key into ${keyFile}`)
      return rotated.key
    }
    let spec = yield* specs.find(LOCAL_RUNNER)
    if (spec === undefined) {
      const hasFallback = (yield* specs.fallback) !== undefined
      const sandbox = Sandbox.literals.find((s) => s === executor.kind) ?? null
      spec = yield* specs.create({
        name: "local",
        slug: LOCAL_RUNNER,
        architecture: process.arch === "arm64" ? "aarch64" : "x86_64",
        sandbox,
        cpu: availableParallelism(),
        memory: localSpecMemory(totalmem()),
        disk: 0,
        network: false,
        fallback: !hasFallback
      })
      yield* Effect.logInfo(
        `spec ${LOCAL_RUNNER} created: ${spec.cpu} vCPU(s), memory ${Math.round(spec.memory / 1024 / 1024)} MiB ` +
          `(half of this host's ${Math.round(totalmem() / 1024 / 1024)} MiB, at most 8 GiB)`
      )
    }
    const created = yield* runners.create({ name: "local", slug: LOCAL_RUNNER, specs: [spec.uuid] })
    yield* writeSecret(keyFile, created.key)
    yield* Effect.logInfo(`runner ${LOCAL_RUNNER} created (spec ${spec.slug}); its key is in ${keyFile}`)
    return created.key
  })

/** Where the co-located runner connects: the server's own address (loopback when it listens on every address). */
const selfUrl = (address: HttpServer.Address): string => {
  if (address._tag !== "TcpAddress") return "http://127.0.0.1:61016"
  const host = address.hostname
  const reachable =
    host === "0.0.0.0" || host === "" ? "127.0.0.1" : host === "::" ? "[::1]" : host.includes(":") ? `[${host}]` : host
  return `http://${reachable}:${address.port}`
}

/**
 * `bencher up`: the server and one co-located runner in one process, on the embedded SQLite store. The handler,
 * loaded when the command is chosen (src/app/cli.ts declares it).
 */
export const up = (options: UpOptions) =>
  Effect.gen(function* () {
    const config = resolveServerConfig(options)
    // The admin key file is written before the port opens (ServerLive's beforeListen).
    const context = yield* Layer.build(ServerLive(config, { beforeListen: announceAdminKey(options.adminKeyFile) }))
    yield* logListening.pipe(Effect.provide(context))
    const url = selfUrl(Context.get(context, HttpServer.HttpServer).address)
    const executor = yield* Effect.either(executorFromFlags(options))
    if (executor._tag === "Left") {
      yield* Effect.logWarning(
        `no co-located runner: ${executor.left.message} (install crun/runc or bwrap, or pass --danger-allow-no-sandbox)`
      )
      return yield* Effect.never
    }
    const dataDir = dataDirOf(config)
    const key = yield* ensureLocalRunner(dataDir, executor.right).pipe(Effect.provide(context))
    yield* runnerUpWith(options, url, key, executor.right, () => join(dataDir, "runner"))
  }).pipe(Effect.scoped)

import { Clock, Context, Effect, Layer, Schema } from "effect"
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto"
import * as fs from "node:fs/promises"
import { join } from "node:path"
import { BlobStoreIoError, InvalidToken } from "./errors.js"

export type RegistryAction = "pull" | "push"

const Action = Schema.Literal("pull", "push")

/** What a token grants: actions on repositories, named by project uuid so a renamed slug keeps its grants. */
export const TokenClaims = Schema.Struct({
  aud: Schema.Literal("OciAuth", "OciRunner"),
  sub: Schema.String,
  access: Schema.Array(Schema.Struct({ project: Schema.String, actions: Schema.Array(Action) })),
  iat: Schema.Number,
  exp: Schema.Number
})
export type TokenClaims = typeof TokenClaims.Type

export interface MintedToken {
  readonly token: string
  readonly expiresIn: number
  readonly issuedAt: Date
}

/** Tokens handed to docker clients after Basic auth. */
export const CLIENT_TOKEN_TTL_SECONDS = 300
/** docs/reference.md §5.4: OCI_RUNNER_TOKEN_TTL, minted at claim time and never stored. */
export const RUNNER_TOKEN_TTL_SECONDS = 600

const b64 = (b: Buffer | string) => Buffer.from(b).toString("base64url")
const decodeClaims = Schema.decodeUnknownEither(Schema.parseJson(TokenClaims))

/** The per-server signing key: 32 random bytes in `<dataDir>/registry-token.key`, mode 0600, made once. */
const loadSecret = (dataDir: string) =>
  Effect.tryPromise({
    try: async () => {
      const file = join(dataDir, "registry-token.key")
      await fs.mkdir(dataDir, { recursive: true })
      try {
        await fs.writeFile(file, randomBytes(32), { flag: "wx", mode: 0o600 })
      } catch (e) {
        if (!(typeof e === "object" && e !== null && "code" in e && e.code === "EEXIST")) throw e
      }
      const secret = await fs.readFile(file)
      if (secret.length < 32) throw new Error(`${file} holds fewer than 32 bytes`)
      return secret
    },
    catch: (e) =>
      new BlobStoreIoError({ operation: "load token key", reason: e instanceof Error ? e.message : String(e) })
  })

const make = (dataDir: string) =>
  Effect.gen(function* () {
    const secret = yield* loadSecret(dataDir)
    const sign = (payload: string) => createHmac("sha256", secret).update(payload).digest()

    const mint = (claims: Omit<TokenClaims, "iat" | "exp">, ttlSeconds: number) =>
      Effect.map(Clock.currentTimeMillis, (now): MintedToken => {
        const iat = Math.floor(now / 1000)
        const payload = b64(JSON.stringify({ ...claims, iat, exp: iat + ttlSeconds }))
        return { token: `${payload}.${b64(sign(payload))}`, expiresIn: ttlSeconds, issuedAt: new Date(iat * 1000) }
      })

    /** Checks signature and expiry; the claims are trusted afterwards. */
    const verify = (token: string) =>
      Effect.gen(function* () {
        const [payload, signature, ...rest] = token.split(".")
        if (payload === undefined || signature === undefined || rest.length > 0) {
          return yield* Effect.fail(new InvalidToken({ reason: "malformed token" }))
        }
        const expected = sign(payload)
        const given = Buffer.from(signature, "base64url")
        if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
          return yield* Effect.fail(new InvalidToken({ reason: "bad signature" }))
        }
        const claims = decodeClaims(Buffer.from(payload, "base64url").toString("utf8"))
        if (claims._tag === "Left") return yield* Effect.fail(new InvalidToken({ reason: "malformed claims" }))
        const now = Math.floor((yield* Clock.currentTimeMillis) / 1000)
        if (claims.right.exp <= now) return yield* Effect.fail(new InvalidToken({ reason: "expired" }))
        return claims.right
      })

    return {
      mint,
      verify,
      /** For the jobs engineer: minted at claim time, pull-only on one project, valid 10 minutes. */
      mintRunnerPullToken: (projectUuid: string, runnerUuid: string) =>
        mint(
          { aud: "OciRunner", sub: runnerUuid, access: [{ project: projectUuid, actions: ["pull"] }] },
          RUNNER_TOKEN_TTL_SECONDS
        )
    } as const
  })

/** The /v2/ bearer tokens: HMAC-SHA256 signed `base64url(claims).base64url(mac)`. */
export class RegistryTokens extends Context.Tag("bencher/registry/RegistryTokens")<
  RegistryTokens,
  Effect.Effect.Success<ReturnType<typeof make>>
>() {
  static layer = (dataDir: string) => Layer.effect(this, make(dataDir))
}

export const grants = (claims: TokenClaims, projectUuid: string, action: RegistryAction): boolean =>
  claims.access.some((a) => a.project === projectUuid && a.actions.includes(action))

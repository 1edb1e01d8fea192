import { HttpServerRequest } from "@effect/platform"
import { SqlClient } from "@effect/sql"
import { Effect, Layer, Option } from "effect"
import { Unauthorized } from "../domain/errors.js"
import type { Actor } from "../domain/actor.js"
import { Authentication } from "../api/authentication.js"
import { keyKind } from "../domain/keys.js"
import { ProjectKeys } from "./project-keys.js"
import { UserKeys } from "./user-keys.js"

/** IPv4 clients on a dual-stack socket show up as ::ffff:a.b.c.d; one client, one address. */
export const normalizeIp = (address: string): string => address.replace(/^::ffff:(\d+\.\d+\.\d+\.\d+)$/, "$1")

/**
 * For the OCI registry, whose clients send `Basic base64(user:key)` (Bencher: `email:bencher_user_*` or
 * `project:bencher_run_*`): the equivalent Bearer header, for `resolve`. The user part is ignored; the key decides.
 */
export const bearerFromBasic = (authorization: string | undefined): string | undefined => {
  const encoded = /^Basic +(\S+) *$/i.exec(authorization ?? "")?.[1]
  if (encoded === undefined) return undefined
  const decoded = Buffer.from(encoded, "base64").toString("utf8")
  const colon = decoded.indexOf(":")
  return colon < 0 ? undefined : `Bearer ${decoded.slice(colon + 1)}`
}

// The same body for every credential failure: malformed, unknown, revoked, expired, locked or the wrong kind.
const invalid = () => new Unauthorized({ message: "Invalid credentials" })

/**
 * Resolves a bearer credential to an actor. Exposed for non-HttpApi routes (the OCI registry); the HttpApi
 * middleware below is the same function applied to the request.
 */
export const makeResolveActor = Effect.gen(function* () {
  const userKeys = yield* UserKeys
  const projectKeys = yield* ProjectKeys
  const sql = yield* SqlClient.SqlClient

  return (authorization: string | undefined, sourceIp: string): Effect.Effect<Actor, Unauthorized> =>
    Effect.gen(function* () {
      if (authorization === undefined || authorization.trim() === "") return { _tag: "Anonymous", sourceIp } as const
      const match = /^Bearer +(\S+) *$/i.exec(authorization)
      const credential = match?.[1]
      if (credential === undefined) return yield* invalid()
      switch (keyKind(credential)) {
        case "user": {
          const key = yield* userKeys.authenticate(credential)
          if (Option.isNone(key)) return yield* invalid()
          const rows = yield* sql<{ uuid: string; admin: number; locked: number }>`SELECT uuid, admin, locked FROM user
            WHERE id = ${key.value.ownerId}`.pipe(Effect.orDie)
          const user = rows[0]
          if (user === undefined || user.locked !== 0) return yield* invalid()
          return {
            _tag: "User",
            userId: key.value.ownerId,
            uuid: user.uuid,
            admin: user.admin !== 0,
            sourceIp
          } as const
        }
        case "project": {
          const key = yield* projectKeys.authenticate(credential)
          if (Option.isNone(key)) return yield* invalid()
          const rows = yield* sql<{
            id: number
          }>`SELECT id FROM project WHERE id = ${key.value.ownerId} AND deleted IS NULL`.pipe(Effect.orDie)
          if (rows.length === 0) return yield* invalid()
          return { _tag: "ProjectKey", keyId: key.value.id, projectId: key.value.ownerId, sourceIp } as const
        }
        default:
          // Runner keys are valid only on the runner channel; anything else is not a credential.
          return yield* invalid()
      }
    })
})

/**
 * The Authentication middleware: no Authorization header is Anonymous, a valid key is its User or ProjectKey,
 * anything else a 401 "Invalid credentials". The source IP is the socket's peer (no proxy headers trusted).
 */
export const AuthenticationLive = Layer.effect(
  Authentication,
  Effect.map(makeResolveActor, (resolve) =>
    Effect.gen(function* () {
      const request = yield* HttpServerRequest.HttpServerRequest
      const sourceIp = normalizeIp(Option.getOrElse(request.remoteAddress, () => "unknown"))
      return yield* resolve(request.headers["authorization"], sourceIp)
    })
  )
)

import { HttpApiBuilder } from "@effect/platform"
import { Effect, Option, Redacted } from "effect"
import { BencherApi } from "../../api/index.js"
import { JsonUser, JsonUserKey, JsonUserKeyCreated } from "../../api/users.js"
import { Forbidden, NotFound } from "../../domain/errors.js"
import { toIso } from "../../domain/time.js"
import { Access } from "../../identity/access.js"
import { CurrentActor } from "../../domain/actor.js"
import type { CreatedKey, StoredKey } from "../../identity/key-store.js"
import { present } from "../../identity/present.js"
import { UserKeys } from "../../identity/user-keys.js"
import { Users, type User } from "../../identity/users.js"

/** Keys without an expiry show Bencher's "never": creation + the largest u32 TTL. */
export const displayExpiration = (key: StoredKey): string => toIso(key.expiration ?? key.created + 4_294_967_295_000)

export const toJsonUser = (user: User) =>
  new JsonUser({
    uuid: user.uuid,
    name: user.name,
    slug: user.slug,
    email: user.email,
    admin: user.admin,
    locked: user.locked,
    created: toIso(user.created)
  })

const toJsonKey = (key: StoredKey, user: User) =>
  new JsonUserKey({
    uuid: key.uuid,
    user: user.uuid,
    name: key.name,
    creation: toIso(key.created),
    expiration: displayExpiration(key),
    revoked: key.revoked === null ? null : toIso(key.revoked)
  })

const toJsonCreated = (created: CreatedKey, user: User) =>
  new JsonUserKeyCreated({
    uuid: created.key.uuid,
    user: user.uuid,
    name: created.key.name,
    creation: toIso(created.key.created),
    expiration: displayExpiration(created.key),
    key: Redacted.value(created.plaintext)
  })

const keyNotFound = () => new NotFound({ message: "Key not found" })

export const UsersHandlersLive = HttpApiBuilder.group(BencherApi, "users", (handlers) =>
  Effect.gen(function* () {
    const users = yield* Users
    const keys = yield* UserKeys
    const access = yield* Access

    const getUser = (resource: string) =>
      users.find(resource).pipe(
        Effect.flatMap(
          Option.match({
            onNone: () => Effect.fail(new NotFound({ message: `User not found: ${resource}` })),
            onSome: Effect.succeed
          })
        )
      )

    /** The user behind the path, once the actor may act on them. */
    const target = (resource: string, permission: "view" | "edit") =>
      Effect.gen(function* () {
        const actor = yield* CurrentActor
        yield* access.requireUser(actor)
        const user = yield* getUser(resource)
        yield* access.user(actor, user.id, permission)
        return user
      })

    return handlers
      .handle("list", () =>
        Effect.gen(function* () {
          yield* access.admin(yield* CurrentActor)
          return (yield* users.list()).map(toJsonUser)
        })
      )
      .handle("create", ({ payload }) =>
        Effect.gen(function* () {
          yield* access.admin(yield* CurrentActor)
          const user = yield* users.create({
            name: payload.name,
            email: payload.email,
            slug: payload.slug ?? undefined,
            admin: payload.admin ?? undefined
          })
          return toJsonUser(user)
        })
      )
      .handle("me", () =>
        Effect.gen(function* () {
          const self = yield* access.requireUser(yield* CurrentActor)
          return toJsonUser(yield* present("user")(yield* users.findById(self.userId)))
        })
      )
      .handle("get", ({ path }) => target(path.user, "view").pipe(Effect.map(toJsonUser)))
      .handle("update", ({ path, payload }) =>
        Effect.gen(function* () {
          const user = yield* target(path.user, "edit")
          if (payload.admin != null || payload.locked != null) {
            yield* access.user(yield* CurrentActor, user.id, "administer")
          }
          const updated = yield* users.update(user.id, {
            name: payload.name ?? undefined,
            slug: payload.slug ?? undefined,
            email: payload.email ?? undefined,
            admin: payload.admin ?? undefined,
            locked: payload.locked ?? undefined
          })
          return toJsonUser(Option.getOrElse(updated, () => user))
        })
      )
      .handle("listKeys", ({ path }) =>
        Effect.gen(function* () {
          const user = yield* target(path.user, "view")
          return (yield* keys.list(user.id)).map((k) => toJsonKey(k, user))
        })
      )
      .handle("createKey", ({ path, payload }) =>
        Effect.gen(function* () {
          const user = yield* target(path.user, "edit")
          const created = yield* keys.create({
            ownerId: user.id,
            name: payload.name,
            ttlSeconds: payload.ttl ?? undefined
          })
          return toJsonCreated(created, user)
        })
      )
      .handle("getKey", ({ path }) =>
        Effect.gen(function* () {
          const user = yield* target(path.user, "view")
          const key = yield* keys.get(user.id, path.key.toLowerCase())
          return toJsonKey(
            yield* Option.match(key, { onNone: () => Effect.fail(keyNotFound()), onSome: Effect.succeed }),
            user
          )
        })
      )
      .handle("updateKey", ({ path, payload }) =>
        Effect.gen(function* () {
          const user = yield* target(path.user, "edit")
          const key =
            payload.name == null
              ? yield* keys.get(user.id, path.key.toLowerCase())
              : yield* keys.rename(user.id, path.key.toLowerCase(), payload.name)
          return toJsonKey(
            yield* Option.match(key, { onNone: () => Effect.fail(keyNotFound()), onSome: Effect.succeed }),
            user
          )
        })
      )
      .handle("revokeKey", ({ path }) =>
        Effect.gen(function* () {
          const user = yield* target(path.user, "edit")
          const key = yield* keys.revoke(user.id, path.key.toLowerCase())
          if (Option.isNone(key)) return yield* keyNotFound()
        })
      )
      .handle("rotateKey", ({ path }) =>
        Effect.gen(function* () {
          const user = yield* target(path.user, "edit")
          const rotated = yield* keys.rotate(user.id, path.key.toLowerCase())
          if (Option.isNone(rotated)) {
            const existing = yield* keys.get(user.id, path.key.toLowerCase())
            return yield* Option.isSome(existing)
              ? new Forbidden({ message: "A revoked key cannot be rotated" })
              : keyNotFound()
          }
          return toJsonCreated(rotated.value, user)
        })
      )
  })
)

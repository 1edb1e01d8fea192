import { HttpApiBuilder } from "@effect/platform"
import { Effect, Option, Redacted } from "effect"
import { BencherApi } from "../../api/index.js"
import { JsonProjectKey, JsonProjectKeyCreated } from "../../api/project-keys.js"
import { Forbidden, NotFound } from "../../domain/errors.js"
import { toIso } from "../../domain/time.js"
import { Access } from "../../identity/access.js"
import { CurrentActor } from "../../domain/actor.js"
import type { CreatedKey, StoredKey } from "../../identity/key-store.js"
import { ProjectKeys } from "../../identity/project-keys.js"
import { type ProjectRefWithUuid, visibilityOf } from "../../identity/project-ref.js"
import { Users } from "../../identity/users.js"
import { Projects } from "../../projects/projects.js"
import { displayExpiration } from "./users.js"

const keyNotFound = () => new NotFound({ message: "Key not found" })

export const ProjectKeysHandlersLive = HttpApiBuilder.group(BencherApi, "projectKeys", (handlers) =>
  Effect.gen(function* () {
    const keys = yield* ProjectKeys
    const users = yield* Users
    const access = yield* Access
    const projects = yield* Projects

    const toJson = (key: StoredKey, project: ProjectRefWithUuid) =>
      Effect.gen(function* () {
        const creator = key.creatorId === null ? Option.none() : yield* users.findById(key.creatorId)
        return new JsonProjectKey({
          uuid: key.uuid,
          project: project.uuid,
          name: key.name,
          creator: Option.match(creator, { onNone: () => null, onSome: (u) => u.uuid }),
          creation: toIso(key.created),
          expiration: displayExpiration(key),
          revoked: key.revoked === null ? null : toIso(key.revoked)
        })
      })

    const toCreated = (created: CreatedKey, project: ProjectRefWithUuid) =>
      new JsonProjectKeyCreated({
        uuid: created.key.uuid,
        project: project.uuid,
        name: created.key.name,
        creation: toIso(created.key.created),
        expiration: displayExpiration(created.key),
        key: Redacted.value(created.plaintext)
      })

    /** Managing keys is the maintainer's `manage`; an invisible project is 404 like any other. */
    const managed = (resource: string) =>
      Effect.gen(function* () {
        const actor = yield* CurrentActor
        const row = yield* projects.find(resource)
        if (row === undefined) return yield* new NotFound({ message: `Project not found: ${resource}` })
        const project: ProjectRefWithUuid = {
          id: row.id,
          uuid: row.uuid,
          organizationId: row.organization_id,
          visibility: visibilityOf(row.visibility)
        }
        yield* access.project(actor, project, "manage")
        return { actor, project }
      })

    const found = <A>(value: Option.Option<A>) =>
      Option.match(value, { onNone: () => Effect.fail(keyNotFound()), onSome: Effect.succeed })

    return handlers
      .handle("list", ({ path }) =>
        Effect.gen(function* () {
          const { project } = yield* managed(path.project)
          return yield* Effect.forEach(yield* keys.list(project.id), (k) => toJson(k, project))
        })
      )
      .handle("create", ({ path, payload }) =>
        Effect.gen(function* () {
          const { actor, project } = yield* managed(path.project)
          const created = yield* keys.create({
            ownerId: project.id,
            name: payload.name,
            ttlSeconds: payload.ttl ?? undefined,
            creatorId: actor._tag === "User" ? actor.userId : null
          })
          return toCreated(created, project)
        })
      )
      .handle("get", ({ path }) =>
        Effect.gen(function* () {
          const { project } = yield* managed(path.project)
          return yield* toJson(yield* found(yield* keys.get(project.id, path.key.toLowerCase())), project)
        })
      )
      .handle("update", ({ path, payload }) =>
        Effect.gen(function* () {
          const { project } = yield* managed(path.project)
          const key =
            payload.name == null
              ? yield* keys.get(project.id, path.key.toLowerCase())
              : yield* keys.rename(project.id, path.key.toLowerCase(), payload.name)
          return yield* toJson(yield* found(key), project)
        })
      )
      .handle("revoke", ({ path }) =>
        Effect.gen(function* () {
          const { project } = yield* managed(path.project)
          yield* found(yield* keys.revoke(project.id, path.key.toLowerCase()))
        })
      )
      .handle("rotate", ({ path }) =>
        Effect.gen(function* () {
          const { actor, project } = yield* managed(path.project)
          const rotated = yield* keys.rotate(
            project.id,
            path.key.toLowerCase(),
            actor._tag === "User" ? actor.userId : null
          )
          if (Option.isNone(rotated)) {
            yield* found(yield* keys.get(project.id, path.key.toLowerCase()))
            return yield* new Forbidden({ message: "A revoked key cannot be rotated" })
          }
          return toCreated(rotated.value, project)
        })
      )
  })
)

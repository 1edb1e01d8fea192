import { HttpApiBuilder } from "@effect/platform"
import { Effect, Option } from "effect"
import { BencherApi } from "../../api/index.js"
import { JsonMember } from "../../api/organizations.js"
import { NotFound } from "../../domain/errors.js"
import { toIso } from "../../domain/time.js"
import { Members, type Member } from "../../identity/members.js"
import { Users } from "../../identity/users.js"
import { makePermittedOrganization } from "./organization-access.js"

const toJsonMember = (member: Member) =>
  new JsonMember({
    uuid: member.uuid,
    name: member.name,
    slug: member.slug,
    email: member.email,
    role: member.role,
    created: toIso(member.created),
    modified: toIso(member.modified)
  })

const memberNotFound = () => new NotFound({ message: "Member not found" })

export const MembersHandlersLive = HttpApiBuilder.group(BencherApi, "members", (handlers) =>
  Effect.gen(function* () {
    const members = yield* Members
    const users = yield* Users
    const permitted = yield* makePermittedOrganization

    const userId = (resource: string) =>
      users
        .find(resource)
        .pipe(
          Effect.flatMap(
            Option.match({ onNone: () => Effect.fail(memberNotFound()), onSome: (u) => Effect.succeed(u.id) })
          )
        )

    return handlers
      .handle("list", ({ path }) =>
        Effect.gen(function* () {
          const org = yield* permitted(path.organization, "view")
          return (yield* members.list(org.id)).map(toJsonMember)
        })
      )
      .handle("add", ({ path, payload }) =>
        Effect.gen(function* () {
          const org = yield* permitted(path.organization, "manage")
          const user = yield* users.findByEmail(payload.email)
          if (Option.isNone(user))
            return yield* new NotFound({ message: "No user with that email; an admin creates users" })
          return toJsonMember(yield* members.add(org.id, user.value.id, payload.role))
        })
      )
      .handle("get", ({ path }) =>
        Effect.gen(function* () {
          const org = yield* permitted(path.organization, "view")
          const member = yield* members.get(org.id, yield* userId(path.user))
          return toJsonMember(
            yield* Option.match(member, { onNone: () => Effect.fail(memberNotFound()), onSome: Effect.succeed })
          )
        })
      )
      .handle("update", ({ path, payload }) =>
        Effect.gen(function* () {
          const org = yield* permitted(path.organization, "manage")
          const id = yield* userId(path.user)
          const member =
            payload.role == null ? yield* members.get(org.id, id) : yield* members.setRole(org.id, id, payload.role)
          return toJsonMember(
            yield* Option.match(member, { onNone: () => Effect.fail(memberNotFound()), onSome: Effect.succeed })
          )
        })
      )
      .handle("remove", ({ path }) =>
        Effect.gen(function* () {
          const org = yield* permitted(path.organization, "manage")
          if (!(yield* members.remove(org.id, yield* userId(path.user)))) return yield* memberNotFound()
        })
      )
  })
)

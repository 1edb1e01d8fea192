import { SqlClient } from "@effect/sql"
import { describe, expect, layer } from "@effect/vitest"
import { Context, Effect, Either, Layer, Redacted } from "effect"
import { Access, type ProjectPermission, type ProjectRef } from "../../src/identity/access.js"
import type { Actor } from "../../src/domain/actor.js"
import { makeResolveActor } from "../../src/identity/authentication-live.js"
import { Members } from "../../src/identity/members.js"
import { Organizations } from "../../src/identity/organizations.js"
import { ProjectKeys } from "../../src/identity/project-keys.js"
import { visibleProjectCondition } from "../../src/identity/project-visibility.js"
import { UserKeys } from "../../src/identity/user-keys.js"
import { Users } from "../../src/identity/users.js"
import { IdentityStoreLive, insertProject, insertProjectRole } from "../helpers/store.js"

type Who =
  | "admin"
  | "org leader"
  | "org member"
  | "maintainer"
  | "developer"
  | "viewer"
  | "outsider"
  | "anonymous"
  | "project key of this project"
  | "project key of another project"

interface World {
  readonly actor: (who: Who, visibility: "public" | "private") => Effect.Effect<Actor>
  readonly allProjects: ReadonlyArray<ProjectRef>
  readonly projects: Record<"public" | "private", ProjectRef>
  readonly unclaimedProject: ProjectRef
  readonly claimUnclaimed: Effect.Effect<void>
}
class WorldTag extends Context.Tag("test/AccessWorld")<WorldTag, World>() {}

/** Org A holds a public and a private project; org B holds another project with its own key. */
const seed = Effect.gen(function* () {
  const users = yield* Users
  const userKeys = yield* UserKeys
  const projectKeys = yield* ProjectKeys
  const orgs = yield* Organizations
  const members = yield* Members
  const resolve = yield* makeResolveActor

  const person = (name: string, admin = false) =>
    Effect.gen(function* () {
      const user = yield* users.create({ name, email: `${name}@example.com`, admin }).pipe(Effect.orDie)
      const key = yield* userKeys.create({ ownerId: user.id, name: "k" })
      return { user, key: Redacted.value(key.plaintext) }
    })
  const admin = yield* person("admin", true)
  const leader = yield* person("leader")
  const member = yield* person("member")
  const maintainer = yield* person("maintainer")
  const developer = yield* person("developer")
  const viewer = yield* person("viewer")
  const outsider = yield* person("outsider")

  const orgA = yield* orgs.create({ name: "Org A", userId: leader.user.id })
  const orgB = yield* orgs.create({ name: "Org B", userId: outsider.user.id })
  yield* members.add(orgA.id, member.user.id, "member").pipe(Effect.orDie)
  const projects = {
    public: yield* insertProject(orgA.id, "pub", "public"),
    private: yield* insertProject(orgA.id, "priv", "private")
  }
  const other = yield* insertProject(orgB.id, "other", "private")
  for (const p of Object.values(projects)) {
    yield* insertProjectRole(maintainer.user.id, p.id, "maintainer")
    yield* insertProjectRole(developer.user.id, p.id, "developer")
    yield* insertProjectRole(viewer.user.id, p.id, "viewer")
  }
  const projectKey = (projectId: number) =>
    projectKeys.create({ ownerId: projectId, name: "ci" }).pipe(Effect.map((k) => Redacted.value(k.plaintext)))
  const ownKeys = { public: yield* projectKey(projects.public.id), private: yield* projectKey(projects.private.id) }
  const otherKey = yield* projectKey(other.id)

  const unclaimedOrg = yield* orgs.createUnclaimed("198.51.100.7").pipe(Effect.orDie)
  const unclaimedProject = yield* insertProject(unclaimedOrg.id, "unclaimed", "public")

  const keyOf: Record<
    Exclude<Who, "anonymous" | "project key of this project" | "project key of another project">,
    string
  > = {
    admin: admin.key,
    "org leader": leader.key,
    "org member": member.key,
    maintainer: maintainer.key,
    developer: developer.key,
    viewer: viewer.key,
    outsider: outsider.key
  }
  const bearer = (key: string) => resolve(`Bearer ${key}`, "203.0.113.1").pipe(Effect.orDie)
  const world: World = {
    projects,
    allProjects: [projects.public, projects.private, other, unclaimedProject],
    unclaimedProject,
    claimUnclaimed: orgs
      .claim({ organizationId: unclaimedOrg.id, userId: outsider.user.id })
      .pipe(Effect.orDie, Effect.asVoid),
    actor: (who, visibility) =>
      who === "anonymous"
        ? resolve(undefined, "203.0.113.1").pipe(Effect.orDie)
        : who === "project key of this project"
          ? bearer(ownKeys[visibility])
          : who === "project key of another project"
            ? bearer(otherKey)
            : bearer(keyOf[who])
  }
  return world
})

const WorldLive = Layer.effect(WorldTag, seed).pipe(Layer.provideMerge(IdentityStoreLive))

type Outcome = "ok" | 401 | 403 | 404
const statusOf = (error: { readonly _tag: string }): Outcome =>
  error._tag === "Unauthorized" ? 401 : error._tag === "Forbidden" ? 403 : 404

const permissions: ReadonlyArray<ProjectPermission> = ["view", "inspect", "run", "edit", "manage"]

// Each row: the outcome of view, inspect, run, edit and manage on a public project, then on a private one.
const matrix: ReadonlyArray<readonly [Who, ReadonlyArray<Outcome>, ReadonlyArray<Outcome>]> = [
  ["admin", ["ok", "ok", "ok", "ok", "ok"], ["ok", "ok", "ok", "ok", "ok"]],
  ["org leader", ["ok", "ok", "ok", "ok", "ok"], ["ok", "ok", "ok", "ok", "ok"]],
  ["org member", ["ok", "ok", 403, 403, 403], ["ok", "ok", 403, 403, 403]],
  ["maintainer", ["ok", "ok", "ok", "ok", "ok"], ["ok", "ok", "ok", "ok", "ok"]],
  ["developer", ["ok", "ok", "ok", "ok", 403], ["ok", "ok", "ok", "ok", 403]],
  ["viewer", ["ok", "ok", 403, 403, 403], ["ok", "ok", 403, 403, 403]],
  ["outsider", ["ok", 403, 403, 403, 403], [404, 404, 404, 404, 404]],
  ["anonymous", ["ok", 401, 401, 401, 401], [404, 404, 404, 404, 404]],
  ["project key of this project", ["ok", "ok", "ok", 403, 403], ["ok", "ok", "ok", 403, 403]],
  ["project key of another project", ["ok", 403, 403, 403, 403], [404, 404, 404, 404, 404]]
]

layer(WorldLive, { timeout: 30_000, excludeTestServices: true })("Access.project", (it) => {
  for (const [who, publicRow, privateRow] of matrix) {
    it.effect(
      `gives ${who} view/inspect/run/edit/manage = public ${publicRow.join("/")}, private ${privateRow.join("/")}`,
      () =>
        Effect.gen(function* () {
          const world = yield* WorldTag
          const access = yield* Access
          for (const [visibility, row] of [
            ["public", publicRow],
            ["private", privateRow]
          ] as const) {
            const actor = yield* world.actor(who, visibility)
            const outcomes = yield* Effect.forEach(permissions, (permission) =>
              access
                .project(actor, world.projects[visibility], permission)
                .pipe(Effect.either, Effect.map(Either.match({ onLeft: statusOf, onRight: (): Outcome => "ok" })))
            )
            expect({ who, visibility, outcomes }).toEqual({ who, visibility, outcomes: row })
          }
        })
    )
  }

  it.effect("hides a private project from a member of another organization with 404", () =>
    Effect.gen(function* () {
      const world = yield* WorldTag
      const access = yield* Access
      const error = yield* Effect.flip(
        access.project(yield* world.actor("outsider", "private"), world.projects.private, "view")
      )
      expect(error._tag).toBe("NotFound")
      expect(error.message).not.toContain("private")
    })
  )

  it.effect("lets anyone run on an unclaimed project until it is claimed, then answers 401", () =>
    Effect.gen(function* () {
      const world = yield* WorldTag
      const access = yield* Access
      const anonymous = yield* world.actor("anonymous", "public")
      yield* access.project(anonymous, world.unclaimedProject, "run")
      yield* world.claimUnclaimed
      const error = yield* Effect.flip(access.project(anonymous, world.unclaimedProject, "run"))
      expect(error._tag).toBe("Unauthorized")
    })
  )
})

layer(WorldLive, { timeout: 30_000, excludeTestServices: true })("visibleProjectCondition", (it) => {
  it.effect("lists exactly the projects Access.project lets each actor view", () =>
    Effect.gen(function* () {
      const world = yield* WorldTag
      const access = yield* Access
      const sql = yield* SqlClient.SqlClient
      for (const [who] of matrix) {
        for (const visibility of ["public", "private"] as const) {
          const actor = yield* world.actor(who, visibility)
          const listed = yield* sql<{ id: number }>`SELECT id FROM project AS p
            WHERE ${visibleProjectCondition(sql, actor, "p")} ORDER BY id`
          const viewable = yield* Effect.filter(world.allProjects, (ref) =>
            access.project(actor, ref, "view").pipe(
              Effect.as(true),
              Effect.orElseSucceed(() => false)
            )
          )
          expect({ who, ids: listed.map((r) => r.id) }).toEqual({
            who,
            ids: viewable.map((r) => r.id).sort((a, b) => a - b)
          })
        }
      }
    })
  )
})

describe("Access.organization and Access.admin", () => {
  layer(WorldLive, { timeout: 30_000, excludeTestServices: true })((it) => {
    it.effect("allows members to view and only leaders to manage; outsiders get 404, keys 403, anonymous 401", () =>
      Effect.gen(function* () {
        const world = yield* WorldTag
        const access = yield* Access
        const orgId = world.projects.public.organizationId
        const outcome = (who: Who, permission: "view" | "manage") =>
          Effect.gen(function* () {
            const actor = yield* world.actor(who, "public")
            return yield* access
              .organization(actor, orgId, permission)
              .pipe(Effect.either, Effect.map(Either.match({ onLeft: statusOf, onRight: (): Outcome => "ok" })))
          })
        const table: ReadonlyArray<readonly [Who, Outcome, Outcome]> = [
          ["admin", "ok", "ok"],
          ["org leader", "ok", "ok"],
          ["org member", "ok", 403],
          ["viewer", 404, 404],
          ["outsider", 404, 404],
          ["anonymous", 401, 401],
          ["project key of this project", 403, 403]
        ]
        for (const [who, view, manage] of table) {
          expect([who, yield* outcome(who, "view"), yield* outcome(who, "manage")]).toEqual([who, view, manage])
        }
        const adminOutcome = (who: Who) =>
          Effect.flatMap(world.actor(who, "public"), (actor) =>
            access
              .admin(actor)
              .pipe(Effect.either, Effect.map(Either.match({ onLeft: statusOf, onRight: (): Outcome => "ok" })))
          )
        expect(yield* adminOutcome("admin")).toBe("ok")
        expect(yield* adminOutcome("org leader")).toBe(403)
        expect(yield* adminOutcome("anonymous")).toBe(401)
      })
    )
  })
})

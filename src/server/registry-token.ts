// `GET /v0/auth/oci/token`: the docker token flow's token server (docs/reference.md §6 "OCI registry").
import type { HttpServerRequest } from "@effect/platform"
import { HttpServerResponse } from "@effect/platform"
import { Effect, Option } from "effect"
import type { Unauthorized } from "../domain/errors.js"
import type { Actor } from "../domain/actor.js"
import { Access } from "../identity/access.js"
import { RegistryCredentials } from "../registry/credentials.js"
import { ImageRegistry, isRepositoryName, type RegistryProject } from "../registry/image-registry.js"
import { CLIENT_TOKEN_TTL_SECONDS, type RegistryAction, RegistryTokens } from "../registry/tokens.js"

export const TOKEN_PATH = "/v0/auth/oci/token"

type Request = HttpServerRequest.HttpServerRequest

export const header = (request: Request, name: string): string | undefined => {
  const value = request.headers[name]
  return typeof value === "string" ? value : undefined
}

const parseBasic = (request: Request): { readonly username: string; readonly password: string } | undefined => {
  const auth = header(request, "authorization")
  const match = auth === undefined ? null : /^Basic\s+(\S+)$/i.exec(auth)
  if (match?.[1] === undefined) return undefined
  const decoded = Buffer.from(match[1], "base64").toString("utf8")
  const colon = decoded.indexOf(":")
  return colon < 0
    ? { username: decoded, password: "" }
    : { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) }
}

const actorSubject = (actor: Actor): string =>
  actor._tag === "User"
    ? `user:${actor.uuid}`
    : actor._tag === "ProjectKey"
      ? `project_key:${actor.keyId}`
      : "anonymous"

/** The actions of `wanted` this actor holds on a project; Access decides for users, the key's project for keys. */
const allowedActions = (actor: Actor, project: RegistryProject, wanted: ReadonlyArray<RegistryAction>) =>
  Effect.gen(function* () {
    const access = yield* Access
    const ref = { id: project.id, organizationId: project.organizationId, visibility: project.visibility }
    const allowed: Array<RegistryAction> = []
    for (const action of wanted) {
      const ok =
        actor._tag === "Anonymous"
          ? action === "pull" && project.visibility === "public"
          : actor._tag === "ProjectKey"
            ? actor.projectId === project.id || (action === "pull" && project.visibility === "public")
            : Option.isSome(yield* Effect.option(access.project(actor, ref, action === "pull" ? "view" : "create")))
      if (ok) allowed.push(action)
    }
    return allowed
  })

/**
 * `GET /v0/auth/oci/token` (docker token flow): Basic credentials (any username, an API key or project key as
 * the password) or none (anonymous pulls of public projects); one `scope` per repository.
 */
export const tokenHandler = (request: Request) =>
  Effect.gen(function* () {
    const credentials = yield* RegistryCredentials
    const registry = yield* ImageRegistry
    const tokens = yield* RegistryTokens
    const sourceIp = Option.getOrElse(request.remoteAddress, () => "")
    const basic = parseBasic(request)
    const actor: Actor =
      basic === undefined
        ? { _tag: "Anonymous", sourceIp }
        : yield* credentials.verifyBasic(basic.username, basic.password, sourceIp)
    const scopes = new URLSearchParams(request.url.split("?")[1] ?? "")
      .getAll("scope")
      .flatMap((s) => s.split(" "))
      .filter((s) => s.length > 0)
    const access: Array<{ project: string; actions: Array<RegistryAction> }> = []
    for (const scope of scopes) {
      const m = /^repository:([^:]+):([a-z,*]+)$/.exec(scope)
      if (m === null || !isRepositoryName(m[1] ?? "")) continue
      const wanted = (m[2] ?? "")
        .split(",")
        .flatMap((a): Array<RegistryAction> => (a === "pull" || a === "push" ? [a] : a === "*" ? ["pull", "push"] : []))
      const project = yield* registry.findProject(m[1] ?? "").pipe(Effect.orDie)
      if (Option.isNone(project)) continue
      const actions = yield* allowedActions(actor, project.value, wanted)
      if (actions.length > 0) access.push({ project: project.value.uuid, actions })
    }
    const minted = yield* tokens.mint({ aud: "OciAuth", sub: actorSubject(actor), access }, CLIENT_TOKEN_TTL_SECONDS)
    return HttpServerResponse.unsafeJson({
      token: minted.token,
      access_token: minted.token,
      expires_in: minted.expiresIn,
      issued_at: minted.issuedAt.toISOString()
    })
  }).pipe(
    Effect.catchTag("Unauthorized", (e: Unauthorized) =>
      Effect.succeed(
        HttpServerResponse.unsafeJson(
          { errors: [{ code: "UNAUTHORIZED", message: e.message, detail: null }] },
          { status: 401, headers: { "www-authenticate": `Basic realm="bencher"` } }
        )
      )
    )
  )

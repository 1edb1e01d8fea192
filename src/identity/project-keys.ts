import { Context, Effect, Layer } from "effect"
import { makeKeyStore } from "./key-store.js"

const make = makeKeyStore({ table: "project_key", owner: "project_id", kind: "project" })

/**
 * Project keys (`bencher_run_` + 30): `bencher run` and reads on their one project only (Access enforces it).
 * `create({ ownerId: projectId, name, ttlSeconds?, creatorId })` returns the plaintext once; only the hash is
 * stored. `list/get/rename/revoke/rotate` take the project id as owner.
 */
export class ProjectKeys extends Context.Tag("bencher/identity/ProjectKeys")<
  ProjectKeys,
  Effect.Effect.Success<typeof make>
>() {
  static readonly Live = Layer.effect(this, make)
}

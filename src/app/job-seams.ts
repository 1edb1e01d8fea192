import { SqlClient } from "@effect/sql"
import { Effect, Layer, Option, Schema } from "effect"
import { BadRequest } from "../domain/errors.js"
import { JsonJobOutput, type JobPriority } from "../domain/job.js"
import { TIMEOUT_LIMITS } from "../identity/plan.js"
import { Plans } from "../identity/plans.js"
import { BlobStore } from "../registry/blob-store.js"
import { ImageRegistry } from "../registry/image-registry.js"
import { RegistryTokens } from "../registry/tokens.js"
import { ServerConfig } from "./config.js"
import { ImageResolver } from "../jobs/image.js"
import { splitImageName } from "../oci/index.js"
import { Usage } from "../usage/usage.js"
import { RunnerUsage } from "../jobs/heartbeats.js"
import { JobOutputStore, RunnerPullTokens } from "../jobs/output.js"
import { type JobAllowance, JobPolicy } from "../jobs/policy.js"

/**
 * Job images come from this server's own registry: the image's host (when given) must be this server, its
 * repository the project (slug or uuid), and a tag resolves to the digest of its manifest (for an index, the
 * linux/amd64 entry, the platform of the runners here).
 */
export const ImageResolverFromRegistry = Layer.effect(
  ImageResolver,
  Effect.gen(function* () {
    const config = yield* ServerConfig
    const images = yield* ImageRegistry
    const registry = `${config.host}:${config.port}`
    const ours = new Set([registry, `localhost:${config.port}`, `127.0.0.1:${config.port}`])
    return {
      resolve: ({ image, projectSlug, projectUuid }) =>
        Effect.gen(function* () {
          const ref = splitImageName(image)
          if (ref.host !== undefined && !ours.has(ref.host)) {
            return yield* new BadRequest({
              message: `job.image: ${image} is not in this server's registry (${registry}); push it there first`
            })
          }
          if (ref.repository !== projectUuid && ref.repository !== projectSlug) {
            return yield* new BadRequest({
              message: `job.image: repository ${ref.repository} is not this project (${projectSlug} or ${projectUuid})`
            })
          }
          const reference = ref.digest ?? ref.tag ?? "latest"
          const digest = yield* images
            .resolveDigest(projectUuid, reference)
            .pipe(Effect.catchAll((e) => Effect.fail(new BadRequest({ message: `job.image: ${e.message}` }))))
          return { registry, digest }
        })
    }
  })
)

/** Tiers and timeouts from the organization's plan (identity): unclaimed 0, free 100, team 200, enterprise 300. */
export const JobPolicyFromPlans = Layer.effect(
  JobPolicy,
  Effect.gen(function* () {
    const plans = yield* Plans
    return {
      allowance: (organizationId: number) =>
        plans.tierOf(organizationId).pipe(
          Effect.orElseSucceed((): JobPriority => "unclaimed"),
          Effect.map(
            (tier): JobAllowance => ({
              tier,
              priority: plans.priority(tier),
              defaultTimeout: TIMEOUT_LIMITS[tier].default,
              maxTimeout: TIMEOUT_LIMITS[tier].max
            })
          )
        ),
      mayUseSpec: () => Effect.succeed(true)
    }
  })
)

/** The claimed job carries a real pull-only registry token: one project, 10 minutes, signed by the registry. */
export const RunnerPullTokensFromRegistry = Layer.effect(
  RunnerPullTokens,
  Effect.map(RegistryTokens, (tokens) => ({
    mint: (projectUuid: string, runnerUuid: string) =>
      tokens.mintRunnerPullToken(projectUuid, runnerUuid).pipe(
        Effect.map((minted) => minted.token),
        Effect.orDie
      )
  }))
)

const encodeOutput = Schema.encodeSync(Schema.parseJson(JsonJobOutput))
const decodeOutput = Schema.decodeUnknownOption(Schema.parseJson(JsonJobOutput))

/** Raw job outputs live in the BlobStore, keyed by the job's uuid, so they stay downloadable. */
export const JobOutputStoreFromBlobs = Layer.effect(
  JobOutputStore,
  Effect.gen(function* () {
    const blobs = yield* BlobStore
    const sql = yield* SqlClient.SqlClient
    const uuidOf = (jobId: number) =>
      sql<{ uuid: string }>`SELECT uuid FROM job WHERE id = ${jobId}`.pipe(
        Effect.flatMap(([row]) =>
          row === undefined ? Effect.dieMessage(`job ${jobId} not found`) : Effect.succeed(row.uuid)
        ),
        Effect.orDie
      )
    return {
      put: (jobId: number, output: JsonJobOutput) =>
        Effect.flatMap(uuidOf(jobId), (uuid) =>
          blobs.putJobOutput(uuid, new TextEncoder().encode(encodeOutput(output)))
        ).pipe(Effect.orDie, Effect.asVoid),
      get: (jobId: number) =>
        Effect.flatMap(uuidOf(jobId), (uuid) => blobs.getJobOutput(uuid)).pipe(
          Effect.map((stored) =>
            Option.flatMap(stored, (bytes: Uint8Array) => decodeOutput(new TextDecoder().decode(bytes)))
          ),
          Effect.orDie
        )
    }
  })
)

/** Billed runner minutes go to the usage ledger (`usage_runner_minutes`, `bencher org usage`). */
export const RunnerUsageFromLedger = Layer.effect(
  RunnerUsage,
  Effect.map(Usage, (usage) => ({
    recordMinutes: (organizationId: number, jobId: number, throughMinute: number, at: number) =>
      usage.recordRunnerMinutesThrough({ organizationId, jobId, throughMinute, at })
  }))
)

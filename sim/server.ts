import { SqlClient } from "@effect/sql"
import { SqlError } from "@effect/sql/SqlError"
import { Context, Effect, Layer } from "effect"
import type { JobPriority } from "../src/domain/job.js"
import { AccessOpen } from "../src/identity/access.js"
import { Organizations, OrganizationsConfig } from "../src/identity/organizations.js"
import { HeartbeatWriter } from "../src/jobs/heartbeats.js"
import { ImageResolver } from "../src/jobs/image.js"
import { JobLifecycle } from "../src/jobs/lifecycle.js"
import { JobOutputStore } from "../src/jobs/output.js"
import { allowanceFor, JobPolicy } from "../src/jobs/policy.js"
import type { JobQueue } from "../src/jobs/queue.js"
import { JobSettings, type JobSettingsShape } from "../src/jobs/settings.js"
import { BackgroundSql, storeConnectionLayers } from "../src/store/database.js"
import { UsageSink } from "../src/usage/sink.js"
import { Usage } from "../src/usage/usage.js"
import { inOrder } from "../src/app/layers.js"
import { serverParts } from "../src/app/services.js"

export const REGISTRY = "registry.sim"

/** The fault hooks the server's swapped layers consult; the world decides each one from its seeded streams. */
export interface ServerFaults {
  /** Should this background transaction fail with SQLITE_BUSY ("begin": before it runs, "commit": after its writes)? */
  readonly backgroundBusy: () => "begin" | "commit" | undefined
  /** Should this write of a job's output fail because the disk is full? */
  readonly outputDiskFull: (jobId: number) => boolean
}

const busy = (where: string) =>
  new SqlError({
    cause: { code: "SQLITE_BUSY", message: `database is locked (simulated, ${where})` },
    message: "database is locked"
  })

/**
 * The background connection with injected SQLITE_BUSY: a failure at BEGIN, or after the transaction's writes (so
 * it rolls back and whatever the caller did in memory meanwhile must not count).
 */
const busyBackground = (bg: SqlClient.SqlClient, faults: ServerFaults): SqlClient.SqlClient => {
  const withTransaction = <A, E, R>(self: Effect.Effect<A, E, R>): Effect.Effect<A, E | SqlError, R> =>
    Effect.suspend(() => {
      const fault = faults.backgroundBusy()
      if (fault === "begin") return Effect.fail(busy("begin"))
      if (fault === "commit") return bg.withTransaction(Effect.zipRight(self, Effect.fail(busy("commit"))))
      return bg.withTransaction(self)
    })
  return new Proxy(bg, {
    get: (target, prop, receiver) =>
      prop === "withTransaction" ? withTransaction : Reflect.get(target, prop, receiver)
  })
}

/** The background connection of the store built before it, with the BUSY fault. */
const backgroundWithFaults = (faults: ServerFaults) =>
  Layer.effect(
    BackgroundSql,
    Effect.map(BackgroundSql, (bg) => busyBackground(bg, faults))
  )

/** The real `job_output` table, except that a put may die with ENOSPC as a full disk makes the blob store do. */
const outputsWithFaults = (faults: ServerFaults) =>
  Layer.effect(
    JobOutputStore,
    Effect.map(JobOutputStore, (table) => ({
      get: table.get,
      put: (jobId: number, output: Parameters<typeof table.put>[1]) =>
        faults.outputDiskFull(jobId)
          ? Effect.dieMessage("ENOSPC: no space left on device (simulated)")
          : table.put(jobId, output)
    }))
  ).pipe(Layer.provide(JobOutputStore.Table))

/** Tiers per organization, chosen by the world. */
const policyOf = (tierOf: (organizationId: number) => JobPriority) =>
  Layer.succeed(JobPolicy, {
    allowance: (organizationId: number) => Effect.succeed(allowanceFor(tierOf(organizationId))),
    mayUseSpec: () => Effect.succeed(true)
  })

export interface ServerOptions {
  readonly file: string
  readonly settings: JobSettingsShape
  readonly faults: ServerFaults
  readonly tierOf: (organizationId: number) => JobPriority
  /** The planted-bug tests' broken rules. */
  readonly queue?: Layer.Layer<JobQueue, unknown, JobLifecycle | SqlClient.SqlClient>
  readonly lifecycle?: Layer.Layer<JobLifecycle, unknown, SqlClient.SqlClient>
}

/**
 * The production services of a server, from the same parts list as the server's ServicesLive (app/services.ts),
 * minus HTTP and the registry, with the world's faults and tiers as its choices. They are built in order
 * (`inOrder`), which costs a third of the Effect operations of a provideMerge chain: the server is rebuilt at
 * every simulated restart.
 */
export const serverLayer = (options: ServerOptions) =>
  inOrder(
    Layer.succeed(JobSettings, options.settings),
    // The real store's connections on the seed's copy of the migrated template.
    ...storeConnectionLayers(options.file, { checkpoints: "inline" }),
    backgroundWithFaults(options.faults),
    Layer.mergeAll(UsageSink.Log, OrganizationsConfig.Default),
    Layer.mergeAll(Usage.Live, Organizations.Live, AccessOpen),
    ...serverParts({
      seams: Layer.mergeAll(ImageResolver.digestOnly(REGISTRY), policyOf(options.tierOf)),
      outputs: outputsWithFaults(options.faults),
      writer: HeartbeatWriter.Live,
      ...(options.queue === undefined ? {} : { queue: options.queue }),
      ...(options.lifecycle === undefined ? {} : { lifecycle: options.lifecycle })
    })
  )

export type ServerServices = Layer.Layer.Success<ReturnType<typeof serverLayer>>
export type ServerContext = Context.Context<ServerServices>

import { Option } from "effect"
import type { JsonNewRunJob } from "../../domain/run.js"

// `bencher run --image`: which flags make sense for a remote run, and the `job` of its JsonNewRun.

export interface RemoteFlags {
  readonly image: Option.Option<string>
  readonly spec: Option.Option<string>
  readonly entrypoint: Option.Option<string>
  readonly cmd: ReadonlyArray<string>
  readonly env: ReadonlyArray<string>
  readonly jobTimeout: Option.Option<number>
  readonly detach: boolean
  readonly jobPollInterval: Option.Option<number>
  readonly waitTimeout: Option.Option<number>
  readonly cancelOnInterrupt: boolean
}

export interface SharedFlags {
  readonly command: ReadonlyArray<string>
  readonly exec: boolean
  readonly iter: Option.Option<number>
  readonly files: ReadonlyArray<string>
  readonly fileSizes: ReadonlyArray<string>
  readonly buildTime: boolean
  readonly allowFailure: boolean
  readonly backdate: Option.Option<number>
}

/** The flags only a remote run reads, by name, for "requires --image". */
const remoteOnly = (f: RemoteFlags): ReadonlyArray<string> => [
  ...(Option.isSome(f.spec) ? ["--spec"] : []),
  ...(Option.isSome(f.entrypoint) ? ["--entrypoint"] : []),
  ...(f.cmd.length > 0 ? ["--cmd"] : []),
  ...(f.env.length > 0 ? ["--env"] : []),
  ...(Option.isSome(f.jobTimeout) ? ["--job-timeout"] : []),
  ...(f.detach ? ["--detach"] : []),
  ...(Option.isSome(f.jobPollInterval) ? ["--job-poll-interval"] : []),
  ...(Option.isSome(f.waitTimeout) ? ["--wait-timeout"] : []),
  ...(f.cancelOnInterrupt ? ["--cancel-on-interrupt"] : [])
]

const parseEnv = (entries: ReadonlyArray<string>): Record<string, string> | string => {
  const env: Record<string, string> = {}
  for (const entry of entries) {
    const eq = entry.indexOf("=")
    if (eq <= 0) return `--env ${JSON.stringify(entry)}: expected KEY=VALUE`
    env[entry.slice(0, eq)] = entry.slice(eq + 1)
  }
  return env
}

/**
 * Checks the combination before anything is sent. Returns an error message, or the `job` body (undefined for a
 * local run).
 */
export const remoteJob = (
  remote: RemoteFlags,
  shared: SharedFlags
): { readonly job: JsonNewRunJob | undefined } | string => {
  if (Option.isNone(remote.image)) {
    const needing = remoteOnly(remote)
    return needing.length > 0
      ? `${needing.join(", ")} require${needing.length === 1 ? "s" : ""} --image`
      : { job: undefined }
  }
  if (shared.command.length > 0) {
    return `--image runs the image's own command remotely; do not also give a local command (${shared.command.join(" ")}); use --entrypoint/--cmd to override it`
  }
  if (shared.exec) return "--exec runs a local command and cannot be used with --image"
  if (remote.detach && Option.isSome(remote.jobPollInterval))
    return "--detach does not wait, so it cannot be used with --job-poll-interval"
  if (remote.detach && Option.isSome(remote.waitTimeout))
    return "--detach does not wait, so it cannot be used with --wait-timeout"
  if (remote.detach && remote.cancelOnInterrupt)
    return "--detach does not wait, so it cannot be used with --cancel-on-interrupt"
  for (const [flag, value] of [
    ["--job-timeout", remote.jobTimeout],
    ["--job-poll-interval", remote.jobPollInterval],
    ["--wait-timeout", remote.waitTimeout]
  ] as const) {
    if (Option.isSome(value) && value.value < 1) return `${flag} must be at least 1 second`
  }
  const env = parseEnv(remote.env)
  if (typeof env === "string") return env
  const filePaths = [...shared.files, ...shared.fileSizes]
  const iter = Option.getOrUndefined(shared.iter)
  const backdate = Option.getOrUndefined(shared.backdate)
  const job: JsonNewRunJob = {
    image: remote.image.value,
    ...(Option.isSome(remote.spec) ? { spec: remote.spec.value } : {}),
    ...(Option.isSome(remote.entrypoint) ? { entrypoint: [remote.entrypoint.value] } : {}),
    ...(remote.cmd.length > 0 ? { cmd: [...remote.cmd] } : {}),
    ...(remote.env.length > 0 ? { env } : {}),
    ...(Option.isSome(remote.jobTimeout) ? { timeout: remote.jobTimeout.value } : {}),
    ...(filePaths.length > 0 ? { file_paths: filePaths } : {}),
    ...(shared.buildTime ? { build_time: true } : {}),
    ...(shared.fileSizes.length > 0 ? { file_size: true } : {}),
    ...(iter !== undefined ? { iter } : {}),
    ...(shared.allowFailure ? { allow_failure: true } : {}),
    ...(backdate !== undefined ? { backdate: new Date(backdate * 1000).toISOString() } : {})
  }
  return { job }
}

/** Bencher's CLI waits twice the job timeout (its default job timeout is an hour). */
export const DEFAULT_JOB_TIMEOUT_SECONDS = 3600
export const waitTimeoutSeconds = (remote: Pick<RemoteFlags, "jobTimeout" | "waitTimeout">): number =>
  Option.getOrElse(remote.waitTimeout, () => 2 * Option.getOrElse(remote.jobTimeout, () => DEFAULT_JOB_TIMEOUT_SECONDS))

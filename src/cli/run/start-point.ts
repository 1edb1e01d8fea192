import { Either } from "effect"
import { classifyNameId } from "../../domain/ids.js"
import { DEFAULT_START_POINT_MAX_VERSIONS } from "../../domain/limits.js"
import type { JsonUpdateStartPoint } from "../../domain/run.js"

export interface StartPointFlags {
  /** `--start-point` may repeat; the first value that is a valid branch NameId wins, empty ones are skipped. */
  readonly startPoints: ReadonlyArray<string>
  readonly hash: string | undefined
  readonly maxVersions: number
  readonly cloneThresholds: boolean
  readonly reset: boolean
}

type StartPoint = typeof JsonUpdateStartPoint.Type

/**
 * The `start_point` of a JsonNewRun (Bencher's CliRunStartPoint). An empty or invalid `--start-point` is ignored
 * ("continue on empty"), so CI can pass `--start-point "$GITHUB_BASE_REF"` on every event.
 */
export const parseStartPointFlags = (flags: StartPointFlags): Either.Either<StartPoint | undefined, string> => {
  const branch = flags.startPoints.map((s) => s.trim()).find((s) => s !== "" && classifyNameId(s) !== undefined)
  if (flags.maxVersions < 0 || flags.maxVersions > DEFAULT_START_POINT_MAX_VERSIONS) {
    return Either.left(`--start-point-max-versions must be between 0 and ${DEFAULT_START_POINT_MAX_VERSIONS}`)
  }
  if (branch === undefined) {
    if (flags.hash !== undefined && flags.startPoints.length === 0)
      return Either.left("--start-point-hash requires --start-point")
    if (flags.cloneThresholds && flags.startPoints.length === 0) {
      return Either.left("--start-point-clone-thresholds requires --start-point")
    }
    return Either.right(flags.reset ? { reset: true } : undefined)
  }
  const hash = flags.hash?.trim()
  if (hash !== undefined && hash !== "" && !/^[0-9a-f]{7,64}$/i.test(hash)) {
    return Either.left(`--start-point-hash ${JSON.stringify(hash)} is not a git commit hash`)
  }
  return Either.right({
    branch,
    ...(hash !== undefined && hash !== "" ? { hash } : {}),
    max_versions: flags.maxVersions,
    clone_thresholds: flags.cloneThresholds,
    reset: flags.reset
  })
}

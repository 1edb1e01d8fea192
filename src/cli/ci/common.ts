import { Data } from "effect"

// What the CI integrations of `bencher run` share (docs/ci.md).

/** The environment the integrations read (process.env in the CLI, a plain object in tests). */
export type CiEnv = Readonly<Record<string, string | undefined>>

/** The `--github-actions`, `--gitlab-ci` and `--ci-*` flags. */
export interface CiSettings {
  readonly githubToken: string | undefined
  readonly gitlabToken: string | undefined
  readonly ciId: string | undefined
  readonly ciNumber: number | undefined
  readonly onlyThresholds: boolean
  readonly onlyOnAlert: boolean
  readonly publicLinks: boolean
  readonly pwnOverride: boolean
}

/** A pull request from a fork, refused before the benchmark runs (Bencher's pwn-request check). */
export class CiRefused extends Data.TaggedError("CiRefused")<{ readonly message: string }> {
  readonly exitCode = 1
}

export const describeCause = (cause: unknown): string => {
  if (typeof cause === "object" && cause !== null) {
    const response = (cause as { response?: { data?: { message?: unknown } } }).response
    if (typeof response?.data?.message === "string") return response.data.message
    if ("message" in cause) return String(cause.message)
  }
  return String(cause)
}

export const statusOf = (cause: unknown): number | undefined =>
  typeof cause === "object" && cause !== null && "status" in cause && typeof cause.status === "number"
    ? cause.status
    : undefined

import { Args, Command, Options } from "@effect/cli"
import { DEFAULT_START_POINT_MAX_VERSIONS } from "../../domain/limits.js"
import { backendOptions, envText } from "../backend.js"
import { reportFormats } from "../render/index.js"
import { DEFAULT_SHELL, DEFAULT_SHELL_FLAG } from "./command.js"

/** `bencher run`'s flags: Bencher's, plus those of remote runs. */
const optionalText = (name: string, description: string, env?: string) => {
  const base = Options.text(name).pipe(Options.withDescription(description))
  return (env === undefined ? base : base.pipe(Options.withFallbackConfig(envText(env)))).pipe(Options.optional)
}
const flag = (name: string, description: string) => Options.boolean(name).pipe(Options.withDescription(description))
const repeatedText = (name: string, description: string) =>
  Options.text(name).pipe(Options.withDescription(description), Options.repeated)

export const runOptions = {
  ...backendOptions,
  project: optionalText(
    "project",
    "Project slug or UUID; created on the fly when absent (env BENCHER_PROJECT)",
    "BENCHER_PROJECT"
  ),
  ciOnTheFly: flag("ci-on-the-fly", "Allow creating a project on the fly when CI=true"),
  branch: optionalText(
    "branch",
    "Branch name, slug or UUID (env BENCHER_BRANCH; server default: git branch, else main)",
    "BENCHER_BRANCH"
  ).pipe(Options.withAlias("if-branch")),
  hash: optionalText("hash", "Git commit hash of this run"),
  startPoint: repeatedText(
    "start-point",
    "Branch to start a new branch from; empty or invalid values are ignored"
  ).pipe(Options.withAlias("branch-start-point"), Options.withAlias("else-if-branch")),
  startPointHash: optionalText("start-point-hash", "Git hash of the start point (requires --start-point)").pipe(
    Options.withAlias("branch-start-point-hash")
  ),
  startPointMaxVersions: Options.integer("start-point-max-versions").pipe(
    Options.withDescription("Historical versions copied from the start point"),
    Options.withDefault(DEFAULT_START_POINT_MAX_VERSIONS)
  ),
  startPointCloneThresholds: flag("start-point-clone-thresholds", "Copy the start point's thresholds"),
  startPointReset: flag("start-point-reset", "Start a new head for the branch").pipe(Options.withAlias("branch-reset")),
  testbed: optionalText(
    "testbed",
    "Testbed name, slug or UUID (env BENCHER_TESTBED; server default: OS, else localhost)",
    "BENCHER_TESTBED"
  ),
  adapter: Options.text("adapter").pipe(
    Options.withDescription("Adapter of the benchmark output (env BENCHER_ADAPTER)"),
    Options.withFallbackConfig(envText("BENCHER_ADAPTER")),
    Options.withDefault("magic")
  ),
  average: Options.choice("average", ["mean", "median"]).pipe(
    Options.withDescription("Which average the adapter takes"),
    Options.optional
  ),
  iter: Options.integer("iter").pipe(
    Options.withDescription("Run the command this many times (default 1)"),
    Options.optional
  ),
  fold: Options.choice("fold", ["min", "max", "mean", "median"]).pipe(
    Options.withDescription("Fold the iterations into one (requires --iter)"),
    Options.optional
  ),
  backdate: Options.integer("backdate").pipe(Options.withDescription("Start time as epoch seconds"), Options.optional),
  allowFailure: flag("allow-failure", "Skip iterations whose command exits non-zero"),
  thresholdMeasures: repeatedText("threshold-measure", "Measure of a threshold (repeatable)"),
  thresholdTests: repeatedText(
    "threshold-test",
    "Test of each threshold: static, percentage, z_score, t_test, log_normal, iqr, delta_iqr"
  ),
  thresholdMinSampleSizes: repeatedText(
    "threshold-min-sample-size",
    "Minimum sample size of each threshold (_ for none)"
  ),
  thresholdMaxSampleSizes: repeatedText(
    "threshold-max-sample-size",
    "Maximum sample size of each threshold (_ for none)"
  ),
  thresholdWindows: repeatedText("threshold-window", "Window in seconds of each threshold (_ for none)"),
  thresholdLowerBoundaries: repeatedText("threshold-lower-boundary", "Lower boundary of each threshold (_ for none)"),
  thresholdUpperBoundaries: repeatedText("threshold-upper-boundary", "Upper boundary of each threshold (_ for none)"),
  thresholdsReset: flag("thresholds-reset", "Remove the models of this branch and testbed's thresholds not listed"),
  errorOnAlert: flag("error-on-alert", "Exit 1 when the report has alerts").pipe(Options.withAlias("err")),
  format: Options.choice("format", reportFormats).pipe(
    Options.withDescription("Report format"),
    Options.withDefault("human" as const)
  ),
  quiet: flag("quiet", "Only print the final report").pipe(Options.withAlias("q")),
  dryRun: flag("dry-run", "Print the report JSON that would be sent and send nothing"),
  buildTime: flag("build-time", "Report the command's wall time as build-time"),
  files: repeatedText("file", "Read results from this file after the command (repeatable; one iteration each)"),
  fileSizes: repeatedText("file-size", "Report this file's size as file-size (repeatable)"),
  shell: Options.text("shell").pipe(
    Options.withDescription("Shell for a single-string command"),
    Options.withDefault(DEFAULT_SHELL)
  ),
  shellFlag: Options.text("flag").pipe(
    Options.withDescription("Shell flag before the command"),
    Options.withDefault(DEFAULT_SHELL_FLAG)
  ),
  exec: flag("exec", "Run the command as argv, without a shell"),
  image: optionalText(
    "image",
    "Run this image remotely on a runner instead of a local command ([registry/]<project>:<tag>)"
  ),
  spec: optionalText("spec", "Hardware spec (slug or UUID) of the remote run (requires --image)"),
  entrypoint: optionalText("entrypoint", "Override the image's entrypoint (one string, like docker run --entrypoint)"),
  cmd: repeatedText("cmd", "Override the image's command, one argument per --cmd (repeatable)"),
  env: repeatedText("env", "KEY=VALUE added to the remote job's environment (repeatable)"),
  jobTimeout: Options.integer("job-timeout").pipe(
    Options.withDescription("Seconds the remote job may run"),
    Options.optional
  ),
  detach: flag("detach", "Submit the remote job, print its uuid and how to follow it, and exit"),
  jobPollInterval: Options.integer("job-poll-interval").pipe(
    Options.withAlias("poll-interval"),
    Options.withDescription("Seconds between polls when the live job stream is unavailable (default 5)"),
    Options.optional
  ),
  waitTimeout: Options.integer("wait-timeout").pipe(
    Options.withDescription(
      "Seconds to follow the remote job before giving up with exit 4 (default twice --job-timeout)"
    ),
    Options.optional
  ),
  cancelOnInterrupt: flag("cancel-on-interrupt", "Ctrl-C cancels the remote job without asking"),
  specReset: flag("spec-reset", "Clear the testbed's hardware spec (conflicts with --image)"),
  githubActions: optionalText(
    "github-actions",
    "GitHub token: post the report as a PR comment or check run and job summary"
  ),
  gitlabCi: optionalText(
    "gitlab-ci",
    "GitLab token (CI_JOB_TOKEN or a project access token): post the report as a merge request note"
  ),
  ciOnlyThresholds: flag("ci-only-thresholds", "Only post to CI when a threshold exists"),
  ciOnlyOnAlert: flag("ci-only-on-alert", "Only start posting a PR comment once an alert occurs"),
  ciPublicLinks: flag("ci-public-links", "Links in the CI comment use the public perf page"),
  ciId: optionalText("ci-id", "Id that keeps this job's PR comment and check apart from other jobs'"),
  ciNumber: Options.integer("ci-number").pipe(
    Options.withDescription("Pull request or merge request number to comment on when the event is not a pull request"),
    Options.optional
  ),
  ciIAmVulnerableToPwnRequests: flag(
    "ci-i-am-vulnerable-to-pwn-requests",
    "Post on pull requests from forks anyway (unsafe: see docs/ci.md)"
  ),
  insecureHost: flag("insecure-host", "Accept an invalid TLS certificate from the backend host"),
  nativeTls: flag(
    "native-tls",
    "Accepted for Bencher compatibility; Node's TLS uses its CA bundle and NODE_EXTRA_CA_CERTS"
  ),
  strict: flag("strict", "Accepted for Bencher compatibility; responses are always checked against their schema"),
  elseBranch: flag("else-branch", "Deprecated, ignored (Bencher's hidden flag)"),
  endifBranch: flag("endif-branch", "Deprecated, ignored (Bencher's hidden flag)"),
  noHash: flag("no-hash", "Deprecated, ignored (Bencher's hidden flag)"),
  command: Args.text({ name: "command" }).pipe(
    Args.withDescription("Benchmark command (env BENCHER_CMD)"),
    Args.repeated
  )
}

export type RunOptions = Command.Command.ParseConfig<typeof runOptions>

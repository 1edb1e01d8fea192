// Unknown flags of `bencher run`. @effect/cli hands every token it does not know to the trailing command, so
// `bencher run --github-actions "$T" cargo bench` on a CLI without that flag would run `--github-actions` as the
// command. Bencher's parser (clap, trailing var-arg) instead rejects an unknown flag before the command; only `--`
// or the first plain word starts the command (docs/ci.md).

/** Bencher's exit code for a usage error (clap's). */
export const USAGE_EXIT_CODE = 2

/**
 * The unknown flag that @effect/cli put at the head of the command, if any. `argv` is the raw process argv: a
 * leading dash-word of the command is fine when `--` came before it there (`bencher run -- -weird-binary`).
 */
export const unknownFlagOf = (command: ReadonlyArray<string>, argv: ReadonlyArray<string>): string | undefined => {
  const first = command[0]
  if (first === undefined || !first.startsWith("-") || first === "-") return undefined
  const run = argv.indexOf("run")
  for (let i = run + 1; run >= 0 && i < argv.length; i++) {
    if (argv[i] === "--") return undefined
    if (argv[i] === first) break
  }
  return first.split("=")[0]
}

export const unknownFlagMessage = (flag: string): string =>
  `unexpected argument '${flag}' found for bencher run; see bencher run --help for its flags, ` +
  `or put the benchmark command after -- (bencher run [flags] -- ${flag} ...)`

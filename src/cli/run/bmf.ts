import { basename } from "node:path"

// The BMF `bencher run` writes itself for `--build-time` and `--file-size` (docs/reference.md §4.2).

export type Bmf = Record<string, Record<string, { value: number; lower_value?: number; upper_value?: number }>>

export const BUILD_TIME = "build-time"
export const FILE_SIZE = "file-size"

/** Seconds rounded to two decimals, as Bencher. */
export const buildTimeSeconds = (elapsedMs: number): number => Math.round(elapsedMs / 10) / 100

/**
 * `--build-time` and/or `--file-size`: the command's wall time under the command's display string, and each
 * file's size in bytes under its basename.
 */
export const buildTimeAndFileSizeBmf = (options: {
  readonly buildTime?: { readonly command: string; readonly elapsedMs: number } | undefined
  readonly fileSizes: ReadonlyArray<{ readonly path: string; readonly bytes: number }>
}): Bmf => {
  const bmf: Bmf = {}
  if (options.buildTime !== undefined) {
    bmf[options.buildTime.command] = { [BUILD_TIME]: { value: buildTimeSeconds(options.buildTime.elapsedMs) } }
  }
  for (const file of options.fileSizes) {
    const name = basename(file.path)
    bmf[name] = { ...bmf[name], [FILE_SIZE]: { value: file.bytes } }
  }
  return bmf
}

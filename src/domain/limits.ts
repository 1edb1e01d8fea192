// Validation limits of Bencher (docs/reference.md §11), shared by every boundary that decodes input.
export const MAX_NAME_LEN = 64
export const MAX_SLUG_LEN = 64
export const MAX_BENCHMARK_NAME_LEN = 1024
export const MAX_BRANCH_NAME_LEN = 256
export const MAX_ENTRYPOINT_LEN = 64
export const MAX_CMD_LEN = 64
export const MAX_ENV_LEN = 255
export const MAX_FILE_PATHS_LEN = 255
export const MAX_FILE_COUNT = 255
/**
 * Ours (Bencher: 25 MiB): the runner keeps at most this much of each of stdout, stderr (their first and last
 * halves) and every output file; the result says what was cut (`truncated`, `dropped_bytes`).
 */
export const MAX_OUTPUT_BYTES = 8 * 1024 * 1024
/**
 * Ours: the largest outcome (a job's results as JSON text, in UTF-16 units) a server takes; the runner sends it in
 * parts of OUTCOME_PART_CHARS, so no channel message comes near the RPC frame limit (16 MiB).
 */
export const MAX_OUTCOME_CHARS = 96 * 1024 * 1024
export const OUTCOME_PART_CHARS = 512 * 1024
export const MAX_PER_PAGE = 255
export const DEFAULT_PER_PAGE = 8
export const MAX_PERF_PERMUTATIONS = 255
export const MAX_PERF_IMAGE_PERMUTATIONS = 8
export const DEFAULT_MAX_BODY_BYTES = 4 * 1024 * 1024
/** Levels of arrays and objects a request body may nest (serde_json's recursion limit). */
export const MAX_JSON_DEPTH = 128
export const DEFAULT_START_POINT_MAX_VERSIONS = 255
export const MAX_ITERATIONS = 255
/**
 * Per report: benchmarks x measures of each iteration, summed over its iterations (the cells a report writes,
 * each a metric row and maybe a boundary and an alert). A larger report is a 400 naming this limit.
 */
export const MAX_REPORT_BENCHMARKS_X_MEASURES = 100_000
/** Largest image a runner downloads unless told otherwise (`--max-download-size`). */
export const DEFAULT_MAX_DOWNLOAD_BYTES = 500 * 1024 * 1024

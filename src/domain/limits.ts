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
export const MAX_OUTPUT_BYTES = 25 * 1024 * 1024
export const MAX_PER_PAGE = 255
export const DEFAULT_PER_PAGE = 8
export const MAX_PERF_PERMUTATIONS = 255
export const MAX_PERF_IMAGE_PERMUTATIONS = 8
export const DEFAULT_MAX_BODY_BYTES = 4 * 1024 * 1024
export const DEFAULT_START_POINT_MAX_VERSIONS = 255
export const MAX_ITERATIONS = 255
/**
 * Per report: benchmarks x measures of each iteration, summed over its iterations (the cells a report writes,
 * each a metric row and maybe a boundary and an alert). A larger report is a 400 naming this limit.
 */
export const MAX_REPORT_BENCHMARKS_X_MEASURES = 100_000

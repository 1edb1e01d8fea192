/**
 * CLOCK_MONOTONIC in milliseconds (libuv's hrtime). On Linux it is one clock for every process on the machine, so
 * a stamp taken in a runner process compares with one taken in the bench.
 */
export const monotonicMs = () => Number(process.hrtime.bigint()) / 1e6

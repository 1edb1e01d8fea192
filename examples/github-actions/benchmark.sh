#!/bin/sh
# An example benchmark: times a small shell loop and writes the result as Bencher Metric Format (BMF) JSON to
# results.json, which `bencher run --adapter json --file results.json` reads. Replace it with your own benchmarks.
set -eu
start=$(date +%s%N)
i=0
while [ "$i" -lt 20000 ]; do i=$((i + 1)); done
end=$(date +%s%N)
printf '{"shell::loop_20000": {"latency": {"value": %s}}}\n' "$((end - start))" > results.json

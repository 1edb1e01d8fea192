#!/busybox sh
# The quick start's benchmark. The image holds only this script and Debian's static busybox (/busybox), so it
# runs in any sandbox. Each benchmark does a fixed amount of shell work and reports the CPU time it took as
# `latency` in Bencher Metric Format (adapter `json`). CPU time rather than wall time: a busy machine delays the
# work far more than it makes it cost more CPU. Both benchmarks are arithmetic in the shell, not memory-bound:
# under load their CPU times agreed within about +-15% (a string-building one varied by up to +57%).
#
# QUICKSTART_SLOWDOWN=<n> (default 1) makes `checksum` do n times the work: a regression to catch.
set -eu

slowdown=${QUICKSTART_SLOWDOWN:-1}
case $slowdown in
  '' | *[!0-9]* | 0) echo "QUICKSTART_SLOWDOWN must be a positive integer, got '$slowdown'" >&2; exit 2 ;;
esac

# A checksum over `rounds` numbers (a linear congruential sequence).
checksum() {
  rounds=$1 x=1 sum=0 i=0
  while [ $i -lt "$rounds" ]; do
    x=$(( (x * 1103515245 + 12345) % 2147483648 ))
    sum=$(( (sum + x) % 1000000007 ))
    i=$(( i + 1 ))
  done
  echo "$sum"
}

# Counts the primes below `limit` by trial division.
primes() {
  limit=$1 count=0 n=2
  while [ $n -lt "$limit" ]; do
    d=2 prime=1
    while [ $(( d * d )) -le $n ]; do
      if [ $(( n % d )) -eq 0 ]; then prime=0; break; fi
      d=$(( d + 1 ))
    done
    count=$(( count + prime ))
    n=$(( n + 1 ))
  done
  echo "$count"
}

# `times` prints the CPU time of the shell and then of its finished children as `0m1.230s 0m0.010s` (user, system).
# The benchmark runs in a command substitution, a child shell whose own first `times` line is the work's CPU time.
nanos() {
  m=${1%%m*} s=${1#*m}
  s=${s%s}
  whole=${s%.*} frac=${s#*.}
  case ${#frac} in 1) frac=${frac}00 ;; 2) frac=${frac}0 ;; esac
  # 1$frac - 1000: the fraction without leading zeros, which $(( )) would read as octal.
  echo $(( ((m * 60 + whole) * 1000 + 1$frac - 1000) * 1000000 ))
}

measure() {
  # shellcheck disable=SC2046 # split the four `times` fields on purpose
  set -- $( "$@" > /dev/null; times )
  echo $(( $(nanos "$1") + $(nanos "$2") ))
}

checksum_ns=$(measure checksum $(( 60000 * slowdown )))
primes_ns=$(measure primes 6000)

printf '{\n'
printf '  "quickstart::checksum": { "latency": { "value": %s } },\n' "$checksum_ns"
printf '  "quickstart::primes": { "latency": { "value": %s } }\n' "$primes_ns"
printf '}\n'

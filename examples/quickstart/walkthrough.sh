#!/usr/bin/env bash
# Runs the README's quick start exactly as written: the block after `<!-- quickstart: server -->` in the
# background, then each command of the block after `<!-- quickstart: steps -->` in one shell (so its exports
# carry over), in a fresh work folder where `examples` points at this checkout's and `bencher` is this
# checkout's build (`npm run build` first). The commands are read from README.md, so the README and this test
# cannot drift apart.
#
# Usage: examples/quickstart/walkthrough.sh [work dir]   (default: a new temporary folder)
# BENCHER_HOST (default http://127.0.0.1:61016, as in the README) is where the server listens and the other
# commands connect.
#
# Before each step it prints `$ <command>`, after it `[quickstart] exit <code>`. A step is expected to exit 0
# unless its line says `# exits <n>`. Exit status: 0 when every step exited as expected, 1 when one did not, 2
# when the server or its runner did not start.
set -uo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
readme="$repo/README.md"
work=${1:-$(mktemp -d "${TMPDIR:-/tmp}/bencher-quickstart.XXXXXX")}
mkdir -p "$work"
work=$(cd "$work" && pwd)

# The fenced block right after the marker comment `<!-- quickstart: $1 -->`.
block() {
  awk -v marker="<!-- quickstart: $1 -->" '
    $0 == marker { found = 1; next }
    found && /^```/ { if (inside) exit; inside = 1; next }
    found && inside { print }
  ' "$readme"
}

# One command per element: continuation lines (ending in a backslash) joined, blank lines and comment-only
# lines dropped.
commands() {
  local line joined=""
  while IFS= read -r line; do
    if [[ -z "$joined" && ( "$line" =~ ^[[:space:]]*$ || "$line" =~ ^[[:space:]]*# ) ]]; then continue; fi
    if [[ "$line" == *\\ ]]; then
      joined+="${line%\\}"
      continue
    fi
    joined+="$line"
    printf '%s\0' "$joined"
    joined=""
  done
}

mapfile -d '' server < <(block server | commands)
mapfile -d '' steps < <(block steps | commands)
if [[ ${#server[@]} -ne 1 || ${#steps[@]} -eq 0 ]]; then
  echo "README.md: expected one command after <!-- quickstart: server --> and some after <!-- quickstart: steps -->" >&2
  exit 2
fi

# This checkout's CLI as `bencher`, and its examples, as the README assumes when run from the repository.
mkdir -p "$work/.bin"
printf '#!/bin/sh\nexec node "%s/bin/bencher.js" "$@"\n' "$repo" > "$work/.bin/bencher"
chmod +x "$work/.bin/bencher"
ln -sfn "$repo/examples" "$work/examples"
export PATH="$work/.bin:$PATH"
cd "$work" || exit 2
echo "work folder: $work"

server_pid=""
stop_server() {
  if [[ -n "$server_pid" ]] && kill -0 "$server_pid" 2>/dev/null; then
    kill -TERM "$server_pid" 2>/dev/null
    wait "$server_pid" 2>/dev/null
  fi
}
trap stop_server EXIT

printf '$ %s &\n' "${server[0]}"
# exec: the recorded pid is the server's own, so stopping it stops the server and nothing else.
( eval "exec ${server[0]}" ) > "$work/server.log" 2>&1 < /dev/null &
server_pid=$!

# Ready once the server says it listens and the co-located runner says it is up (or that there is none).
deadline=$((SECONDS + 60))
until grep -q "runner up:" "$work/server.log" 2>/dev/null; do
  if grep -q "no co-located runner" "$work/server.log" 2>/dev/null || ! kill -0 "$server_pid" 2>/dev/null \
    || ((SECONDS > deadline)); then
    echo "the server or its runner did not start:" >&2
    cat "$work/server.log" >&2
    exit 2
  fi
  sleep 0.1
done
grep -v "Admin API key" "$work/server.log"

failed=0
n=0
for cmd in "${steps[@]}"; do
  n=$((n + 1))
  expected=0
  if [[ "$cmd" =~ \#[[:space:]]*exits[[:space:]]+([0-9]+) ]]; then expected=${BASH_REMATCH[1]}; fi
  printf '\n$ %s\n' "$cmd"
  eval "$cmd" < /dev/null
  code=$?
  printf '[quickstart] exit %d\n' "$code"
  if [[ "$code" -ne "$expected" ]]; then
    echo "[quickstart] step $n exited $code, expected $expected" >&2
    failed=1
  fi
done

if [[ "$failed" -ne 0 ]]; then
  echo "--- server log ---" >&2
  grep -v "Admin API key" "$work/server.log" >&2
fi
exit "$failed"

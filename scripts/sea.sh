#!/usr/bin/env bash
# Turns build/bencher.cjs into dist/bencher, a Node single executable application with the SQLite addon embedded.
# useCodeCache: V8 code compiled at build time, so a start skips compiling the bundle (`--version` 0.67 s -> 0.30 s
# here, where `node -e 0` takes 0.23 s; see npm run bench -- cli-start).
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p build dist
cat > build/sea-config.json <<JSON
{"main":"build/bencher.cjs","output":"build/sea-prep.blob","disableExperimentalSEAWarning":true,"useCodeCache":true,
 "assets":{"better_sqlite3.node":"build/better_sqlite3.node"}}
JSON
node --experimental-sea-config build/sea-config.json
cp "$(command -v node)" dist/bencher
chmod u+w dist/bencher
npx --no-install postject dist/bencher NODE_SEA_BLOB build/sea-prep.blob \
  --sentinel-fuse NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2 2>&1 | grep -v "Can't find string offset" || true
echo "built dist/bencher ($(du -h dist/bencher | cut -f1))"

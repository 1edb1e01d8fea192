#!/usr/bin/env bash
# Turns build/bencher.cjs into dist/bencher, a Node single executable application with the SQLite addon embedded.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p build dist
cat > build/sea-config.json <<JSON
{"main":"build/bencher.cjs","output":"build/sea-prep.blob","disableExperimentalSEAWarning":true,
 "assets":{"better_sqlite3.node":"build/better_sqlite3.node"}}
JSON
node --experimental-sea-config build/sea-config.json
cp "$(command -v node)" dist/bencher
chmod u+w dist/bencher
npx --no-install postject dist/bencher NODE_SEA_BLOB build/sea-prep.blob \
  --sentinel-fuse NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2 2>&1 | grep -v "Can't find string offset" || true
echo "built dist/bencher ($(du -h dist/bencher | cut -f1))"

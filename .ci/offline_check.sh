#!/usr/bin/env bash
# The offline bundle as an LGWAN PC meets it: built here (with the package index), then its Linux part
# installed into a fresh venv with no index at all, and fitgap run from it: --version, init, status.
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
make offline-bundle
archive=$(ls -t dist/fitgap-offline-*.zip | head -1)
.venv/bin/python -c "import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extractall(sys.argv[2])" "$archive" "$work"
bundle=$(ls -d "$work"/fitgap-offline-*)
# no index: a pip config or index variable of this machine must not leak in
PIP_CONFIG_FILE=/dev/null PIP_INDEX_URL=http://127.0.0.1:9/no-index PIP_EXTRA_INDEX_URL= PIP_FIND_LINKS= \
    sh "$bundle/install.sh"
"$bundle/fitgap" --version
"$bundle/fitgap" --db "$work/offline.db" init --municipality 海津市
"$bundle/fitgap" --db "$work/offline.db" status > "$work/status.txt"
head -3 "$work/status.txt"
echo "offline bundle: built, installed without an index, and ran"

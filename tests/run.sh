#!/usr/bin/env bash
# Samsa's whole test suite: installs the test extra into .venv, then runs ruff, mypy and pytest.
# Extra arguments go to pytest (e.g. `bash tests/run.sh -k records`).
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m venv .venv
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -e '.[test]'
# kafkajs, from npm, for the interop tests that run it on node (skipped where node is missing).
if command -v npm >/dev/null 2>&1; then
    npm install --silent --no-audit --no-fund --prefix .node kafkajs@2.2.4 >/dev/null \
        || echo "could not install kafkajs"
    export NODE_PATH="$PWD/.node/node_modules"
fi
.venv/bin/ruff check .
.venv/bin/mypy
.venv/bin/python -m protocol.schema.generate --check
.venv/bin/pytest "$@"

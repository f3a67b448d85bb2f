#!/usr/bin/env bash
# Samsa's whole test suite: installs the test extra into .venv, then runs ruff, mypy and pytest.
# Extra arguments go to pytest (e.g. `bash tests/run.sh -k records`).
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m venv .venv
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -e '.[test]'
.venv/bin/ruff check .
.venv/bin/mypy
.venv/bin/python -m protocol.schema.generate --check
.venv/bin/pytest "$@"

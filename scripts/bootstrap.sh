#!/usr/bin/env bash
# Create .venv and install the project with its test tools (idempotent, quiet).
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi
if [ ! -f .venv/.installed ] || [ pyproject.toml -nt .venv/.installed ]; then
  .venv/bin/python -m pip install --quiet --disable-pip-version-check --upgrade pip >/dev/null 2>&1 || true
  .venv/bin/python -m pip install --quiet --disable-pip-version-check -e ".[dev]" 2>&1 \
    | grep -v -e "^WARNING: Location" -e "^$" || true
  .venv/bin/python -c "import tm, cli, sqlalchemy, lxml, rapidfuzz" # fail loudly if install failed
  touch .venv/.installed
fi

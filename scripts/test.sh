#!/usr/bin/env bash
# The whole test suite: lint, types, then pytest on SQLite and (when reachable) PostgreSQL.
# Under CI=true an unreachable PostgreSQL is a failure, not a skip.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
if ! command -v msgfmt >/dev/null 2>&1 && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  # `msgfmt -c` is the reference PO checker the tests run against our PO output.
  (apt-get update -qq && apt-get install -y -qq gettext) >/dev/null 2>&1 || true
fi
.venv/bin/ruff check .
.venv/bin/mypy
.venv/bin/python -m pytest -q "$@"

#!/usr/bin/env bash
# The README demo: install, create a fresh SQLite database, import the corrected sample TM,
# then show what translators, terminologists and CI get from it.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
export TM_DATABASE_URL="sqlite:///$PWD/demo/demo.sqlite3"
mkdir -p demo
rm -f demo/demo.sqlite3 demo/demo.sqlite3-wal demo/demo.sqlite3-shm
TM=.venv/bin/tm
step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

step "Create the database (SQLite, $TM_DATABASE_URL) and import the corrected sample TM"
$TM db upgrade
$TM import examples/oncology-sample.tmx --memory oncology

step "What is in it"
$TM stats

step "Concordance: where does the memory use 'lymph node'?"
$TM concordance "lymph node" --lang en --to zh-Hans --to es --limit 3

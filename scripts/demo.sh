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

step "Fuzzy lookups: sentences the memory has never seen verbatim"
$TM lookup "The greatest advantage of immunotherapy for soft tissue sarcomas is that it specifically targets tumour cells." \
    --from en --to es --memory oncology --limit 1
echo "-- numbers differ only: the match is auto-adapted (Trados' auto-localisation)"
$TM lookup "However, breast cancer still has a 10–20% chance of recurrence." --from en --to de --memory oncology --limit 1
echo "-- Chinese is matched character by character (zh-CN finds units stored as zh-Hans)"
$TM lookup "骨肉瘤免疫治疗的最大优势在于其对肿瘤细胞具有靶向性。" --from zh-CN --to en --memory oncology --limit 1

step "Glossary: terms in a sentence, with approved translations (and forbidden ones)"
$TM terms "Drugs such as mosaic and aromatic inhibitors are used after whole mammography." --lang en --to zh-Hans

step "Pre-translate a seed article the memory does not contain (en -> es), with an analysis report"
$TM pretranslate examples/articles/recurrence-symptoms.en.txt --from en --to es --memory oncology \
    --out demo/recurrence-symptoms.es.xlf --report demo/recurrence-symptoms.report.html
echo "bilingual file: demo/recurrence-symptoms.es.xlf   report: demo/recurrence-symptoms.report.html"

step "Rebuild the Spanish article from the bilingual file"
$TM build-target demo/recurrence-symptoms.es.xlf demo/recurrence-symptoms.es.txt
head -c 600 demo/recurrence-symptoms.es.txt; echo

step "CI check: the machine-translated seed articles against the enforced glossary"
set +e
$TM check examples/seeds/ --glossary glossaries/oncology.toml --rules forbidden-term
status=$?
set -e
echo "tm check exit code: $status (1 = findings, as a CI job would fail)"

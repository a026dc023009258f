"""`tm glossary validate`: the shipped glossary passes, each seeded broken file fails."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli.main import app
from tm.glossary.loading import SHIPPED_DIR
from tm.services.glossary import validate_glossaries

BROKEN = Path(__file__).parent / "data" / "glossary" / "broken"
MINI = Path(__file__).parent / "data" / "glossary" / "mini.toml"
runner = CliRunner()

# file -> (exit code, finding codes that must be reported)
SEEDED = {
    "preferred-and-forbidden.toml": (1, {"forbidden-preferred"}),
    "forbidden-equals-admitted.toml": (1, {"forbidden-admitted"}),
    "duplicate-id.toml": (1, {"duplicate-id"}),
    "duplicate-concept.toml": (1, {"duplicate-concept"}),
    "malformed-tags.toml": (1, {"bad-tag", "markup-in-term"}),
    "bad-values.toml": (1, {"bad-status", "bad-id", "unknown-key"}),
    "syntax.toml": (1, {"toml-syntax"}),
    "missing-language.toml": (0, {"missing-language"}),  # a warning: fails only with --strict
}


@pytest.mark.parametrize("name", sorted(SEEDED), ids=sorted(SEEDED))
def test_seeded_broken_files(name: str) -> None:
    exit_code, codes = SEEDED[name]
    result = runner.invoke(app, ["glossary", "validate", str(BROKEN / name), "--json"])
    assert result.exit_code == exit_code, result.output
    report = json.loads(result.output)
    assert codes <= {f["code"] for f in report["findings"]}
    assert report["ok"] is (exit_code == 0)


def test_findings_carry_the_line_of_the_concept() -> None:
    report = validate_glossaries([str(BROKEN / "duplicate-id.toml")])
    [finding] = report.findings
    assert (finding.line, finding.concept_id) == (9, "tamoxifen")


def test_conflict_names_both_concepts() -> None:
    [finding] = validate_glossaries([str(BROKEN / "preferred-and-forbidden.toml")]).findings
    assert finding.concept_id == "mastectomy"
    assert "'mammography'" in finding.message and "concept 'mammography'" in finding.message


def test_strict_turns_warnings_into_failure() -> None:
    path = str(BROKEN / "missing-language.toml")
    assert runner.invoke(app, ["glossary", "validate", path]).exit_code == 0
    result = runner.invoke(app, ["glossary", "validate", path, "--strict"])
    assert result.exit_code == 1
    assert "no de term" in result.output


def test_test_glossary_is_clean() -> None:
    report = validate_glossaries([str(MINI)], strict=True)
    assert report.findings == []


@pytest.mark.skipif(
    not list(SHIPPED_DIR.glob("*.toml")), reason="no shipped glossary in glossaries/ yet"
)
def test_shipped_glossaries_validate() -> None:
    result = runner.invoke(app, ["glossary", "validate", "--json"])
    report = json.loads(result.output)
    errors = [f for f in report["findings"] if f["severity"] == "error"]
    assert result.exit_code == 0, errors[:5]
    assert all(item["concepts"] > 0 for item in report["files"])

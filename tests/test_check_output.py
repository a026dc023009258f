"""Report formats of `tm check`: text, JSON contract, JUnit, SARIF (schema-validated), GitHub."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
from lxml import etree

from tm.check import RULES, CheckPair, Severity, check_pairs
from tm.check_output import CheckResult, InputError, exit_code, render
from tm.glossary import load_glossaries
from tm.services.check import ArticleBlock

DATA = Path(__file__).parent / "data"
SARIF_SCHEMA = json.loads((DATA / "schemas" / "sarif-schema-2.1.0.json").read_text("utf-8"))
FINDING_KEYS = {
    "rule", "severity", "file", "line", "unit", "source_lang", "target_lang", "concept",
    "source_term", "found", "expected", "message",
}  # fmt: skip


@pytest.fixture(scope="module")
def result() -> CheckResult:
    """Findings of every rule, from a PO file, an absolute path, an article and a memory."""
    glossary = load_glossaries([str(DATA / "check" / "glossary.toml")])
    pairs = [
        CheckPair("Chemotherapy, 100% safe", "en", "新辅助化疗", "zh-Hans",
                  file="locale/en.po", line=12),
        CheckPair("Antihormontherapie", "de", "Endocrine therapy", "en",
                  file="/abs/de.tmx", unit="tu-9"),
        CheckPair("Drugs such as mosaic", "en", file="docs/a, b.md", line=3),
        CheckPair("El breast cancer", "es", "Breast cancer", "en", file="memory:onc", unit="41"),
        CheckPair("El cáncer de mama", "es", "Breast cancer", "en", file="memory:onc", unit="42"),
        CheckPair("El cáncer de mama", "es", "Breast cancer", "en", file="memory:onc", unit="43"),
    ]  # fmt: skip
    block = ArticleBlock("Drugs such as mosaic", line=3, column=1)
    findings = [
        block.place(f) if f.file == "docs/a, b.md" else f
        for f in check_pairs(pairs, glossary.matcher, glossary.concepts)
    ]
    res = CheckResult(
        findings=findings,
        files=["locale/en.po", "/abs/de.tmx", "docs/a, b.md", "locale/clean.po", "memory:onc"],
        units=6,
        errors=[InputError("broken.xlf", "not well-formed XML: line 3", 3)],
        suppressed=2,
    )
    return res


def test_fixture_covers_every_rule(result: CheckResult) -> None:
    assert {f.rule for f in result.findings} == set(RULES)


def test_json_contract(result: CheckResult) -> None:
    data = json.loads(render(result, "json"))
    assert data["version"] == 1
    assert len(data["findings"]) == len(result.findings)
    for item in data["findings"]:
        assert set(item) >= FINDING_KEYS
        assert isinstance(item["expected"], list)
        assert item["severity"] in ("error", "warning", "note")
        assert len(item["fingerprint"]) == 32
    summary = data["summary"]
    assert set(summary["by_rule"]) == set(RULES)
    assert summary["by_severity"]["error"] == sum(
        f.severity is Severity.ERROR for f in result.findings
    )
    assert (summary["files"], summary["units"], summary["suppressed"]) == (5, 6, 2)
    assert data["errors"] == [
        {"file": "broken.xlf", "line": 3, "message": "not well-formed XML: line 3"}
    ]
    forbidden = next(i for i in data["findings"] if i["rule"] == "forbidden-term")
    assert forbidden["found"] == "mosaic" and forbidden["expected"] == ["tamoxifen"]
    assert forbidden["source_term"] is None and forbidden["source_lang"] is None


def test_sarif_validates_against_the_official_schema(result: CheckResult) -> None:
    log = json.loads(render(result, "sarif", tool_version="0.1.0"))
    jsonschema.Draft4Validator(SARIF_SCHEMA).validate(log)
    run = log["runs"][0]
    rules = [r["id"] for r in run["tool"]["driver"]["rules"]]
    assert rules == list(RULES)
    by_rule = {r["ruleId"]: r for r in run["results"]}
    missing = by_rule["missing-term"]
    assert missing["level"] == "error"
    assert rules[missing["ruleIndex"]] == "missing-term"
    loc = missing["locations"][0]["physicalLocation"]
    assert loc["artifactLocation"] == {"uri": "locale/en.po", "uriBaseId": "%SRCROOT%"}
    assert loc["region"] == {"startLine": 12}
    forbidden = by_rule["forbidden-term"]["locations"][0]["physicalLocation"]
    assert forbidden["region"] == {"startLine": 3, "startColumn": 15, "endColumn": 21}
    deprecated = by_rule["deprecated-term"]
    assert deprecated["level"] == "warning"
    assert (
        deprecated["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        == "file:///abs/de.tmx"
    )
    assert deprecated["locations"][0]["logicalLocations"] == [{"name": "tu-9", "kind": "object"}]
    assert all("tmCheck/v1" in r["partialFingerprints"] for r in run["results"])
    assert run["invocations"][0]["executionSuccessful"] is False


def test_sarif_without_findings_validates(result: CheckResult) -> None:
    log = json.loads(render(CheckResult(findings=[], files=["a.po"], units=3), "sarif"))
    jsonschema.Draft4Validator(SARIF_SCHEMA).validate(log)
    assert log["runs"][0]["results"] == []


def test_junit_fails_only_at_the_fail_on_level(result: CheckResult) -> None:
    root = etree.fromstring(render(result, "junit", fail_on=Severity.ERROR).encode("utf-8"))
    assert root.tag == "testsuites"
    suites = {s.get("name"): s for s in root.iterfind("testsuite")}
    assert set(suites) >= {"locale/en.po", "locale/clean.po", "broken.xlf", "memory:onc"}
    errors = sum(f.severity is Severity.ERROR for f in result.findings)
    assert int(root.get("failures")) == errors
    assert int(root.get("errors")) == 1
    assert int(root.get("tests")) == sum(int(s.get("tests")) for s in suites.values())
    # A clean file is one passing test case, so the report shows it was checked.
    clean = suites["locale/clean.po"]
    assert (clean.get("tests"), clean.get("failures")) == ("1", "0")
    # Warnings pass, with the finding kept in system-out.
    tmx_case = suites["/abs/de.tmx"].find("testcase")
    assert tmx_case.find("failure") is None
    assert "Antihormontherapie" in tmx_case.findtext("system-out")
    strict = etree.fromstring(render(result, "junit", fail_on=Severity.WARNING).encode("utf-8"))
    assert int(strict.get("failures")) == len(result.findings)


def test_github_annotations_escape_properties_and_data(result: CheckResult) -> None:
    lines = render(result, "github").splitlines()
    forbidden = next(line for line in lines if "forbidden-term" in line)
    assert forbidden.startswith(
        "::error file=docs/a%2C b.md,line=3,col=15,title=tm check forbidden-term::"
    )
    missing = next(line for line in lines if "missing-term" in line)
    assert missing.startswith("::error file=locale/en.po,line=12,")
    deprecated = next(line for line in lines if "deprecated-term" in line)
    assert deprecated.startswith("::warning file=/abs/de.tmx,title=")
    assert "::[tu-9] " in deprecated  # no line: the unit id tells where
    assert any(
        line.startswith("::error file=broken.xlf,line=3,title=tm check input error::")
        for line in lines
    )
    assert all("\n" not in line for line in lines)


def test_text_names_place_rule_term_and_advice(result: CheckResult) -> None:
    out = render(result, "text")
    assert "\x1b[" not in out
    assert "docs/a, b.md:3:15: error [forbidden-term] 'mosaic' is a forbidden term" in out
    assert "found: mosaic; use: tamoxifen" in out
    assert "locale/en.po:12: error [missing-term]" in out
    assert "source: 新辅助化疗; use: neoadjuvant chemotherapy" in out
    assert "/abs/de.tmx [tu-9]: warning [deprecated-term]" in out
    assert "broken.xlf:3: input error not well-formed XML" in out
    assert out.rstrip().endswith("2 suppressed inline, 1 input error(s)")


def test_text_colour_only_when_asked(result: CheckResult) -> None:
    coloured = render(result, "text", color=True)
    assert "\x1b[1;31merror\x1b[0m" in coloured


def test_exit_codes(result: CheckResult) -> None:
    assert exit_code(result, Severity.ERROR) == 2  # an input error wins: results incomplete
    clean = CheckResult(findings=[f for f in result.findings if f.severity is Severity.WARNING])
    assert exit_code(clean, Severity.ERROR) == 0
    assert exit_code(clean, Severity.WARNING) == 1
    assert exit_code(clean, None) == 0
    assert exit_code(CheckResult(findings=result.findings), Severity.ERROR) == 1


def test_unknown_format_is_refused(result: CheckResult) -> None:
    with pytest.raises(ValueError, match="unknown format"):
        render(result, "xml")

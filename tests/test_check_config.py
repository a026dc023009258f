"""`tm check` configuration files and baselines (fingerprints that survive line moves)."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from tm.check import Finding, Severity
from tm.checkconfig import (
    Baseline,
    find_config,
    fingerprint,
    load_config,
    read_baseline,
    write_baseline,
)
from tm.errors import UsageError


def make_finding(**kw: object) -> Finding:
    base = Finding(
        rule="forbidden-term",
        severity=Severity.ERROR,
        file="docs/a.md",
        line=3,
        unit=None,
        source_lang=None,
        target_lang="en",
        concept="tamoxifen",
        source_term=None,
        found="mosaic",
        expected=("tamoxifen",),
        message="'mosaic' is a forbidden term for tamoxifen; use 'tamoxifen'",
        column=15,
        target_text="Drugs such as mosaic are used.",
    )
    return replace(base, **kw)  # type: ignore[arg-type]


def test_tm_toml_check_table(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "locale").mkdir()
    (tmp_path / ".tm.toml").write_text(
        """
[check]
glossary = ["oncology", "glossaries/client.toml"]
paths = ["locale/"]
exclude = ["*.pot"]
source_lang = "en"
target-lang = "es"
fail-on = "warning"
rules = ["missing-term", "forbidden-term"]
baseline = ".tm-baseline.json"

[check.severity]
missing-term = "warning"
forbidden-term = "off"
""",
        encoding="utf-8",
    )
    monkeypatch.chdir(tmp_path / "locale")
    found = find_config()
    assert found == tmp_path / ".tm.toml"
    cfg = load_config(found)
    # Names stay names; paths are relative to the config file, shown relative to the
    # working folder when inside it (findings then read `es.po`), else absolute.
    assert cfg.glossaries == ["oncology", str(tmp_path / "glossaries" / "client.toml")]
    assert cfg.paths == ["."]
    assert cfg.exclude == ["*.pot"]
    assert (cfg.source_lang, cfg.target_lang) == ("en", "es")
    assert cfg.fail_on is Severity.WARNING
    assert cfg.rules == ["missing-term", "forbidden-term"]
    assert cfg.severity == {"missing-term": Severity.WARNING, "forbidden-term": None}
    assert cfg.baseline == str(tmp_path / ".tm-baseline.json")


def test_pyproject_tool_tm_check(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "x"\n\n[tool.tm.check]\nfail-on = "never"\npaths = ["po"]\n',
        encoding="utf-8",
    )
    monkeypatch.chdir(tmp_path)
    cfg = load_config(find_config() or "")
    assert cfg.fail_on is None
    assert cfg.paths == ["po"]


def test_pyproject_without_the_table_is_not_a_config(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\n', encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    found = find_config()
    assert found is None or not str(found).startswith(str(tmp_path))


@pytest.mark.parametrize(
    "body,message",
    [
        ('[check]\nfail_on = "sometimes"\n', "fail-on"),
        ('[check]\nrulez = ["missing-term"]\n', "unknown key"),
        ('[check]\nrules = ["missing-terms"]\n', "unknown rule"),
        ('[check.severity]\nmissing-term = "fatal"\n', "unknown severity"),
        ("[check\n", "not valid TOML"),
    ],
    ids=["bad-level", "typo-key", "typo-rule", "bad-severity", "broken-toml"],
)
def test_bad_config_is_a_usage_error(tmp_path: Path, body: str, message: str) -> None:
    path = tmp_path / ".tm.toml"
    path.write_text(body, encoding="utf-8")
    with pytest.raises(UsageError, match=message):
        load_config(path)


# -- fingerprints and baselines -------------------------------------------------------


def test_fingerprint_ignores_line_and_column_but_not_what_was_found() -> None:
    a = make_finding()
    assert fingerprint(a) == fingerprint(replace(a, line=40, column=2))
    assert fingerprint(a) == fingerprint(replace(a, target_text="Drugs  such as mosaic are used. "))
    assert fingerprint(a) != fingerprint(replace(a, found="aromatic inhibitors"))
    assert fingerprint(a) != fingerprint(replace(a, file="docs/b.md"))
    assert fingerprint(a) != fingerprint(replace(a, rule="deprecated-term"))


def test_fingerprint_path_is_relative_to_the_baseline_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    relative = make_finding(file="docs/a.md")
    absolute = make_finding(file=str(tmp_path / "docs" / "a.md"))
    assert fingerprint(relative, root=tmp_path) == fingerprint(absolute, root=tmp_path)


def test_baseline_round_trip_counts_each_record_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    known = make_finding()
    path = tmp_path / "baseline.json"
    assert write_baseline(path, [known]) == 1
    doc = json.loads(path.read_text("utf-8"))
    assert doc["version"] == 1 and doc["findings"][0]["file"] == "docs/a.md"
    assert "line" not in doc["findings"][0]  # moving lines must not churn the file
    baseline = read_baseline(path)
    assert isinstance(baseline, Baseline)
    moved = replace(known, line=99)
    again = replace(known, line=120)  # the same mistake a second time is new
    other = make_finding(found="aromatic inhibitors", concept="aromatase-inhibitor")
    new, known_count = baseline.split([moved, again, other])
    assert known_count == 1
    assert new == [again, other]


@pytest.mark.parametrize(
    "content,message",
    [(None, "does not exist"), ("{", "cannot read"), ('{"version": 9}', "not a tm check baseline")],
    ids=["missing", "broken", "other-version"],
)
def test_bad_baseline_is_a_usage_error(tmp_path: Path, content: str | None, message: str) -> None:
    path = tmp_path / "b.json"
    if content is not None:
        path.write_text(content, encoding="utf-8")
    with pytest.raises(UsageError, match=message):
        read_baseline(path)

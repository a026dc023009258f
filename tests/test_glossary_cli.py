"""`tm glossary ...` and `tm terms` end to end, on copies of the test glossary."""

from __future__ import annotations

import json
import shutil
import tomllib
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from cli.main import app
from tm.glossary import load_glossaries, load_glossary
from tm.models import TermStatus

DATA = Path(__file__).parent / "data" / "glossary"
runner = CliRunner()


@pytest.fixture
def gdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A glossary directory holding a copy of mini.toml, found through TM_GLOSSARY_PATH."""
    directory = tmp_path / "glossaries"
    directory.mkdir()
    shutil.copy(DATA / "mini.toml", directory / "mini.toml")
    monkeypatch.setenv("TM_GLOSSARY_PATH", str(directory))
    return directory


def tm(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.output


def tm_json(*args: str) -> Any:
    code, out = tm(*args, "--json")
    assert code == 0, out
    return json.loads(out)


# --- reading commands -----------------------------------------------------------------


def test_list_filters_by_subject(gdir: Path) -> None:
    concepts = tm_json("glossary", "list", "--subject", "treatment")
    assert {c["id"] for c in concepts} == {
        "chemotherapy",
        "neoadjuvant-chemotherapy",
        "aromatase-inhibitor",
        "tamoxifen",
        "mastectomy",
    }


def test_show_prints_statuses_and_notes(gdir: Path) -> None:
    code, out = tm("glossary", "show", "tamoxifen")
    assert code == 0
    assert "mosaic  (forbidden)" in out and "MT error in seed 000" in out


def test_show_unknown_concept_exits_2(gdir: Path) -> None:
    code, out = tm("glossary", "show", "nope")
    assert code == 2 and "no concept" in out


def test_search_finds_inflected_forms(gdir: Path) -> None:
    results = tm_json("glossary", "search", "ganglios linfáticos", "--lang", "es")
    assert [(r["concept"]["id"], r["how"]) for r in results] == [("lymph-node", "inflected")]


def test_stats_counts_terms_per_language(gdir: Path) -> None:
    [stats] = tm_json("glossary", "stats")
    assert stats["concepts"] == 18
    assert stats["languages"]["en"]["forbidden"] == 3


def test_terms_shows_approved_translations(gdir: Path) -> None:
    hits = tm_json("terms", "Fernmetastasen und Lymphknoten", "--lang", "de", "--to", "en")
    assert [(h["text"], h["concept_id"], [t["text"] for t in h["targets"]]) for h in hits] == [
        ("Fernmetastasen", "distant-metastasis", ["distant metastasis"]),
        ("Lymphknoten", "lymph-node", ["lymph node"]),
    ]


def test_terms_reports_forbidden_and_lists_what_not_to_write(gdir: Path) -> None:
    code, out = tm("terms", "他莫昔芬", "--lang", "zh", "--to", "en")
    assert code == 0
    assert "-> tamoxifen" in out and "not: mosaic" in out


def test_terms_all_includes_overlapped_hits(gdir: Path) -> None:
    hits = tm_json("terms", "neoadjuvant chemotherapy", "--lang", "en", "--all")
    assert [h["concept_id"] for h in hits] == ["neoadjuvant-chemotherapy", "chemotherapy"]


# --- editing commands -----------------------------------------------------------------


def test_add_appends_a_block_and_leaves_the_rest_byte_identical(gdir: Path) -> None:
    path = gdir / "mini.toml"
    before = path.read_text()
    code, out = tm(
        "glossary", "add", "sentinel-node",
        "-t", "en=sentinel lymph node", "-t", "es=ganglio centinela",
        "--subject", "breast-cancer/surgery",
    )  # fmt: skip
    assert code == 0, out
    after = path.read_text()
    assert after.startswith(before)
    assert after[len(before) :] == (
        "\n[[concept]]\n"
        'id = "sentinel-node"\n'
        'subject = "breast-cancer/surgery"\n'
        'terms.en = ["sentinel lymph node"]\n'
        'terms.es = ["ganglio centinela"]\n'
    )
    assert load_glossary(path).concept("sentinel-node") is not None


def test_add_refuses_an_existing_id(gdir: Path) -> None:
    code, out = tm("glossary", "add", "tamoxifen", "-t", "en=tamoxifen")
    assert code == 2 and "already exists" in out


def test_edit_rewrites_only_that_block_and_keeps_comments(gdir: Path) -> None:
    path = gdir / "mini.toml"
    before = path.read_text().splitlines()
    code, out = tm(
        "glossary", "edit", "tamoxifen", "-t", "es=tamoxifeno",
        "--usage", "INN, lower case", "--definition", "es=Modulador selectivo.",
    )  # fmt: skip
    assert code == 0, out
    after = path.read_text().splitlines()
    changed = [line for line in after if line not in before]
    assert changed == [
        'definition.es = "Modulador selectivo."',
        "terms.es = [",
        '  { text = "tamoxifeno", usage = "INN, lower case" },',
    ]
    assert [line for line in before if line not in after] == ['terms.es = ["tamoxifeno"]']
    comments = [line for line in before if line.startswith("#")]
    assert comments and all(line in after for line in comments)


def test_forbid_adds_a_forbidden_term_with_its_note(gdir: Path) -> None:
    code, out = tm("glossary", "forbid", "tamoxifen", "en=tamoxifene", "--note", "French spelling")
    assert code == 0, out
    concept = load_glossaries(None).concept("tamoxifen")
    assert concept is not None
    term = next(t for t in concept.terms if t.text == "tamoxifene")
    assert (term.status, term.note) == (TermStatus.FORBIDDEN, "French spelling")
    # The new term is found by the matcher straight away.
    hits = tm_json("terms", "take tamoxifene daily", "--lang", "en")
    assert [(h["term"], h["status"]) for h in hits] == [("tamoxifene", "forbidden")]


def test_deprecate_changes_an_existing_term(gdir: Path) -> None:
    code, _ = tm("glossary", "deprecate", "breast-cancer", "en=breast carcinoma")
    assert code == 0
    data = tomllib.loads((gdir / "mini.toml").read_text())
    concept = next(c for c in data["concept"] if c["id"] == "breast-cancer")
    assert concept["terms"]["en"][1] == {"text": "breast carcinoma", "status": "deprecated"}


def test_edit_that_would_conflict_is_still_written_but_validate_catches_it(gdir: Path) -> None:
    code, _ = tm("glossary", "forbid", "organ", "en=lymph node")
    assert code == 0
    code, out = tm("glossary", "validate")
    assert code == 1 and "forbidden-preferred" in out


def test_edit_term_options_need_a_term(gdir: Path) -> None:
    code, out = tm("glossary", "edit", "tamoxifen", "--status", "admitted")
    assert code == 2 and "--term" in out


def test_remove_term(gdir: Path) -> None:
    code, _ = tm("glossary", "edit", "tumour", "--remove-term", "en=tumor")
    assert code == 0
    concept = load_glossary(gdir / "mini.toml").concept("tumour")
    assert concept is not None and [t.text for t in concept.terms_in("en")] == ["tumour"]


def test_writes_are_deterministic(gdir: Path) -> None:
    path = gdir / "mini.toml"
    tm("glossary", "edit", "tamoxifen", "--subject", "treatment")
    once = path.read_text()
    tm("glossary", "edit", "tamoxifen", "--subject", "treatment")
    assert path.read_text() == once


# --- import / export / diff -----------------------------------------------------------


@pytest.mark.parametrize("fmt", ["tbx", "tbx2008", "csv", "toml"])
def test_export_then_import_into_a_new_glossary(gdir: Path, tmp_path: Path, fmt: str) -> None:
    exported = tmp_path / f"out.{'tbx' if fmt.startswith('tbx') else fmt}"
    summary = tm_json("glossary", "export", "-g", "mini", "--format", fmt, "-o", str(exported))
    assert summary == {"path": str(exported), "format": fmt, "concepts": 18, "terms": 99}
    target = tmp_path / "copy.toml"
    result = tm_json("glossary", "import", str(exported), "--into", str(target), "--name", "copy")
    assert result["created"] is True and result["added"] == 18
    code, out = tm("glossary", "diff", str(gdir / "mini.toml"), str(target))
    if fmt == "csv":
        # CSV carries terms, statuses, part of speech, term notes and definitions only.
        assert code == 1 and "case_sensitive" in out
    else:
        assert (code, out.strip()) == (0, "no differences")


def test_import_merges_into_an_existing_glossary(gdir: Path) -> None:
    summary = tm_json("glossary", "import", str(DATA / "third-party-2008.tbx"), "--into", "mini")
    assert summary["added"] == 2 and summary["replaced"] == 0
    glossary = load_glossary(gdir / "mini.toml")
    assert len(glossary.concepts) == 20
    assert glossary.concept("c1001") is not None


def test_import_a_broken_tbx_changes_nothing(gdir: Path) -> None:
    before = (gdir / "mini.toml").read_text()
    code, out = tm("glossary", "import", str(DATA / "entity-bomb.tbx"), "--into", "mini")
    assert code == 2 and "entities" in out
    assert (gdir / "mini.toml").read_text() == before


def test_diff_reports_status_changes(gdir: Path, tmp_path: Path) -> None:
    old = tmp_path / "old.toml"
    shutil.copy(gdir / "mini.toml", old)
    tm("glossary", "forbid", "tumour", "en=tumor")
    changes = runner.invoke(app, ["glossary", "diff", str(old), "mini", "--json"])
    assert changes.exit_code == 1
    assert json.loads(changes.output) == [
        {
            "concept_id": "tumour",
            "change": "changed",
            "details": ["en: 'tumor' status: 'admitted' -> 'forbidden'"],
        }
    ]


# --- glossary sets --------------------------------------------------------------------


def test_client_glossary_overrides_by_priority_and_keeps_other_languages(gdir: Path) -> None:
    (gdir / "client.toml").write_text(
        '[glossary]\nname = "client"\npriority = 200\n\n'
        '[[concept]]\nid = "tumour"\n'
        'terms.en = ["tumor", { text = "tumour", status = "forbidden" }]\n'
    )
    glossaries = load_glossaries(None)
    assert [g.name for g in glossaries.glossaries] == ["client", "mini"]
    concept = glossaries.concept("tumour")
    assert concept is not None
    assert [(t.text, t.status.value) for t in concept.terms_in("en")] == [
        ("tumor", "preferred"),
        ("tumour", "forbidden"),
    ]
    assert [t.text for t in concept.terms_in("de")] == ["Tumor"]  # inherited from mini
    [hit] = glossaries.matcher.find("the tumour", "en")
    assert (hit.status, hit.glossary) == (TermStatus.FORBIDDEN, "client")


def test_unknown_glossary_name_exits_2(gdir: Path) -> None:
    code, out = tm("glossary", "list", "-g", "nope")
    assert code == 2 and "no glossary named 'nope'" in out

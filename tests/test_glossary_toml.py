"""The glossary TOML format: reading, canonical writing, block splicing, finding files."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from tm.errors import FormatError, NotFoundError
from tm.glossary import load_glossaries, load_glossary, resolve_glossary
from tm.glossary.toml_io import (
    format_concept,
    format_glossary,
    parse_glossary_toml,
    splice_concepts,
)
from tm.models import Concept, Term, TermStatus

MINI = Path(__file__).parent / "data" / "glossary" / "mini.toml"

SAMPLE = textwrap.dedent(
    """\
    # header comment
    [glossary]
    name = "sample"
    languages = ["en", "zh-Hans"]

    # --- section one ---
    [[concept]]
    id = "a"
    # a comment inside block a
    terms.en = ["alpha"]

    # --- section two ---
    [[concept]]
    id = "b"
    terms.en = ["beta"]
    """
)


def test_reads_terms_statuses_and_flags() -> None:
    glossary = load_glossary(MINI)
    assert (glossary.name, glossary.priority) == ("mini", 100)
    assert glossary.languages == ["en", "zh-Hans", "es", "fr", "de"]
    concept = glossary.concept("her2")
    assert concept is not None
    [term] = concept.terms_in("en")
    assert (term.case_sensitive, term.do_not_translate) == (True, True)
    form = glossary.concept("form")
    assert form is not None
    assert (form.terms[0].inflect, form.terms[0].variants, form.terms[0].part_of_speech) == (
        False,
        ["forms"],
        "noun",
    )
    assert all(c.glossary == "mini" and c.priority == 100 for c in glossary.concepts)


def test_language_keys_are_normalised() -> None:
    glossary, findings = parse_glossary_toml('[[concept]]\nid = "x"\nterms.zh_cn = ["癌"]\n')
    assert findings == []
    assert glossary.concepts[0].terms[0].lang == "zh-CN"


def test_concept_lines_point_at_the_header() -> None:
    glossary, _ = parse_glossary_toml(SAMPLE)
    assert [(c.id, c.line) for c in glossary.concepts] == [("a", 7), ("b", 13)]


def test_syntax_error_names_the_line() -> None:
    _, [finding] = parse_glossary_toml('[glossary]\nname = "x"\n\n[[concept]]\nid = \n')
    assert (finding.code, finding.line) == ("toml-syntax", 5)


def test_load_refuses_a_broken_file_with_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.toml"
    path.write_text('[[concept]]\nid = "x"\nterms.en = [{ text = "y", status = "nope" }]\n')
    with pytest.raises(FormatError) as err:
        load_glossary(path)
    assert (err.value.path, err.value.line) == (str(path), 1)
    assert "unknown status" in str(err.value)


def test_canonical_concept_block() -> None:
    concept = Concept(
        "tamoxifen",
        subject="treatment/endocrine-therapy",
        definitions={"en": 'Says "hi"'},
        terms=[
            Term("tamoxifen", "en"),
            Term("mosaic", "en", status=TermStatus.FORBIDDEN, note="MT error"),
            Term("他莫昔芬", "zh-Hans"),
        ],
    )
    assert format_concept(concept, languages=["zh-Hans", "en"]) == textwrap.dedent(
        """\
        [[concept]]
        id = "tamoxifen"
        subject = "treatment/endocrine-therapy"
        definition.en = "Says \\"hi\\""
        terms.zh-Hans = ["他莫昔芬"]
        terms.en = [
          "tamoxifen",
          { text = "mosaic", status = "forbidden", note = "MT error" },
        ]
        """
    )


def test_canonical_output_reads_back_identically() -> None:
    glossary = load_glossary(MINI)
    text = format_glossary(glossary)
    again, findings = parse_glossary_toml(text)
    assert findings == []
    assert format_glossary(again) == text


def test_splice_replaces_one_block_and_keeps_comments() -> None:
    block = '[[concept]]\nid = "a"\nterms.en = ["alpha", "aleph"]\n'
    out = splice_concepts(SAMPLE, replace={0: block})
    assert out == SAMPLE.replace(
        '# a comment inside block a\nterms.en = ["alpha"]\n', 'terms.en = ["alpha", "aleph"]\n'
    )
    assert "# --- section two ---" in out and "# header comment" in out


def test_splice_removes_and_appends() -> None:
    out = splice_concepts(SAMPLE, remove=[0], append=['[[concept]]\nid = "c"\nterms.en = ["c"]\n'])
    glossary, findings = parse_glossary_toml(out)
    assert findings == []
    assert [c.id for c in glossary.concepts] == ["b", "c"]
    assert "# --- section two ---" in out


def test_names_resolve_through_the_search_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "file-name.toml").write_text('[glossary]\nname = "declared"\n')
    monkeypatch.setenv("TM_GLOSSARY_PATH", str(tmp_path))
    assert resolve_glossary("file-name") == tmp_path / "file-name.toml"
    assert resolve_glossary("declared") == tmp_path / "file-name.toml"
    with pytest.raises(NotFoundError):
        resolve_glossary("missing")
    assert [g.name for g in load_glossaries(None).glossaries] == ["declared"]


def test_paths_are_taken_as_given(tmp_path: Path) -> None:
    assert [g.name for g in load_glossaries([str(MINI)]).glossaries] == ["mini"]
    with pytest.raises(NotFoundError):
        load_glossaries([str(tmp_path / "nope.toml")])

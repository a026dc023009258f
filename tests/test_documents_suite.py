"""What every document filter must do: round trip, translate, JSON skeleton, edge files.

One suite for the three formats (as translate-toolkit runs one suite per store class):
each case names the format and a sample, and the same behaviour is asserted for all.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tm.documents import Document, detect_document_format, parse_document, read_document, rebuild
from tm.documents.html import normalize_html
from tm.errors import FormatError, UsageError
from tm.models import code_char

DOCS = Path(__file__).parent / "data" / "documents"
SAMPLES = [
    pytest.param("text", "seed-000.txt", id="text-seed-000"),
    pytest.param("text", "seed-004.txt", id="text-seed-004"),
    pytest.param("markdown", "article.md", id="markdown"),
    pytest.param("html", "article.html", id="html"),
]


def expected_identity(fmt: str, source: str) -> str:
    """What a rebuild with no translation must give (HTML: lxml's serialisation)."""
    return normalize_html(source) if fmt == "html" else source


@pytest.mark.parametrize(("fmt", "name"), SAMPLES)
def test_format_is_detected_from_the_extension(fmt: str, name: str) -> None:
    assert read_document(DOCS / name).format == fmt


@pytest.mark.parametrize(("fmt", "name"), SAMPLES)
def test_rebuild_without_translations_reproduces_the_original(
    fmt: str, name: str, tmp_path: Path
) -> None:
    source_bytes = (DOCS / name).read_bytes()
    doc = read_document(DOCS / name)
    doc.segments("en")
    out = tmp_path / name
    rebuild(doc, {}, out, target_lang="en")
    assert out.read_text(encoding="utf-8") == expected_identity(fmt, source_bytes.decode())
    if fmt != "html":
        assert out.read_bytes() == source_bytes


@pytest.mark.parametrize(("fmt", "name"), SAMPLES)
def test_identity_translations_reproduce_the_original(fmt: str, name: str) -> None:
    doc = read_document(DOCS / name)
    segments = doc.segments("en")
    assert segments, "the sample has text to translate"
    identity = {s.id: (s.text, s.codes) for s in segments}
    out = io.BytesIO()
    rebuild(doc, identity, out, target_lang="en")
    source = (DOCS / name).read_text(encoding="utf-8")
    assert out.getvalue().decode("utf-8") == expected_identity(fmt, source)


@pytest.mark.parametrize(("fmt", "name"), SAMPLES)
def test_every_translated_segment_lands_in_the_output(fmt: str, name: str) -> None:
    doc = read_document(DOCS / name)
    segments = doc.segments("en")
    # The text is replaced; the codes are kept (a link's title lives in its code).
    translations = {
        s.id: (f"[{s.id}] translated" + "".join(code_char(i) for i in range(len(s.codes))), s.codes)
        for s in segments
    }
    out = io.StringIO()
    rebuild(doc, translations, out, target_lang="de")
    text = out.getvalue()
    for s in segments:
        assert f"[{s.id}] translated" in text
    # What was not translatable (code, scripts) is still there.
    reread = parse_document(text, fmt)
    assert len(reread.blocks) >= len({s.block_id for s in segments}) - 2


@pytest.mark.parametrize(("fmt", "name"), SAMPLES)
def test_json_skeleton_rebuilds_without_the_original(fmt: str, name: str) -> None:
    doc = read_document(DOCS / name)
    segments = doc.segments("en")
    payload = doc.to_json()
    json.loads(payload)  # plain JSON, embeddable in XLIFF <skeleton> or a PO header
    again = Document.from_json(payload)
    assert again.segmentation == doc.segmentation
    assert again.recorded_segments() == segments
    translations = {segments[0].id: ("Erster Satz.", ())}
    assert again.render(translations, target_lang="de") == doc.render(
        translations, target_lang="de"
    )


@pytest.mark.parametrize("fmt", ["text", "markdown", "html"])
def test_empty_document_has_no_segments_and_rebuilds_empty(fmt: str) -> None:
    doc = parse_document("", fmt)
    assert doc.segments("en") == []
    assert doc.render({}, target_lang="en") == ""


def test_untranslated_segments_keep_their_source_text() -> None:
    doc = parse_document("One sentence. Two sentences.\n\nThird paragraph.\n", "text")
    segs = doc.segments("en")
    assert [s.id for s in segs] == ["b1-s1", "b1-s2", "b2-s1"]
    out = doc.render({"b1-s2": "Zwei Sätze."}, target_lang="de")
    assert out == "One sentence. Zwei Sätze.\n\nThird paragraph.\n"


def test_segments_carry_context_and_lines() -> None:
    doc = parse_document("Title\n\nFirst one. Second\none.\n\nLast.\n", "text")
    segs = doc.segments("en")
    assert [(s.text, s.line, s.kind) for s in segs] == [
        ("Title", 1, "heading"),
        ("First one.", 3, "paragraph"),
        ("Second\none.", 3, "paragraph"),
        ("Last.", 6, "paragraph"),
    ]
    assert segs[1].prev_text == "Title" and segs[1].next_text == "Second\none."
    assert segs[0].prev_text is None and segs[-1].next_text is None


def test_rebuild_needs_a_segmentation_to_map_ids() -> None:
    doc = parse_document("One. Two.", "text")
    with pytest.raises(UsageError):
        doc.render({"b1-s2": "Zwei."}, target_lang="de")
    # ... unless it is told the source language, and then it segments itself.
    assert doc.render({"b1-s2": "Zwei."}, target_lang="de", source_lang="en") == "One. Zwei."


def test_spacing_between_sentences_follows_the_target_script() -> None:
    en = parse_document("First sentence. Second sentence.", "text")
    en.segments("en")
    assert (
        en.render({"b1-s1": "第一句。", "b1-s2": "第二句。"}, target_lang="zh")
        == "第一句。第二句。"
    )
    zh = parse_document("第一句。第二句。", "text")
    zh.segments("zh")
    assert zh.render({"b1-s1": "First.", "b1-s2": "Second."}, target_lang="en") == "First. Second."


def test_a_translation_with_an_unknown_code_is_refused() -> None:
    doc = parse_document("Plain text.", "text")
    doc.segments("en")
    with pytest.raises(FormatError, match="inline code 1"):
        doc.render({"b1-s1": ("Text \ue000.", ())}, target_lang="de")


@pytest.mark.parametrize(
    ("name", "text", "fmt"),
    [
        ("notes", "Just a sentence.\n\nAnother.", "text"),
        ("notes", "# Title\n\nSome **bold** text.", "markdown"),
        ("page", "<!DOCTYPE html><html><body><p>x</p></body></html>", "html"),
        ("page", "<p>Paragraph</p><div>more</div>", "html"),
        ("a.md", "<p>in a .md file</p>", "markdown"),
    ],
    ids=["plain", "markdown-content", "html-doctype", "html-fragment", "extension-wins"],
)
def test_format_detection_from_content(name: str, text: str, fmt: str) -> None:
    assert detect_document_format(name, text) == fmt


def test_unknown_format_is_a_usage_error(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_text("x")
    with pytest.raises(UsageError):
        read_document(path, fmt="docx")


def test_missing_file_is_a_format_error(tmp_path: Path) -> None:
    with pytest.raises(FormatError, match="cannot read"):
        read_document(tmp_path / "missing.txt")


def test_broken_skeleton_json_is_a_format_error() -> None:
    with pytest.raises(FormatError):
        Document.from_json("{not json")
    with pytest.raises(FormatError):
        Document.from_json(json.dumps({"version": 1, "format": "text"}))
    with pytest.raises(FormatError, match="version"):
        Document.from_json(json.dumps({"version": 99}))


_WORDS = st.sampled_from(
    [
        "Dr.",
        "Smith",
        "gave",
        "10.5",
        "mg",
        "i.v.",
        "today.",
        "Then",
        "?",
        "**",
        "*",
        "`x`",
        "[a](b)",
        "<b>",
        "</b>",
        "&amp;",
        "\\*",
        "#",
        "-",
        "1.",
        ">",
        "|",
        "\n",
        "\n\n",
        "  ",
        "\t",
        "乳腺癌。",
        "“好。”",
        "\ue005",
    ]
)


@settings(max_examples=150, deadline=None)
@given(st.lists(_WORDS, max_size=30).map(" ".join), st.sampled_from(["text", "markdown"]))
def test_any_text_or_markdown_round_trips_byte_for_byte(source: str, fmt: str) -> None:
    doc = parse_document(source, fmt)
    segments = doc.segments("en")
    identity = {s.id: (s.text, s.codes) for s in segments}
    assert doc.render(identity, target_lang="en") == source
    assert Document.from_json(doc.to_json()).render(identity, target_lang="en") == source

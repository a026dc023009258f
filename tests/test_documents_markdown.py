"""Markdown: structure kept byte for byte, only text translated, markup as codes."""

from __future__ import annotations

from pathlib import Path

import pytest

from tm.documents import parse_document, read_document
from tm.models import code_char, display_text

DOCS = Path(__file__).parent / "data" / "documents"


def blocks_of(source: str) -> list[tuple[str, str]]:
    return [
        (b.kind, display_text(b.text, b.codes)) for b in parse_document(source, "markdown").blocks
    ]


def test_sample_article_blocks() -> None:
    doc = read_document(DOCS / "article.md")
    shown = [(b.kind, display_text(b.text, b.codes)) for b in doc.blocks]
    assert shown[0] == ("heading", "Endocrine therapy after {1}breast cancer{/2} surgery")
    assert ("list-item", "Nested bullet item.") in shown
    assert ("heading", "Setext heading") in shown
    assert ("table-cell", "daily, {1}with{/2} food") in shown
    assert (
        "quote",
        "Adherence drops to approx. 50% by year five.\nReminders help. {1}Ask your nurse.{/2}",
    ) in shown
    # Code blocks, fenced code, HTML blocks, front matter and link definitions are skeleton.
    all_text = " ".join(t for _k, t in shown)
    for kept in (
        "dose_mg",
        "indented code",
        "Raw HTML blocks",
        "title: Endocrine",
        "Reference titles",
    ):
        assert kept not in all_text


def test_links_and_images_keep_urls_in_codes() -> None:
    doc = parse_document(
        'See [the leaflet](https://x.org/a.pdf "Leaflet") and ![Fig. 1: dose](f.png).', "markdown"
    )
    block = doc.blocks[0]
    assert (
        display_text(block.text, block.codes) == "See {1}the leaflet{/2} and {3}Fig. 1: dose{/4}."
    )
    assert [c.data for c in block.codes] == [
        "[",
        '](https://x.org/a.pdf "Leaflet")',
        "![",
        "](f.png)",
    ]
    assert block.codes[0].role == "open" and block.codes[1].role == "close"
    assert block.codes[0].id == block.codes[1].id


def test_emphasis_code_and_inline_html_become_codes() -> None:
    assert blocks_of(
        "Take **10 mg** of *drug* with `food=true` and <b>water</b>, ~~never~~ dry."
    ) == [
        (
            "paragraph",
            "Take {1}10 mg{/2} of {3}drug{/4} with {5/} and {6}water{/7}, {8}never{/9} dry.",
        )
    ]


@pytest.mark.parametrize(
    ("source", "kind"),
    [
        ("# Title", "heading"),
        ("Title\n=====", "heading"),
        ("- item", "list-item"),
        ("1. item", "list-item"),
        ("> quoted", "quote"),
        ("| a |\n|---|\n| cell |", "table-cell"),
        ("Plain paragraph.", "paragraph"),
    ],
    ids=["atx", "setext", "bullet", "ordered", "quote", "table", "paragraph"],
)
def test_block_kinds(source: str, kind: str) -> None:
    assert parse_document(source, "markdown").blocks[-1].kind == kind


def test_translation_keeps_markup_and_prefixes() -> None:
    source = "> Adherence drops by year five.\n> Reminders help.\n\n1. Take it daily.\n"
    doc = parse_document(source, "markdown")
    segs = doc.segments("en")
    assert [s.id for s in segs] == ["b1-s1", "b1-s2", "b2-s1"]
    out = doc.render(
        {
            "b1-s1": "Die Therapietreue sinkt\nbis zum fünften Jahr.",
            "b2-s1": "Täglich\neinnehmen.",
        },
        target_lang="de",
    )
    assert out == (
        "> Die Therapietreue sinkt\n> bis zum fünften Jahr.\n> Reminders help.\n\n"
        "1. Täglich\n   einnehmen.\n"
    )


def test_codes_can_move_in_a_translation() -> None:
    doc = parse_document("Take **10 mg** daily.", "markdown")
    (seg,) = doc.segments("en")
    o, c = code_char(0), code_char(1)
    out = doc.render({seg.id: (f"Täglich {o}10 mg{c} einnehmen.", seg.codes)}, target_lang="de")
    assert out == "Täglich **10 mg** einnehmen."


def test_headings_and_cells_stay_on_one_line() -> None:
    doc = parse_document("# Title\n\n| A | B |\n|---|---|\n| x y | z |\n", "markdown")
    doc.segments("en")
    out = doc.render({"b1-s1": "Two\nlines", "b4-s1": "pipe | and\nnewline"}, target_lang="de")
    assert out == "# Two lines\n\n| A | B |\n|---|---|\n| pipe \\| and newline | z |\n"


def test_unalignable_runs_fall_back_to_raw_text() -> None:
    from tm.documents.markdown import _inline_codes, _parser

    tokens = _parser().parse("Some **other** text")[1].children or []
    # Tokens that do not line up with the run: the raw text, without codes, is the block.
    assert _inline_codes("Take *10 mg* daily", list(tokens)) == ("Take *10 mg* daily", ())
    aligned = _inline_codes("Some **other** text", list(tokens))
    assert len(aligned[1]) == 2


def test_crlf_markdown_round_trips() -> None:
    source = "# Title\r\n\r\nText **bold**.\r\n"
    doc = parse_document(source, "markdown")
    assert doc.render({}, target_lang="en") == source

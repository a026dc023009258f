"""HTML: text and alt/title translated, markup protected, serialisation as documented."""

from __future__ import annotations

from pathlib import Path

import lxml.html
import pytest

from tm.documents import parse_document, read_document, rebuild
from tm.documents.html import normalize_html
from tm.errors import FormatError
from tm.models import code_char, display_text

DOCS = Path(__file__).parent / "data" / "documents"


def shown(source: str) -> list[tuple[str, str]]:
    return [(b.kind, display_text(b.text, b.codes)) for b in parse_document(source, "html").blocks]


def test_sample_article_blocks() -> None:
    doc = read_document(DOCS / "article.html")
    blocks = [(b.kind, b.name, display_text(b.text, b.codes)) for b in doc.blocks]
    assert blocks[0] == ("title", "title", "Endocrine therapy after breast cancer")
    assert ("attribute", "meta@content", "What patients should know about tamoxifen.") in blocks
    assert ("attribute", "img@alt", "Figure 1: dosing schedule") in blocks
    assert ("attribute", "a@title", "Patient leaflet") in blocks
    assert ("attribute", "input@placeholder", "Your question") in blocks
    assert ("attribute", "input@aria-label", "Question") in blocks
    assert ("caption", "figcaption", "Dosing schedule for the first {1}five years{/2}.") in blocks
    assert ("list-item", "li", "Do not stop without advice:") in blocks
    assert ("list-item", "li", "talk to your doctor first.") in blocks
    assert ("table-cell", "td", "Joint pain & stiffness") in blocks
    # A div's own text around a nested paragraph: two blocks and the paragraph.
    assert [t for _k, n, t in blocks if n == "div"] == [
        "Ask your nurse {1}(+44 20 7946 0000){/2} if you are unsure.",
        "They are free.",
    ]
    all_text = " ".join(t for _k, _n, t in blocks)
    for kept in ("color: #555", "var dose", "dose_mg", "Nolvadex", "editorial comment", "> 10"):
        assert kept not in all_text
    assert doc.lang == "en"


def test_inline_elements_are_codes_and_code_is_one_code() -> None:
    [(kind, text)] = shown(
        '<p>Take <b>10&nbsp;mg</b> <a href="/x">daily</a>, <code>x &lt; 1</code>.<br>Done.</p>'
    )
    assert kind == "paragraph"
    assert text == "Take {1}10\xa0mg{/2} {3}daily{/4}, {5/}.{6/}Done."
    doc = parse_document("<p>See <code>x &lt; 1</code>.</p>", "html")
    assert doc.blocks[0].codes[0].data == "<code>x &lt; 1</code>"


def test_text_is_escaped_and_attributes_are_quoted_on_rebuild() -> None:
    doc = parse_document('<p title="Note">Text here.</p><img src="a.png" alt="Dose chart">', "html")
    doc.segments("en")
    out = doc.render(
        {
            "b1-s1": "Hinweis \"A\" & 'B'",
            "b2-s1": "Text < hier & dort.",
            "b3-s1": 'Dosis "Tabelle"',
        },
        target_lang="de",
    )
    assert out == (
        "<p title=\"Hinweis &quot;A&quot; &amp; 'B'\">Text &lt; hier &amp; dort.</p>"
        '<img src="a.png" alt=\'Dosis "Tabelle"\'>'
    )
    reparsed = lxml.html.fragment_fromstring(out, create_parent="div")
    assert reparsed.find("p").get("title") == "Hinweis \"A\" & 'B'"
    assert reparsed.find("p").text == "Text < hier & dort."


def test_identity_rebuild_is_lxml_serialisation_and_lang_is_updated(tmp_path: Path) -> None:
    source = (DOCS / "article.html").read_text(encoding="utf-8")
    doc = read_document(DOCS / "article.html")
    segs = doc.segments("en")
    out = tmp_path / "de.html"
    rebuild(doc, {s.id: (s.text, s.codes) for s in segs}, out, target_lang="de")
    written = out.read_text(encoding="utf-8")
    assert written == normalize_html(source).replace('<html lang="en">', '<html lang="de">')
    # Same tree as the original, but for the language.
    a = lxml.html.document_fromstring(source.encode())
    b = lxml.html.document_fromstring(written.encode())
    assert a.text_content() == b.text_content()
    assert b.get("lang") == "de"


def test_meta_charset_becomes_utf8_and_legacy_input_is_decoded(tmp_path: Path) -> None:
    page = (
        '<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312">'
        "<title>乳腺癌的治疗</title></head><body><p>乳腺癌是常见的疾病。医生说：“不要担心。”</p></body></html>"
    )
    path = tmp_path / "zh.html"
    path.write_bytes(page.encode("gb18030"))
    doc = read_document(path)
    assert doc.encoding == "gb18030"
    segs = doc.segments("zh")
    assert [s.text for s in segs] == [
        "乳腺癌的治疗",
        "乳腺癌是常见的疾病。",
        "医生说：“不要担心。”",
    ]
    out = tmp_path / "en.html"
    rebuild(
        doc,
        {"b2-s1": "Breast cancer is common.", "b2-s2": "The doctor said: “Do not worry.”"},
        out,
        target_lang="en",
    )
    written = out.read_text(encoding="utf-8")
    assert 'content="text/html; charset=utf-8"' in written
    assert "<p>Breast cancer is common. The doctor said: “Do not worry.”</p>" in written
    assert '<html lang="en">' in written


def test_fragments_stay_fragments() -> None:
    source = "<p>First <em>point</em>.</p>\n<p>Second point.</p>\n"
    doc = parse_document(source, "html")
    assert doc.lang is None
    assert doc.render({}, target_lang="de") == source
    doc.segments("en")
    assert doc.render({"b2-s1": "Zweiter Punkt."}, target_lang="de") == (
        "<p>First <em>point</em>.</p>\n<p>Zweiter Punkt.</p>\n"
    )


def test_translate_no_and_skipped_elements_are_untouched() -> None:
    source = (
        '<div><p translate="no">Brand</p><p class="notranslate">Name</p><pre>Code.</pre>'
        "<script>x = 'Text.'</script><p>Real text.</p></div>"
    )
    assert shown(source) == [("paragraph", "Real text.")]


def test_valueless_attributes_survive() -> None:
    source = '<p>Choose <input type="checkbox" checked> and <video controls></video> go.</p>'
    doc = parse_document(source, "html")
    assert doc.render({}, target_lang="en") == normalize_html(source)
    assert "checked>" in doc.render({}, target_lang="en")


def test_codes_missing_from_a_translation_drop_their_subflows() -> None:
    doc = parse_document('<p>See <a href="x" title="More">this</a>.</p>', "html")
    (seg, _title) = doc.segments("en")
    o, c = code_char(0), code_char(1)
    kept = doc.render(
        {seg.id: (f"Siehe {o}dies{c}.", seg.codes), "b2-s1": "Mehr"}, target_lang="de"
    )
    assert kept == '<p>Siehe <a href="x" title="Mehr">dies</a>.</p>'
    dropped = doc.render({seg.id: ("Siehe dies.", ())}, target_lang="de")
    assert dropped == "<p>Siehe dies.</p>"


def test_reserved_character_is_refused() -> None:
    with pytest.raises(FormatError, match="U\\+FFFC"):
        parse_document("<p>odd \ufffc char</p>", "html")


def test_segmentsubflows_no_keeps_attribute_text_whole() -> None:
    from tm.segment import default_rules

    doc = parse_document('<img alt="First part. Second part.">', "html")
    assert len(doc.segments("en")) == 2
    rules = default_rules()
    no_subflows = type(rules)(maps=rules.maps, cascade=rules.cascade, segment_subflows=False)
    assert [s.text for s in doc.segments("en", no_subflows)] == ["First part. Second part."]

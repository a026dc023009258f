"""Plain-text articles and encodings: blocks, headings, lists, BOM, UTF-16, GB18030, CRLF."""

from __future__ import annotations

import codecs
import io
from pathlib import Path

import pytest

from tm.documents import parse_document, read_document, rebuild
from tm.errors import FormatError, UsageError

DOCS = Path(__file__).parent / "data" / "documents"

ZH_ARTICLE = (
    "乳腺癌的治疗\n\n"
    "乳腺癌是女性最常见的恶性肿瘤之一。医生说：“大多数患者的头发会重新长出。”"
    "他莫昔芬的常用剂量为每日20 mg。\n"
)


def test_seed_article_blocks_and_segments() -> None:
    doc = read_document(DOCS / "seed-000.txt")
    assert [b.kind for b in doc.blocks] == ["heading", "paragraph"]
    assert doc.blocks[0].text == "Treatment of breast cancer"
    assert doc.blocks[1].line == 3
    segs = doc.segments("en")
    texts = [s.text for s in segs]
    # The missing spaces of the machine translation are sentence ends.
    assert (
        "It can be directed at the whole breast or at specific areas, such as oncological beds."
        in texts
    )
    assert texts[6].startswith("Chemotherapy is a whole-body treatment")
    assert "chemotherapy is usually used" in texts[7]
    assert len(segs) == 19


def test_seed_with_blank_line_runs_keeps_its_layout(tmp_path: Path) -> None:
    doc = read_document(DOCS / "seed-004.txt")
    assert [b.kind for b in doc.blocks].count("heading") == 1
    segs = doc.segments("en")
    translations = {s.id: s.text.upper() for s in segs}
    out = tmp_path / "out.txt"
    rebuild(doc, translations, out, target_lang="en")
    original = (DOCS / "seed-004.txt").read_text(encoding="utf-8")
    assert out.read_text(encoding="utf-8") == original.upper()


def test_list_lines_are_their_own_blocks_and_keep_markers() -> None:
    source = (
        "Before the first cycle check:\n- blood count,\n- liver tests.\n"
        "  Fasting is not needed.\n3) pregnancy test\n"
    )
    doc = parse_document(source, "text")
    assert [(b.kind, b.text) for b in doc.blocks] == [
        ("paragraph", "Before the first cycle check:"),
        ("list-item", "blood count,"),
        ("list-item", "liver tests.\n  Fasting is not needed."),
        ("list-item", "pregnancy test"),
    ]
    doc.segments("en")
    out = doc.render({"b2-s1": "Blutbild,", "b4-s1": "Schwangerschaftstest"}, target_lang="de")
    assert out == (
        "Before the first cycle check:\n- Blutbild,\n- liver tests.\n  Fasting is not needed.\n"
        "3) Schwangerschaftstest\n"
    )


def test_lines_without_letters_are_not_blocks() -> None:
    doc = parse_document("2024-12-25\n\n---\n\nText here.\n", "text")
    assert [b.text for b in doc.blocks] == ["Text here."]


@pytest.mark.parametrize(
    ("encoding", "bom"),
    [
        pytest.param("utf-8-sig", True, id="utf-8-bom"),
        pytest.param("utf-16", True, id="utf-16-bom"),
        pytest.param("utf-16-be", False, id="utf-16-be-given"),
        pytest.param("gb18030", False, id="gb18030"),
    ],
)
def test_chinese_article_in_any_encoding(encoding: str, bom: bool, tmp_path: Path) -> None:
    path = tmp_path / "article.txt"
    path.write_bytes(ZH_ARTICLE.encode(encoding))
    given = "utf-16-be" if encoding == "utf-16-be" else None
    doc = read_document(path, encoding=given)
    assert doc.blocks[0].text == "乳腺癌的治疗"
    assert [s.text for s in doc.segments("zh")][1:] == [
        "乳腺癌是女性最常见的恶性肿瘤之一。",
        "医生说：“大多数患者的头发会重新长出。”",
        "他莫昔芬的常用剂量为每日20 mg。",
    ]
    out = io.BytesIO()
    rebuild(doc, {}, out, target_lang="zh")
    written = out.getvalue()
    # Output is always UTF-8; a UTF-8 BOM is kept, other encodings' BOMs are not.
    assert written.decode("utf-8-sig") == ZH_ARTICLE
    assert written.startswith(codecs.BOM_UTF8) == (encoding == "utf-8-sig")


def test_gb18030_detection_reports_the_encoding(tmp_path: Path) -> None:
    path = tmp_path / "zh.txt"
    path.write_bytes((ZH_ARTICLE * 3).encode("gb18030"))
    doc = read_document(path)
    assert doc.encoding == "gb18030"


def test_utf8_bom_round_trips_byte_for_byte(tmp_path: Path) -> None:
    data = codecs.BOM_UTF8 + b"Tamoxifen works. It is cheap.\n"
    src = tmp_path / "bom.txt"
    src.write_bytes(data)
    doc = read_document(src)
    assert doc.bom and doc.blocks[0].text.startswith("Tamoxifen")
    out = tmp_path / "out.txt"
    rebuild(doc, {}, out, target_lang="en")
    assert out.read_bytes() == data


def test_crlf_line_endings_are_kept(tmp_path: Path) -> None:
    data = b"Title\r\n\r\nFirst. Second.\r\nStill second.\r\n"
    src = tmp_path / "crlf.txt"
    src.write_bytes(data)
    doc = read_document(src)
    assert doc.newline == "\r\n"
    doc.segments("en")
    out = tmp_path / "out.txt"
    rebuild(doc, {"b2-s1": "Erster."}, out, target_lang="de")
    assert out.read_bytes() == b"Title\r\n\r\nErster. Second.\r\nStill second.\r\n"


def test_wrong_encoding_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "latin.txt"
    path.write_bytes("ok\nsecond\ncafé\n".encode("latin-1"))
    with pytest.raises(FormatError) as info:
        read_document(path, encoding="utf-8")
    assert info.value.line == 3
    with pytest.raises(UsageError):
        read_document(path, encoding="no-such-codec")
    # Without --encoding, a real Western European article is detected.
    french = (
        "Le traitement hormonal dure cinq à dix ans. La patiente a été opérée en février; "
        "les effets secondaires sont fréquents mais légers. Le médecin prévoit un contrôle "
        "après l'été.\n"
    )
    path.write_bytes(french.encode("cp1252"))
    doc = read_document(path)
    assert doc.blocks[0].text == french.strip()
    assert doc.encoding == "cp1252"


def test_private_use_characters_in_the_source_survive(tmp_path: Path) -> None:
    source = "Icon \ue123 here. Next one.\n"
    doc = parse_document(source, "text")
    segs = doc.segments("en")
    assert segs[0].codes[0].kind == "char"
    assert doc.render({s.id: (s.text, s.codes) for s in segs}, target_lang="en") == source

"""XLIFF 1.2 and 2.x: schema-valid exports, state mapping, segmentation, documents."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from lxml import etree

from tm.errors import FormatError
from tm.formats import read_units, read_xliff, write_xliff2, write_xliff12
from tm.models import InlineCode, Status, Unit, Variant, code_char, display_text

DATA = Path(__file__).parent / "data" / "formats"
SCHEMAS = Path(__file__).parent / "data" / "schemas"
XLIFF12 = etree.XMLSchema(etree.parse(str(SCHEMAS / "xliff-core-1.2-strict.xsd")))
XLIFF2 = etree.XMLSchema(etree.parse(str(SCHEMAS / "xliff-core-2.0.xsd")))
WRITERS = {"xliff12": (write_xliff12, XLIFF12), "xliff2": (write_xliff2, XLIFF2)}


def _write(version: str, units: list[Unit], src: str = "en", tgt: str = "de") -> bytes:
    writer, _schema = WRITERS[version]
    buf = io.BytesIO()
    writer(buf, units, source_lang=src, target_lang=tgt)
    return buf.getvalue()


def _pair(src: str, tgt: str, **fields: object) -> Unit:
    return Unit([Variant("en", src), Variant("de", tgt)], source_lang="en", **fields)  # type: ignore[arg-type]


def _mixed_units() -> list[Unit]:
    """Units as a TM holds them: codes from TMX and XLIFF, odd ids, several documents."""
    (tmx_like,) = read_units(DATA / "tmx_inline_codes.tmx")
    for v in tmx_like.variants:
        v.lang = {"en": "en", "de": "de"}[v.lang]
    x12 = list(read_units(DATA / "xliff12_sample.xlf"))
    x2 = list(read_units(DATA / "xliff2_sample.xlf"))
    for unit in x12 + x2:
        for v in unit.variants:
            v.lang = "en" if v.lang.startswith("en") else "de"
    return [
        tmx_like,
        *x12,
        *x2,
        _pair("id with spaces", "Id mit Leerzeichen", unit_id="a b/c", status=Status.CORRECTED),
        _pair("duplicate id", "doppelte Id", unit_id="a b/c"),
        _pair("note", "Notiz", note="Line one\nline two", document="other.html"),
    ]


@pytest.mark.parametrize("version", ["xliff12", "xliff2"])
def test_export_validates_against_the_official_schema(version: str) -> None:
    data = _write(version, _mixed_units())
    schema = WRITERS[version][1]
    root = etree.fromstring(data)
    assert schema.validate(root), schema.error_log.filter_from_errors()


@pytest.mark.parametrize("version", ["xliff12", "xliff2"])
def test_empty_export_validates(version: str) -> None:
    schema = WRITERS[version][1]
    assert schema.validate(etree.fromstring(_write(version, [])))


@pytest.mark.parametrize("version", ["xliff12", "xliff2"])
def test_mixed_units_round_trip_text_status_and_document(version: str) -> None:
    units = _mixed_units()
    back = list(read_xliff(io.BytesIO(_write(version, units))))
    assert len(back) == len(units)
    for before, after in zip(units, back, strict=True):
        for v1, v2 in zip(before.variants, after.variants, strict=True):
            assert display_text(v2.text, v2.codes) == display_text(v1.text, v1.codes)
        assert (after.status, after.document, after.note, after.context_key) == (
            before.status,
            before.document,
            before.note,
            before.context_key,
        )


def test_xliff12_sample_is_read_with_states_notes_and_documents() -> None:
    units = list(read_units(DATA / "xliff12_sample.xlf"))
    assert [(u.unit_id, u.status, u.document) for u in units] == [
        ("1", Status.REVIEWED, "leaflet.html"),  # state="final"
        ("2", Status.REVIEWED, "leaflet.html"),  # approved="yes"
        ("3", Status.DRAFT, "leaflet.html"),  # needs-review-translation
        ("4", Status.TRANSLATED, "leaflet.html"),
        ("7", Status.REVIEWED, "leaflet.html"),  # signed-off
        ("1", Status.CORRECTED, "faq.html"),  # final + x-corrected
    ]  # untranslated (5) and empty-target (6) units are skipped
    assert units[0].context_key == "title" and units[1].context_key == "2"
    assert units[0].note == "Heading."
    assert [v.lang for v in units[0].variants] == ["en-US", "de-DE"]
    source = units[3].variants[0]
    assert display_text(source.text, source.codes) == "Take {1}two{/2} tablets {3/}."


def test_segmented_xliff12_gives_one_unit_per_segment() -> None:
    units = list(read_units(DATA / "xliff12_segmented.xlf"))
    assert [(u.unit_id, u.variants[0].text, u.variants[1].text) for u in units] == [
        ("p1#1", "Chemotherapy is systemic.", "La chimiothérapie est systémique."),
        ("p1#2", "It reaches the whole body.", "Elle atteint tout le corps."),
    ]


def test_xliff2_sample_is_read_per_segment() -> None:
    units = list(read_units(DATA / "xliff2_sample.xlf"))
    assert [(u.unit_id, u.context_key, u.status) for u in units] == [
        ("u1", "discharge.title", Status.REVIEWED),  # final
        ("u2#s1", "u2#s1", Status.TRANSLATED),
        ("u2#s2", "u2#s2", Status.DRAFT),  # initial
        ("u3", "u3", Status.CORRECTED),  # final + subState tm:corrected
    ]  # s3 has no target
    first = units[0]
    assert first.note == "Page title."
    assert first.document == "discharge.html"
    assert [v.lang for v in first.variants] == ["en", "ja"]
    assert first.variants[1].plain == "手術<b>の後</b><br/>"


@pytest.mark.parametrize(
    ("state", "extra", "status"),
    [
        ("final", "", Status.REVIEWED),
        ("signed-off", "", Status.REVIEWED),
        ("translated", "", Status.TRANSLATED),
        ("new", "", Status.DRAFT),
        ("needs-translation", "", Status.DRAFT),
        ("needs-review-translation", "", Status.DRAFT),
        ("needs-l10n", "", Status.DRAFT),
        ("x-custom", "", Status.TRANSLATED),
        (None, "", Status.TRANSLATED),
        (None, ' approved="yes"', Status.REVIEWED),
        ("needs-review-translation", ' approved="yes"', Status.DRAFT),
    ],
    ids=lambda v: str(v),
)
def test_xliff12_state_mapping(state: str | None, extra: str, status: Status) -> None:
    attr = f' state="{state}"' if state else ""
    doc = (
        '<xliff version="1.2" xmlns="urn:oasis:names:tc:xliff:document:1.2"><file original="a" '
        'source-language="en" target-language="de" datatype="plaintext"><body>'
        f'<trans-unit id="1"{extra}><source>a</source><target{attr}>b</target></trans-unit>'
        "</body></file></xliff>"
    )
    (unit,) = read_xliff(io.BytesIO(doc.encode()))
    assert unit.status is status


@pytest.mark.parametrize(
    ("attrs", "status"),
    [
        ('state="initial"', Status.DRAFT),
        ('state="translated"', Status.TRANSLATED),
        ('state="reviewed"', Status.REVIEWED),
        ('state="final"', Status.REVIEWED),
        ('state="final" subState="tm:corrected"', Status.CORRECTED),
        ("", Status.TRANSLATED),
    ],
    ids=["initial", "translated", "reviewed", "final", "corrected", "no-state"],
)
def test_xliff2_state_mapping(attrs: str, status: Status) -> None:
    doc = (
        '<xliff version="2.0" xmlns="urn:oasis:names:tc:xliff:document:2.0" srcLang="en" '
        f'trgLang="de"><file id="f"><unit id="u"><segment {attrs}><source>a</source>'
        "<target>b</target></segment></unit></file></xliff>"
    )
    (unit,) = read_xliff(io.BytesIO(doc.encode()))
    assert unit.status is status


@pytest.mark.parametrize("version", ["xliff12", "xliff2"])
@pytest.mark.parametrize("status", list(Status), ids=lambda s: s.value)
def test_every_status_round_trips(version: str, status: Status) -> None:
    (back,) = read_xliff(io.BytesIO(_write(version, [_pair("a", "b", status=status)])))
    assert back.status is status


@pytest.mark.parametrize("version", ["xliff12", "xliff2"])
def test_consecutive_units_of_a_document_share_a_file(version: str) -> None:
    units = [
        _pair("a", "A", document="one.html"),
        _pair("b", "B", document="one.html"),
        _pair("c", "C", document="two.html"),
    ]
    root = etree.fromstring(_write(version, units))
    files = [el for el in root if etree.QName(el).localname == "file"]
    assert [f.get("original") for f in files] == ["one.html", "two.html"]


def test_xliff2_native_codes_go_to_original_data() -> None:
    codes = (InlineCode("open", "1", "bpt", "<b>"), InlineCode("close", "1", "ept", "</b>"))
    unit = Unit(
        [
            Variant("en", f"{code_char(0)}Bold{code_char(1)}", codes),
            Variant("de", f"{code_char(0)}Fett{code_char(1)}", codes),
        ]
    )
    data = _write("xliff2", [unit])
    assert b'<data id="d1">&lt;b&gt;</data>' in data
    assert b'<pc id="1" dataRefStart="d1" dataRefEnd="d2">Fett</pc>' in data


def test_units_without_both_languages_are_skipped() -> None:
    units = [_pair("a", "b"), Unit([Variant("en", "only english")])]
    assert write_xliff12(io.BytesIO(), units, source_lang="en", target_lang="de") == 1


@pytest.mark.parametrize(
    ("name", "line", "message"),
    [
        ("xliff_broken_line6.xlf", 6, "XML syntax error"),
        ("xliff_unknown_namespace.xlf", 1, "unknown XLIFF namespace"),
    ],
    ids=["syntax", "namespace"],
)
def test_bad_files_name_file_and_line(name: str, line: int, message: str) -> None:
    with pytest.raises(FormatError) as info:
        list(read_units(DATA / name))
    assert (info.value.path, info.value.line) == (str(DATA / name), line)
    assert message in info.value.message


def test_missing_target_language_is_reported() -> None:
    doc = (
        b'<xliff version="1.2" xmlns="urn:oasis:names:tc:xliff:document:1.2"><file original="a" '
        b'source-language="en" datatype="plaintext"><body>\n<trans-unit id="1"><source>a</source>'
        b"<target>b</target></trans-unit></body></file></xliff>"
    )
    with pytest.raises(FormatError, match="no target language") as info:
        list(read_xliff(io.BytesIO(doc), path="x.xlf"))
    assert info.value.line == 2

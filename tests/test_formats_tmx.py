"""TMX: DTD-valid exports, OmegaT and old-tool input, props/notes/dates, streaming."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from lxml import etree

from tm.errors import FormatError
from tm.formats import read_tmx, read_units, write_tmx
from tm.models import InlineCode, Status, Unit, Variant, code_char, display_text

DATA = Path(__file__).parent / "data" / "formats"
TMX_DTD = etree.DTD(str(Path(__file__).parent / "data" / "schemas" / "tmx14.dtd"))


def _rich_unit() -> Unit:
    codes = (
        InlineCode("open", "1", "bpt", "<b>", (("x", "1"), ("type", "bold"))),
        InlineCode("close", "1", "ept", "</b>"),
        InlineCode("standalone", "2", "ph", "<br/>", (("x", "2"),)),
    )
    return Unit(
        variants=[
            Variant(
                "en-GB",
                f"Take {code_char(0)}two{code_char(1)} tablets{code_char(2)}",
                codes,
                created_at=datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC),
                created_by="ana",
                props=[("x-origin", "leaflet")],
                notes=["source note"],
                prev_text="Dosage",
                next_text="Swallow whole.",
            ),
            Variant(
                "de-DE",
                f"Nehmen Sie {code_char(0)}zwei{code_char(1)} Tabletten{code_char(2)}",
                codes,
                changed_at=datetime(2024, 2, 3, 4, 5, 6, tzinfo=UTC),
                changed_by="ben",
            ),
        ],
        source_lang="en-GB",
        unit_id="leaflet-7",
        context_key="dosage/para-2",
        document="leaflet.docx",
        status=Status.CORRECTED,
        usage_count=3,
        created_at=datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC),
        created_by="ana",
        changed_at=datetime(2024, 3, 1, 0, 0, 0, tzinfo=UTC),
        changed_by="lead",
        note="Corrected after review.",
        props=[("x-client", "Oncology Unit"), ("x-client", "Second value")],
    )


def _write(units: list[Unit], **kwargs: str) -> bytes:
    buf = io.BytesIO()
    write_tmx(buf, units, **kwargs)  # type: ignore[arg-type]
    return buf.getvalue()


def test_export_validates_against_the_tmx14_dtd() -> None:
    data = _write([_rich_unit(), Unit([Variant("fr", "seul")])], source_lang="en-GB")
    root = etree.fromstring(data)
    assert TMX_DTD.validate(root), TMX_DTD.error_log.filter_from_errors()
    assert root.get("version") == "1.4"
    assert data.startswith(b"<?xml version='1.0' encoding='UTF-8'?>\n<!DOCTYPE tmx SYSTEM")


def test_every_field_survives_a_round_trip() -> None:
    unit = _rich_unit()
    (back,) = read_tmx(io.BytesIO(_write([unit], source_lang="en-GB")))
    back.line = unit.line
    assert back == unit


def test_unit_without_declared_source_stays_without_one() -> None:
    unit = Unit([Variant("en", "a"), Variant("de", "b")], source_lang=None)
    (back,) = read_tmx(io.BytesIO(_write([unit], source_lang="en")))
    assert back.source_lang is None


def test_naive_and_offset_dates_are_written_as_utc() -> None:
    cet = timezone(timedelta(hours=1))
    unit = Unit(
        [Variant("en", "a"), Variant("de", "b")],
        created_at=datetime(2024, 1, 1, 12, 0, 0),
        changed_at=datetime(2024, 1, 1, 12, 0, 0, tzinfo=cet),
    )
    data = _write([unit])
    assert b'creationdate="20240101T120000Z"' in data
    assert b'changedate="20240101T110000Z"' in data


def test_props_notes_and_dates_are_read() -> None:
    (unit,) = read_units(DATA / "tmx14_props_notes_dates.tmx")
    assert unit.unit_id == "onc-17"
    assert unit.status is Status.REVIEWED
    assert unit.context_key == "leaflet/para-3"
    assert unit.document == "patient_leaflet.docx"
    assert unit.note == "Checked against the NCCN guideline.\nSecond note."
    assert unit.props == [("x-client", "Oncology Unit")]
    assert unit.usage_count == 4
    assert unit.created_at == datetime(2023, 1, 2, 3, 4, 5, tzinfo=UTC)
    assert (unit.created_by, unit.changed_by) == ("maria", "li")
    assert unit.changed_at == datetime(2023, 6, 5, 10, 11, 12, tzinfo=UTC)
    source, target = unit.variants
    assert (source.prev_text, source.next_text) == ("Your treatment plan", "Ask your nurse.")
    assert source.notes == ["source-side note"]
    assert target.props == [("x-domain", "oncology")]
    assert (target.created_by, target.created_at) == ("maria", unit.created_at)


def test_omegat_tmx11_sample() -> None:
    first, second = read_units(DATA / "omegat_tmx11.tmx")
    assert first.source_lang == "en-US"
    assert [v.lang for v in first.variants] == ["en-US", "de-DE"]  # lang= upper-case
    assert first.variants[1].changed_by == "anna"
    assert first.variants[1].created_at == datetime(2024, 3, 11, 16, 0, tzinfo=UTC)
    # OmegaT's alternative-translation props map to our fields.
    assert second.document == "breast_cancer.txt"
    assert second.variants[0].prev_text == "Treatment of breast cancer"
    assert second.variants[0].next_text == "Chemotherapy is a whole-body treatment."
    assert second.props == []


def test_old_uppercase_tmx11_in_latin1() -> None:
    (unit,) = read_units(DATA / "tmx_uppercase_tmx11.tmx")
    assert unit.unit_id == "1"
    assert unit.status is Status.DRAFT
    assert unit.created_at == datetime(1999, 3, 1, 12, 0, tzinfo=UTC)
    assert [v.lang for v in unit.variants] == ["en-US", "es-ES"]
    target = unit.variants[1]
    assert display_text(target.text, target.codes) == "Resultados de análisis de {1}sangre{/2} café"
    assert target.codes[0].data == "<b>"


def test_utf16_trados_export() -> None:
    (unit,) = read_units(DATA / "tmx_utf16_trados.tmx")
    assert unit.variants[1].text == "脱毛はよくある副作用です。"
    assert unit.variants[1].lang == "ja-JP"


def test_srclang_all_and_per_tu_srclang() -> None:
    first, second = read_units(DATA / "tmx_srclang_all.tmx")
    assert first.source_lang is None
    assert [v.lang for v in first.variants] == ["en", "zh-CN", "ar"]
    assert second.source_lang == "zh-CN"


def test_srclang_all_takes_the_callers_source_language() -> None:
    with open(DATA / "tmx_srclang_all.tmx", "rb") as fh:
        first, _ = read_tmx(fh, source_lang="en")
    assert first.source_lang == "en"


def test_header_srclang_matches_a_regional_variant() -> None:
    data = (
        b'<tmx version="1.4"><header srclang="en"/><body><tu><tuv xml:lang="de"><seg>a</seg>'
        b'</tuv><tuv xml:lang="en-US"><seg>b</seg></tuv></tu></body></tmx>'
    )
    (unit,) = read_tmx(io.BytesIO(data))
    assert unit.source_lang == "en-US"


def test_inline_codes_file_round_trips_through_tmx() -> None:
    units = list(read_units(DATA / "tmx_inline_codes.tmx"))
    back = list(read_tmx(io.BytesIO(_write(units, source_lang="en"))))
    assert [(v.text, v.codes) for v in back[0].variants] == [
        (v.text, v.codes) for v in units[0].variants
    ]
    assert [c.kind for c in units[0].variants[0].codes] == [
        "bpt",
        "ept",
        "ph",
        "hi",
        "hi",
        "it",
        "ph",
        "ut",
    ]


@pytest.mark.parametrize(
    ("name", "line", "message"),
    [
        ("tmx_bad_lang_line6.tmx", 6, "bad language tag 'english (UK)'"),
        ("tmx_bad_date_line5.tmx", 5, "bad date 'yesterday'"),
        ("tmx_broken_line7.tmx", 7, "XML syntax error"),
    ],
    ids=["language-tag", "date", "syntax"],
)
def test_bad_input_names_file_and_line(name: str, line: int, message: str) -> None:
    with pytest.raises(FormatError) as info:
        list(read_units(DATA / name, format="tmx"))
    assert (info.value.path, info.value.line) == (str(DATA / name), line)
    assert message in info.value.message


def test_an_xliff_file_is_not_read_as_tmx() -> None:
    with pytest.raises(FormatError, match="not a TMX file"):
        list(read_units(DATA / "xliff12_sample.xlf", format="tmx"))


def test_tu_without_tuv_is_skipped_and_empty_seg_kept() -> None:
    data = (
        b'<tmx version="1.4"><header srclang="en"/><body><tu tuid="none"/>'
        b'<tu><tuv xml:lang="en"><seg>only source</seg></tuv><tuv xml:lang="de"><seg/></tuv>'
        b"</tu></body></tmx>"
    )
    (unit,) = read_tmx(io.BytesIO(data))
    assert [v.text for v in unit.variants] == ["only source", ""]


def test_invalid_character_names_the_unit() -> None:
    unit = Unit([Variant("en", "bell \x07"), Variant("de", "x")], unit_id="u-9")
    with pytest.raises(FormatError) as info:
        _write([unit])
    assert info.value.unit == "u-9"
    assert "U+0007" in info.value.message


def test_writer_reports_progress() -> None:
    seen: list[tuple[int, int | None, str]] = []
    units = [Unit([Variant("en", str(i)), Variant("de", str(i))]) for i in range(3)]
    buf = io.BytesIO()
    assert write_tmx(buf, units, progress=lambda d, t, label: seen.append((d, t, label))) == 3
    assert seen[-1] == (3, 3, "tmx")


# --- streaming ----------------------------------------------------------------------


def _rss_bytes() -> int:
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * 4096


def _generate(path: Path, n: int) -> None:
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(
            '<?xml version="1.0" encoding="UTF-8"?>\n<tmx version="1.4">\n<header '
            'creationtool="gen" creationtoolversion="1" segtype="sentence" o-tmf="gen" '
            'adminlang="en" srclang="en" datatype="plaintext"/>\n<body>\n'
        )
        chunk = []
        for i in range(n):
            chunk.append(
                f'<tu tuid="{i}"><tuv xml:lang="en"><seg>The patient received cycle {i} of '
                f'adjuvant chemotherapy.</seg></tuv><tuv xml:lang="de"><seg>Der Patient '
                f"erhielt Zyklus {i} der adjuvanten Chemotherapie.</seg></tuv></tu>\n"
            )
            if len(chunk) == 10_000:
                fh.write("".join(chunk))
                chunk = []
        fh.write("".join(chunk) + "</body>\n</tmx>\n")


@pytest.mark.skipif(not Path("/proc/self/statm").exists(), reason="needs /proc to measure RSS")
def test_large_tmx_streams_in_bounded_memory(tmp_path: Path) -> None:
    """200k tus (~45 MB): resident memory must not grow with the file."""
    path = tmp_path / "big.tmx"
    _generate(path, 200_000)
    size = path.stat().st_size
    baseline = peak = 0
    count = 0
    with open(path, "rb") as fh:
        for unit in read_tmx(fh, path=str(path)):
            count += 1
            if count == 20_000:  # parser buffers and caches are warm by now
                baseline = _rss_bytes()
            elif count % 20_000 == 0:
                peak = max(peak, _rss_bytes())
            last = unit
    assert count == 200_000
    assert last.unit_id == "199999" and last.line == 200_004
    growth = peak - baseline
    # Keeping the tree would cost far more than the file size; streaming costs ~nothing.
    assert growth < 20 * 1024 * 1024, f"RSS grew {growth / 1e6:.1f} MB reading {size / 1e6:.0f} MB"

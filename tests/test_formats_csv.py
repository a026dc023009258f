"""CSV/TSV: header of language tags, delimiter sniffing, optional columns, encodings."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from tm.errors import FormatError
from tm.formats import read_csv, read_units, write_csv
from tm.formats.csvtsv import sniff_delimiter
from tm.models import InlineCode, Status, Unit, Variant, code_char

DATA = Path(__file__).parent / "data" / "formats"


@pytest.mark.parametrize(
    ("header", "delimiter"),
    [
        ("en,de", ","),
        ("en\tde\tnote", "\t"),
        ("en-GB;de-DE;context;status", ";"),
        ('"en","fr, CA"', None),  # a cell that is not a tag: no delimiter explains it
        ("English,German", None),
    ],
    ids=["comma", "tab", "semicolon", "quoted-junk", "language-names"],
)
def test_delimiter_is_sniffed_from_the_header(header: str, delimiter: str | None) -> None:
    assert sniff_delimiter(header) == delimiter


def test_semicolon_file_with_optional_columns() -> None:
    first, second = read_units(DATA / "csv_semicolon.csv")
    assert [(v.lang, v.text) for v in first.variants] == [
        ("en-GB", "Nausea"),
        ("de-DE", "Übelkeit"),
    ]
    assert (first.context_key, first.status, first.note, first.line) == (
        "symptoms",
        Status.REVIEWED,
        "checked",
        2,
    )
    assert first.source_lang == "en-GB"
    assert second.variants[0].text == "Fatigue; tiredness"
    assert second.status is Status.TRANSLATED


def test_tsv_with_three_languages_and_a_document_column() -> None:
    first, second = read_units(DATA / "tsv_three_langs.tsv")
    assert [v.lang for v in first.variants] == ["en", "zh-Hans", "ar"]
    assert first.document == "leaflet.txt"
    assert second.variants[0].text == "cancer 🎗️"


@pytest.mark.parametrize(
    ("name", "texts"),
    [
        ("csv_utf16_excel.txt", ["gonflement", "rougeur"]),
        ("csv_cp1252.csv", ["fièvre"]),
    ],
    ids=["utf16-bom", "cp1252"],
)
def test_encodings_spreadsheets_write(name: str, texts: list[str]) -> None:
    assert [u.variants[1].text for u in read_units(DATA / name)] == texts


def test_multiline_fields_keep_line_numbers_right() -> None:
    with pytest.raises(FormatError) as info:
        list(read_units(DATA / "csv_bad_row_line5.csv"))
    assert info.value.line == 5
    assert "expected 2 fields" in info.value.message


@pytest.mark.parametrize(
    ("name", "line", "message"),
    [
        ("csv_bad_status_line2.csv", 2, "unknown status 'approved'"),
        ("csv_no_language_header.csv", 1, "header row must name the columns"),
    ],
    ids=["status", "header"],
)
def test_errors_name_file_and_line(name: str, line: int, message: str) -> None:
    with pytest.raises(FormatError) as info:
        list(read_units(DATA / name, format="csv"))
    assert (info.value.path, info.value.line) == (str(DATA / name), line)
    assert message in info.value.message


def test_bad_language_tag_in_an_explicit_delimiter_header() -> None:
    with pytest.raises(FormatError, match="bad language tag") as info:
        list(read_csv(io.BytesIO(b"en,Deutsch (AT)\na,b\n"), delimiter=","))
    assert info.value.line == 1


def test_write_uses_the_requested_languages_and_extra_columns() -> None:
    units = [
        Unit(
            [Variant("en-US", "fever"), Variant("de-DE", "Fieber"), Variant("fr", "fièvre")],
            unit_id="7",
            context_key="symptom",
            status=Status.CORRECTED,
            note="a, b",
        ),
        Unit([Variant("es", "fiebre")]),  # none of the languages: skipped
    ]
    buf = io.StringIO()
    assert write_csv(buf, units, langs=["en", "de"]) == 1
    assert buf.getvalue() == (
        'en,de,id,context,document,status,note\r\nfever,Fieber,7,symptom,,corrected,"a, b"\r\n'
    )


def test_codes_are_written_as_native_text() -> None:
    codes = (InlineCode("standalone", "1", "ph", "%s"),)
    unit = Unit(
        [Variant("en", f"{code_char(0)} days", codes), Variant("de", f"{code_char(0)} Tage", codes)]
    )
    buf = io.BytesIO()
    write_csv(buf, [unit], langs=["en", "de"], delimiter="\t")
    (back,) = read_csv(io.BytesIO(buf.getvalue()))
    assert [v.text for v in back.variants] == ["%s days", "%s Tage"]


def test_rows_with_no_text_are_skipped_and_empty_cells_drop_the_language() -> None:
    data = "en,de,fr\n,,\nfever,,fièvre\n".encode()
    (unit,) = read_csv(io.BytesIO(data))
    assert [v.lang for v in unit.variants] == ["en", "fr"]
    assert unit.line == 3


def test_source_column_can_be_chosen() -> None:
    (unit,) = read_csv(io.BytesIO(b"en,de\na,b\n"), source_lang="de")
    assert unit.source_lang == "de"

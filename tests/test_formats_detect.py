"""Format detection from content, then extension; reading and writing by path."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from tm.errors import FormatError, NotFoundError, UnknownFormatError, UsageError
from tm.formats import detect_format, read_units, write_units
from tm.models import Unit, Variant

DATA = Path(__file__).parent / "data" / "formats"


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("omegat_tmx11.tmx", "tmx"),
        ("tmx_uppercase_tmx11.tmx", "tmx"),
        ("tmx_utf16_trados.tmx", "tmx"),
        ("xliff12_sample.xlf", "xliff"),
        ("xliff2_sample.xlf", "xliff"),
        ("po_plurals_ru.po", "po"),
        ("po_latin1.po", "po"),
        ("csv_semicolon.csv", "csv"),
        ("tsv_three_langs.tsv", "tsv"),
        ("csv_utf16_excel.txt", "tsv"),
    ],
    ids=lambda v: str(v),
)
def test_format_is_detected_from_content(tmp_path: Path, name: str, expected: str) -> None:
    assert detect_format(DATA / name) == expected
    # a misleading name changes nothing: content wins
    renamed = tmp_path / "download.dat"
    shutil.copy(DATA / name, renamed)
    assert detect_format(renamed) == expected


@pytest.mark.parametrize(
    ("name", "expected"),
    [("empty.tmx", "tmx"), ("empty.po", "po"), ("empty.xliff", "xliff"), ("empty.tsv", "tsv")],
    ids=["tmx", "po", "xliff", "tsv"],
)
def test_empty_file_falls_back_to_the_extension(tmp_path: Path, name: str, expected: str) -> None:
    path = tmp_path / name
    path.write_bytes(b"")
    assert detect_format(path) == expected


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("unknown_prose.txt", "cannot tell the format"),
        ("unknown_root.xml", "root element <html> is neither TMX nor XLIFF"),
    ],
    ids=["prose", "other-xml"],
)
def test_unknown_content_is_explained(name: str, message: str) -> None:
    with pytest.raises(UnknownFormatError, match=message) as info:
        detect_format(DATA / name)
    assert info.value.path == str(DATA / name)


def test_empty_file_without_extension_is_unknown(tmp_path: Path) -> None:
    path = tmp_path / "nothing"
    path.write_bytes(b"")
    with pytest.raises(UnknownFormatError, match="the file is empty"):
        detect_format(path)


def test_read_units_refuses_missing_files_and_unknown_formats(tmp_path: Path) -> None:
    with pytest.raises(NotFoundError):
        list(read_units(tmp_path / "missing.tmx"))
    with pytest.raises(UsageError, match="unknown format"):
        list(read_units(DATA / "omegat_tmx11.tmx", format="docx"))


def test_write_units_by_path_and_format(tmp_path: Path) -> None:
    units = [Unit([Variant("en", "fever"), Variant("de", "Fieber")], source_lang="en")]
    for fmt, ext in [
        ("tmx", "tmx"),
        ("po", "po"),
        ("xliff", "xlf"),
        ("xliff2", "xlf"),
        ("csv", "csv"),
        ("tsv", "tsv"),
    ]:
        path = tmp_path / f"out-{fmt}.{ext}"
        assert write_units(path, units, format=fmt, source_lang="en", target_lang="de") == 1
        back = list(read_units(path))
        assert [v.text for v in back[0].variants] == ["fever", "Fieber"], fmt
        assert oct(path.stat().st_mode & 0o077) != "0o0", "export should not be private"


def test_failed_write_leaves_no_file(tmp_path: Path) -> None:
    path = tmp_path / "out.tmx"
    bad = Unit([Variant("en", "bell \x07"), Variant("de", "x")])
    with pytest.raises(FormatError):
        write_units(path, [bad], format="tmx")
    assert os.listdir(tmp_path) == []


@pytest.mark.parametrize(
    ("fmt", "kwargs", "message"),
    [
        ("po", {"source_lang": "en"}, "needs a source and a target"),
        ("xliff2", {}, "needs a source and a target"),
        ("csv", {}, "needs the languages"),
        ("docx", {}, "unknown format"),
    ],
    ids=["po", "xliff2", "csv", "unknown"],
)
def test_write_units_option_errors(
    tmp_path: Path, fmt: str, kwargs: dict[str, str], message: str
) -> None:
    with pytest.raises(UsageError, match=message):
        write_units(tmp_path / "x", [], format=fmt, **kwargs)  # type: ignore[arg-type]
    assert os.listdir(tmp_path) == []

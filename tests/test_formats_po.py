"""PO: plurals, msgctxt, fuzzy, obsolete, header languages; exports pass `msgfmt -c`."""

from __future__ import annotations

import io
import shutil
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tm.errors import FormatError, UsageError
from tm.formats import read_po, read_units, write_po
from tm.formats.plurals import PLURAL_FORMS
from tm.models import InlineCode, Status, Unit, Variant, code_char

DATA = Path(__file__).parent / "data" / "formats"
MSGFMT = shutil.which("msgfmt")
needs_msgfmt = pytest.mark.skipif(MSGFMT is None, reason="msgfmt (GNU gettext) not installed")


def _msgfmt_check(tmp_path: Path, data: bytes) -> subprocess.CompletedProcess[str]:
    path = tmp_path / "out.po"
    path.write_bytes(data)
    assert MSGFMT is not None
    return subprocess.run(
        [MSGFMT, "-c", "-o", str(tmp_path / "out.mo"), str(path)],
        capture_output=True,
        text=True,
        check=False,
    )


def _write(units: list[Unit], source_lang: str = "en", target_lang: str = "de") -> bytes:
    buf = io.BytesIO()
    write_po(buf, units, source_lang=source_lang, target_lang=target_lang)
    return buf.getvalue()


def _pair(src: str, tgt: str, lang: str = "de", **fields: object) -> Unit:
    return Unit([Variant("en", src), Variant(lang, tgt)], source_lang="en", **fields)  # type: ignore[arg-type]


def test_plural_entry_becomes_one_unit_per_form() -> None:
    units = list(read_units(DATA / "po_plurals_ru.po"))
    assert [(u.variants[0].text, u.variants[1].text) for u in units[:3]] == [
        ("%(count)d cycle of chemotherapy", "%(count)d цикл химиотерапии"),
        ("%(count)d cycles of chemotherapy", "%(count)d цикла химиотерапии"),
        ("%(count)d cycles of chemotherapy", "%(count)d циклов химиотерапии"),
    ]
    assert [dict(u.props)["x-po-plural"] for u in units[:3]] == ["0", "1", "2"]
    assert units[3].variants[1].text == "Приём"
    assert all(u.variants[1].lang == "ru" for u in units)


@needs_msgfmt
def test_plurals_are_rebuilt_on_export_and_compile(tmp_path: Path) -> None:
    units = list(read_units(DATA / "po_plurals_ru.po"))
    data = _write(units, target_lang="ru")
    assert _msgfmt_check(tmp_path, data).returncode == 0, _msgfmt_check(tmp_path, data).stderr
    text = data.decode()
    assert 'msgid_plural "%(count)d cycles of chemotherapy"' in text
    assert 'msgstr[2] "%(count)d циклов химиотерапии"' in text
    assert "#, python-format" in text
    assert [(u.variants[1].text, u.props) for u in read_po(io.BytesIO(data))] == [
        (u.variants[1].text, u.props) for u in units
    ]


@needs_msgfmt
def test_missing_plural_forms_are_filled_and_marked_fuzzy(tmp_path: Path) -> None:
    # Two forms from an English-style source, exported to Russian (three forms).
    units = [
        u
        for u in read_units(DATA / "po_plurals_ru.po")
        if dict(u.props).get("x-po-plural") in ("0", "1")
    ]
    data = _write(units, target_lang="ru")
    assert _msgfmt_check(tmp_path, data).returncode == 0
    assert "#, fuzzy, python-format" in data.decode()


def test_msgctxt_fuzzy_obsolete_untranslated() -> None:
    units = list(read_units(DATA / "po_context_fuzzy_obsolete.po"))
    assert [(u.context_key, u.variants[1].text, u.status) for u in units] == [
        ("dosage", "Dosis", Status.TRANSLATED),
        ("radiotherapy", "Strahlendosis", Status.TRANSLATED),
        (None, "Tumorkonferenz", Status.DRAFT),
    ]
    # languages from the header: Language and X-Source-Language, gettext spelling
    assert [v.lang for v in units[0].variants] == ["en-GB", "de-DE"]
    assert units[0].props == [
        ("x-po-comment", "Shown on the dosage screen"),
        ("x-po-occurrence", "portal/dosage.py:12"),
    ]
    assert units[2].note == "Translator: check with the oncologist."
    assert all(u.line for u in units) and units[2].line == 17


def test_fuzzy_entries_can_be_skipped() -> None:
    units = list(read_units(DATA / "po_context_fuzzy_obsolete.po", fuzzy="skip"))
    assert [u.variants[1].text for u in units] == ["Dosis", "Strahlendosis"]


def test_unknown_fuzzy_policy_is_a_usage_error() -> None:
    with pytest.raises(UsageError):
        list(read_po(DATA / "po_latin1.po", fuzzy="keep"))  # type: ignore[arg-type]


def test_charset_from_the_header() -> None:
    (unit,) = read_units(DATA / "po_latin1.po")
    assert unit.variants[1].text == "Fièvre"
    assert unit.variants[1].lang == "fr"


def test_missing_language_header_needs_the_target_language() -> None:
    with pytest.raises(FormatError, match="no Language") as info:
        list(read_units(DATA / "po_no_language.po"))
    assert info.value.line == 5
    (unit,) = read_units(DATA / "po_no_language.po", target_lang="de-AT")
    assert unit.variants[1].lang == "de-AT"


def test_syntax_error_names_file_and_line() -> None:
    with pytest.raises(FormatError) as info:
        list(read_units(DATA / "po_broken_line8.po"))
    assert info.value.line == 8
    assert str(info.value).startswith(f"{DATA / 'po_broken_line8.po'}:8: PO syntax error")


@pytest.mark.parametrize(
    ("value", "tag"),
    [("pt_BR", "pt-BR"), ("sr@latin", "sr-Latn"), ("de_DE.UTF-8", "de-DE"), ("zh_CN", "zh-CN")],
    ids=["region", "script-modifier", "codeset", "chinese"],
)
def test_gettext_language_names(value: str, tag: str) -> None:
    from tm.formats.po import po_language

    assert po_language(value) == tag


@needs_msgfmt
def test_export_passes_msgfmt_check_with_a_full_header(tmp_path: Path) -> None:
    units = [
        _pair("Nausea", "Übelkeit", context_key="symptom", note="from the leaflet"),
        _pair("Fatigue", "Müdigkeit", status=Status.DRAFT),
        _pair('Tab\there and "quotes" and \\', "Tab\thier und „Anführung“ und \\"),
    ]
    data = _write(units)
    result = _msgfmt_check(tmp_path, data)
    assert result.returncode == 0 and result.stderr == "", result.stderr
    text = data.decode()
    for field in (
        "Project-Id-Version",
        "PO-Revision-Date",
        "Last-Translator",
        "Language-Team",
        "Language: de",
        "MIME-Version: 1.0",
        "Content-Transfer-Encoding: 8bit",
        "Content-Type: text/plain; charset=UTF-8",
        "Plural-Forms: nplurals=2",
    ):
        assert field in text
    assert '#, fuzzy\nmsgid "Fatigue"' in text


@needs_msgfmt
def test_duplicate_msgid_and_msgctxt_are_merged_keeping_the_best(tmp_path: Path) -> None:
    units = [
        _pair("Dose", "Dosis (alt)", status=Status.TRANSLATED),
        _pair("Dose", "Dosis", status=Status.REVIEWED),
        _pair("Dose", "Strahlendosis", context_key="radiotherapy"),
        _pair(
            "Dose",
            "Dosis (neuer, aber Entwurf)",
            status=Status.DRAFT,
            changed_at=datetime(2030, 1, 1, tzinfo=UTC),
        ),
    ]
    data = _write(units)
    assert _msgfmt_check(tmp_path, data).returncode == 0
    back = list(read_po(io.BytesIO(data)))
    assert [(u.context_key, u.variants[1].text) for u in back] == [
        (None, "Dosis"),
        ("radiotherapy", "Strahlendosis"),
    ]


def test_same_status_duplicates_keep_the_latest_change() -> None:
    units = [
        _pair("Dose", "alt", changed_at=datetime(2020, 1, 1, tzinfo=UTC)),
        _pair("Dose", "neu", changed_at=datetime(2024, 1, 1, tzinfo=UTC)),
    ]
    (back,) = read_po(io.BytesIO(_write(units)))
    assert back.variants[1].text == "neu"


@needs_msgfmt
@pytest.mark.parametrize(
    ("src", "tgt", "flag"),
    [
        ("one line\n", "eine Zeile", None),
        ("\nleading", "führend", None),
        ("%d tablets", "%s Tabletten", "c-format"),
        ("%(n)d days", "Tage", "python-format"),
        ("{count} weeks", "{anzahl} Wochen", "python-brace-format"),
    ],
    ids=["trailing-newline", "leading-newline", "c-format", "python-format", "brace-format"],
)
def test_entries_msgfmt_would_reject_are_written_fuzzy(
    tmp_path: Path, src: str, tgt: str, flag: str | None
) -> None:
    props = [("x-po-flag", flag)] if flag else []
    data = _write([_pair(src, tgt, props=props)])
    result = _msgfmt_check(tmp_path, data)
    assert result.returncode == 0, result.stderr
    (back,) = read_po(io.BytesIO(data))
    assert back.status is Status.DRAFT
    assert back.variants[1].text == tgt  # the text is kept, only flagged


@needs_msgfmt
def test_matching_format_strings_stay_translated(tmp_path: Path) -> None:
    data = _write([_pair("%d tablets of %s", "%d Tabletten %s", props=[("x-po-flag", "c-format")])])
    assert _msgfmt_check(tmp_path, data).returncode == 0
    (back,) = read_po(io.BytesIO(data))
    assert back.status is Status.TRANSLATED


def test_units_lacking_a_language_or_text_are_not_written() -> None:
    units = [
        _pair("a", "b", lang="fr"),
        _pair("", "leer"),
        _pair("empty target", ""),
        _pair("ok", "gut"),
    ]
    buf = io.BytesIO()
    assert write_po(buf, units, source_lang="en", target_lang="de") == 1


def test_inline_codes_are_written_as_native_text() -> None:
    codes = (InlineCode("open", "1", "bpt", "<b>"), InlineCode("close", "1", "ept", "</b>"))
    unit = Unit(
        [
            Variant("en", f"{code_char(0)}Bold{code_char(1)}", codes),
            Variant("de", f"{code_char(0)}Fett{code_char(1)}", codes),
        ]
    )
    (back,) = read_po(io.BytesIO(_write([unit])))
    assert back.variants[1].text == "<b>Fett</b>"


@needs_msgfmt
@pytest.mark.parametrize("lang", sorted(PLURAL_FORMS), ids=str)
def test_every_plural_rule_compiles(tmp_path: Path, lang: str) -> None:
    from tm.formats.plurals import nplurals, plural_forms

    n = nplurals(plural_forms(lang)) or 2
    units = [
        _pair(
            "one day",
            "form 0",
            lang=lang,
            props=[("x-po-plural", "0"), ("x-po-msgid-plural", "days")],
        ),
        *(
            _pair(
                "days",
                f"form {k}",
                lang=lang,
                props=[("x-po-plural", str(k)), ("x-po-msgid", "one day")],
            )
            for k in range(1, n)
        ),
    ]
    data = _write(units, target_lang=lang)
    result = _msgfmt_check(tmp_path, data)
    assert result.returncode == 0, result.stderr
    assert "fuzzy" not in data.decode()

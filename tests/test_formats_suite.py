"""The generic format suite: every format inherits it (round trip, empty, Unicode, broken).

One base class, subclassed per format, the way translate-toolkit tests its stores: a
new format gets the whole battery by declaring its samples. Each subclass says which
Unit fields its format keeps (`kept`), so a round trip compares exactly those.
"""

from __future__ import annotations

import dataclasses
import io
import itertools
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, ClassVar

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tm.errors import FormatError
from tm.formats import detect_format, read_units, write_units
from tm.models import InlineCode, Status, Unit, Variant, code_char

# Text any of our formats can carry: no C0 controls but tab/newline, no surrogates, no
# private-use characters (those stand for inline codes).
_CHARS = st.characters(
    blacklist_categories=("Cs", "Co", "Cc"),
    blacklist_characters="\ufffe\uffff",
) | st.sampled_from("\t\n")
TEXT = st.text(_CHARS, min_size=1, max_size=40)


def _unit(src: str, tgt: str, **fields: Any) -> Unit:
    return Unit(variants=[Variant("en", src), Variant("de", tgt)], source_lang="en", **fields)


class FormatSuite:
    """Base suite; a subclass names its format and declares its samples."""

    format: ClassVar[str]  # name for write_units
    detected: ClassVar[str]  # what detect_format says about the written file
    suffix: ClassVar[str]
    empty: ClassVar[bytes]  # a file of this format holding no units
    broken: ClassVar[bytes]  # a file with an error ...
    broken_line: ClassVar[int]  # ... on this line
    statuses: ClassVar[tuple[Status, ...]] = tuple(Status)

    def kept(self, unit: Unit) -> tuple[Any, ...]:
        """The fields this format preserves, for comparing round trips."""
        return (
            [(v.lang, v.text, v.codes) for v in unit.variants],
            unit.source_lang,
            unit.context_key,
            unit.document,
            unit.status,
            unit.note,
        )

    def write_bytes(self, units: list[Unit]) -> bytes:
        buf = io.BytesIO()
        write_units(
            buf, units, format=self.format, source_lang="en", target_lang="de", langs=["en", "de"]
        )
        return buf.getvalue()

    def read_file(self, tmp_path: Path, data: bytes, name: str = "sample") -> list[Unit]:
        path = tmp_path / f"{name}{self.suffix}"
        path.write_bytes(data)
        return list(read_units(path, format=None, source_lang="en", target_lang="de"))

    def sample_units(self) -> list[Unit]:
        return [
            _unit(
                "The tumour has shrunk.",
                "Der Tumor ist geschrumpft.",
                context_key="report/1",
                document="report.txt",
                status=Status.REVIEWED,
                note="checked by the oncologist",
                unit_id="r1",
            ),
            _unit(
                "Take one tablet daily.",
                "Nehmen Sie täglich eine Tablette.",
                status=Status.DRAFT,
                unit_id="r2",
            ),
        ]

    def test_round_trip_keeps_what_the_format_holds(self, tmp_path: Path) -> None:
        units = self.sample_units()
        back = self.read_file(tmp_path, self.write_bytes(units))
        assert [self.kept(u) for u in back] == [self.kept(u) for u in units]

    def test_written_file_is_detected_as_its_format(self, tmp_path: Path) -> None:
        path = tmp_path / "export.bin"  # a misleading name: detection reads the content
        path.write_bytes(self.write_bytes(self.sample_units()))
        assert detect_format(path) == self.detected

    def test_empty_file_has_no_units(self, tmp_path: Path) -> None:
        assert self.read_file(tmp_path, self.empty) == []

    def test_writing_no_units_reads_back_as_no_units(self, tmp_path: Path) -> None:
        assert self.read_file(tmp_path, self.write_bytes([])) == []

    @pytest.mark.parametrize(
        ("src", "tgt"),
        [
            ("breast cancer", "乳腺癌"),
            ("chemotherapy", "العلاج الكيميائي"),
            ("ribbon 🎗️ and 👩🏽‍⚕️", "Schleife 🎗️ und 👩🏽‍⚕️"),
            ("  leading and trailing spaces  ", "\tTab\tgetrennt\t"),
        ],
        ids=["chinese", "arabic", "emoji", "whitespace"],
    )
    def test_unicode_survives(self, tmp_path: Path, src: str, tgt: str) -> None:
        units = [_unit(src, tgt)]
        back = self.read_file(tmp_path, self.write_bytes(units))
        assert [(v.lang, v.text) for v in back[0].variants] == [("en", src), ("de", tgt)]

    def test_broken_file_names_file_and_line(self, tmp_path: Path) -> None:
        with pytest.raises(FormatError) as info:
            self.read_file(tmp_path, self.broken, name="broken")
        assert info.value.path is not None and info.value.path.endswith(f"broken{self.suffix}")
        assert info.value.line == self.broken_line
        assert f"broken{self.suffix}:{self.broken_line}" in str(info.value)

    def test_every_status_it_can_carry_survives(self, tmp_path: Path) -> None:
        units = [_unit(f"text {s.value}", f"Text {s.value}", status=s) for s in self.statuses]
        back = self.read_file(tmp_path, self.write_bytes(units))
        assert [u.status for u in back] == list(self.statuses)

    # Inherited by every format class on purpose, hence "differing executors".
    @settings(
        max_examples=40,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.differing_executors],
    )
    @given(data=st.data())
    def test_property_round_trip(self, data: st.DataObject) -> None:
        units = data.draw(st.lists(self.unit_strategy(), max_size=5))
        buf = io.BytesIO(self.write_bytes(units))
        back = list(self.read_stream(buf))
        assert [self.kept(u) for u in back] == [self.kept(u) for u in self.expected(units)]

    # hooks for the property test ---------------------------------------------------

    def unit_strategy(self) -> st.SearchStrategy[Unit]:
        return st.builds(
            _unit,
            TEXT,
            TEXT,
            context_key=st.none() | TEXT,
            document=st.none() | TEXT,
            status=st.sampled_from(self.statuses),
            note=st.none() | TEXT,
        )

    def expected(self, units: list[Unit]) -> list[Unit]:
        return units

    def read_stream(self, buf: io.BytesIO) -> list[Unit]:
        raise NotImplementedError


class TestTmxFormat(FormatSuite):
    format = detected = "tmx"
    suffix = ".tmx"
    empty = (
        b'<?xml version="1.0"?>\n<tmx version="1.4"><header srclang="en" adminlang="en" '
        b'creationtool="t" creationtoolversion="1" segtype="sentence" o-tmf="t" '
        b'datatype="plaintext"/><body/></tmx>'
    )
    broken = b'<?xml version="1.0"?>\n<tmx version="1.4">\n<header srclang="en"/>\n<body>\n<tu>\n'
    broken_line = 6

    def kept(self, unit: Unit) -> tuple[Any, ...]:
        # TMX keeps everything: compare whole units (codes, dates, props, neighbours).
        return (dataclasses.replace(unit, line=None),)

    def sample_units(self) -> list[Unit]:
        units = super().sample_units()
        units[0].created_at = datetime(2024, 5, 6, 7, 8, 9, tzinfo=UTC)
        units[0].changed_by = "reviewer"
        return units

    def read_stream(self, buf: io.BytesIO) -> list[Unit]:
        from tm.formats import read_tmx

        return list(read_tmx(buf))

    def unit_strategy(self) -> st.SearchStrategy[Unit]:
        return tmx_units()


_DATES = st.none() | st.datetimes(
    min_value=datetime(1990, 1, 1), max_value=datetime(2100, 1, 1), timezones=st.just(UTC)
).map(lambda d: d.replace(microsecond=0))
_PROPS = st.lists(st.tuples(st.sampled_from(["x-client", "x-domain", "project"]), TEXT), max_size=2)
_IDS = st.none() | TEXT


@st.composite
def tmx_segment(draw: st.DrawFn) -> tuple[str, tuple[InlineCode, ...]]:
    """Text with TMX-native codes: placeholders and complete bpt/ept pairs."""
    parts: list[str] = []
    codes: list[InlineCode] = []
    pairs = 0
    open_pairs: list[str] = []
    for _ in range(draw(st.integers(0, 5))):
        parts.append(draw(st.text(_CHARS, max_size=8)))
        choice = draw(st.sampled_from(["ph", "bpt", "ept"]))
        data = draw(st.sampled_from(["", "<b>", "</b>", "%s", "{0}"]))
        if choice == "ph":
            x = draw(st.sampled_from(["", "7"]))
            codes.append(InlineCode("standalone", x, "ph", data, (("x", x),) if x else ()))
        elif choice == "bpt":
            pairs += 1
            open_pairs.append(str(pairs))
            codes.append(InlineCode("open", str(pairs), "bpt", data, (("type", "bold"),)))
        elif open_pairs:
            codes.append(InlineCode("close", open_pairs.pop(), "ept", data))
        else:
            continue
        parts.append(code_char(len(codes) - 1))
    for i in reversed(open_pairs):
        parts.append(code_char(len(codes)))
        codes.append(InlineCode("close", i, "ept", ""))
    parts.append(draw(st.text(_CHARS, max_size=8)))
    return "".join(parts), tuple(codes)


@st.composite
def tmx_units(draw: st.DrawFn) -> Unit:
    langs = draw(
        st.lists(
            st.sampled_from(["en", "de", "zh-Hans", "ar", "fr-CA"]),
            min_size=1,
            max_size=3,
            unique=True,
        )
    )
    variants = []
    for lang in langs:
        text, codes = draw(tmx_segment())
        variants.append(
            Variant(
                lang,
                text,
                codes,
                created_at=draw(_DATES),
                created_by=draw(_IDS),
                changed_at=draw(_DATES),
                changed_by=draw(_IDS),
                props=draw(_PROPS),
                notes=draw(st.lists(TEXT, max_size=2)),
                prev_text=draw(st.none() | TEXT),
                next_text=draw(st.none() | TEXT),
            )
        )
    return Unit(
        variants=variants,
        source_lang=draw(st.none() | st.sampled_from(langs)),
        unit_id=draw(_IDS),
        context_key=draw(st.none() | TEXT),
        document=draw(st.none() | TEXT),
        status=draw(st.sampled_from(list(Status))),
        usage_count=draw(st.integers(0, 1000)),
        created_at=draw(_DATES),
        created_by=draw(_IDS),
        changed_at=draw(_DATES),
        changed_by=draw(_IDS),
        note=draw(st.none() | TEXT),
        props=draw(_PROPS),
    )


class TestPoFormat(FormatSuite):
    format = detected = "po"
    suffix = ".po"
    empty = (
        b'msgid ""\nmsgstr ""\n"Language: de\\n"\n"Content-Type: text/plain; charset=UTF-8\\n"\n'
    )
    broken = b'msgid ""\nmsgstr ""\n"Language: de\\n"\n\nmsgid "a"\nmsgstr "b"\nnonsense\n'
    broken_line = 7
    # PO tells fuzzy from not: drafts stay drafts, the rest reads back as translated.
    statuses = (Status.DRAFT, Status.TRANSLATED)

    def kept(self, unit: Unit) -> tuple[Any, ...]:
        return (
            [(v.lang, v.text) for v in unit.variants],
            unit.context_key,
            unit.status,
            unit.note,
        )

    def sample_units(self) -> list[Unit]:
        units = super().sample_units()
        units[0].status = Status.TRANSLATED
        return units

    def unit_strategy(self) -> st.SearchStrategy[Unit]:
        # msgfmt wants msgid and msgstr to agree on leading/trailing newlines, and polib
        # strips comment lines, so notes are single stripped lines.
        text = TEXT.filter(lambda s: not s.startswith("\n") and not s.endswith("\n"))
        note = st.text(_CHARS.filter(lambda c: c not in "\n\r"), min_size=1, max_size=20)
        return st.builds(
            _unit,
            text,
            text,
            context_key=st.none() | TEXT,
            status=st.sampled_from(self.statuses),
            note=st.none() | note.map(str.strip).filter(bool),
        )

    def expected(self, units: list[Unit]) -> list[Unit]:
        # One entry per msgctxt+msgid: the first of equals is kept, a draft loses to a
        # translation (the writer's documented merge).
        best: dict[tuple[str | None, str], Unit] = {}
        for unit in units:
            key = (unit.context_key, unit.variants[0].text)
            if key not in best or unit.status.rank > best[key].status.rank:
                best[key] = unit
        order = {id(u): i for i, u in enumerate(units)}
        first: dict[tuple[str | None, str], int] = {}
        for unit in units:
            first.setdefault((unit.context_key, unit.variants[0].text), order[id(unit)])
        return sorted(best.values(), key=lambda u: first[(u.context_key, u.variants[0].text)])

    def read_stream(self, buf: io.BytesIO) -> list[Unit]:
        from tm.formats import read_po

        return list(read_po(buf))


class _XliffSuite(FormatSuite):
    detected = "xliff"
    suffix = ".xlf"
    broken = (
        b'<?xml version="1.0"?>\n<xliff version="1.2" '
        b'xmlns="urn:oasis:names:tc:xliff:document:1.2">\n<file original="a" '
        b'source-language="en" target-language="de" datatype="plaintext"><body>\n'
        b'<trans-unit id="1"><source>a</source>\n<target>b</target></trans-unit>\n'
        b"</body>\n</xliff>\n"
    )
    broken_line = 7

    def kept(self, unit: Unit) -> tuple[Any, ...]:
        return (*super().kept(unit), unit.unit_id)

    def read_stream(self, buf: io.BytesIO) -> list[Unit]:
        from tm.formats import read_xliff

        return list(read_xliff(buf))

    def expected(self, units: list[Unit]) -> list[Unit]:
        # Units without an id get one (1, 2 ... per <file>, one file per document run):
        # XLIFF requires an id.
        out = []
        for _document, run in itertools.groupby(units, key=lambda u: u.document):
            used: set[str] = set()
            counter = itertools.count(1)
            for unit in run:
                copy = dataclasses.replace(unit)
                while copy.unit_id is None or copy.unit_id in used:
                    copy.unit_id = str(next(counter))
                used.add(copy.unit_id)
                out.append(copy)
        return out


class TestXliff12Format(_XliffSuite):
    format = "xliff12"
    empty = (
        b'<?xml version="1.0"?>\n<xliff version="1.2" '
        b'xmlns="urn:oasis:names:tc:xliff:document:1.2"><file original="a" '
        b'source-language="en" target-language="de" datatype="plaintext"><body/></file></xliff>'
    )


class TestXliff2Format(_XliffSuite):
    format = "xliff2"
    empty = (
        b'<?xml version="1.0"?>\n<xliff version="2.0" '
        b'xmlns="urn:oasis:names:tc:xliff:document:2.0" srcLang="en" trgLang="de">'
        b'<file id="f1"><unit id="u1"><segment><source>untranslated</source></segment>'
        b"</unit></file></xliff>"
    )


class TestCsvFormat(FormatSuite):
    format = detected = "csv"
    suffix = ".csv"
    empty = b""
    broken = b"en,de\nfever,Fieber\nnausea,Ubelkeit,extra\n"
    broken_line = 3

    def kept(self, unit: Unit) -> tuple[Any, ...]:
        return (*super().kept(unit), unit.unit_id)

    def read_stream(self, buf: io.BytesIO) -> list[Unit]:
        from tm.formats import read_csv

        return list(read_csv(buf))


class TestTsvFormat(TestCsvFormat):
    format = detected = "tsv"
    suffix = ".tsv"
    broken = b"en\tde\nfever\tFieber\nnausea\tUbelkeit\textra\n"

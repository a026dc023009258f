"""Glossary formats: TOML, TBX v3, TBX 2008 (MARTIF) and CSV round trips and readers.

One generic suite (`FormatSuite`) runs for every format; what a format cannot carry is
declared in `lossy` and left out of the comparison.
"""

from __future__ import annotations

import io
from dataclasses import replace
from pathlib import Path
from typing import ClassVar

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from tm.errors import FormatError, UnsafeXMLError
from tm.glossary import Glossary, load_glossary
from tm.glossary.csv_io import read_glossary_csv, write_glossary_csv
from tm.glossary.model import languages_in_order
from tm.glossary.tbx_io import TBX3_NS, read_tbx, write_tbx
from tm.glossary.toml_io import format_glossary, parse_glossary_toml
from tm.models import Concept, Term, TermStatus

DATA = Path(__file__).parent / "data"
GLOSSARY_DATA = DATA / "glossary"
MINI = GLOSSARY_DATA / "mini.toml"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def comparable(glossary: Glossary, lossy: frozenset[str]) -> list[dict[str, object]]:
    """The content a round trip must keep, minus what the format cannot carry."""
    out = []
    for c in glossary.concepts:
        concept: dict[str, object] = {
            "id": c.id,
            "subject": c.subject,
            "source": c.source,
            "definitions": dict(c.definitions),
        }
        if "notes" not in lossy:
            concept["notes"] = dict(c.notes)
        if "nested" not in lossy:
            concept["nested"] = c.nested
        terms = []
        for t in c.terms:
            term: dict[str, object] = {
                "text": t.text,
                "lang": t.lang,
                "status": t.status,
                "pos": t.part_of_speech,
                "note": t.note,
            }
            if "extras" not in lossy:
                term |= {
                    "case": t.case_sensitive,
                    "dnt": t.do_not_translate,
                    "inflect": t.inflect,
                    "usage": t.usage_note,
                    "variants": list(t.variants),
                }
            terms.append(term)
        concept["terms"] = terms
        out.append(concept)
    return out


class FormatSuite:
    """Every glossary format: round trip, all statuses, broken input."""

    lossy: ClassVar[frozenset[str]] = frozenset()

    def write(self, glossary: Glossary) -> bytes:
        raise NotImplementedError

    def read(self, data: bytes) -> Glossary:
        raise NotImplementedError

    broken: ClassVar[bytes] = b""

    def test_round_trip_keeps_every_term_and_status(self) -> None:
        original = load_glossary(MINI)
        again = self.read(self.write(original))
        assert comparable(again, self.lossy) == comparable(original, self.lossy)

    def test_every_status_survives(self) -> None:
        concept = Concept(
            "statuses",
            terms=[Term(f"term {s.value}", "en", status=s) for s in TermStatus],
        )
        again = self.read(self.write(Glossary("g", [concept], languages=["en"])))
        assert [(t.text, t.status) for t in again.concepts[0].terms] == [
            (f"term {s.value}", s) for s in TermStatus
        ]

    def test_broken_input_is_a_format_error(self) -> None:
        with pytest.raises(FormatError):
            self.read(self.broken)


class TestToml(FormatSuite):
    broken = b'[[concept]]\nid = "x"\nterms.en = ["unclosed"\n'

    def write(self, glossary: Glossary) -> bytes:
        return format_glossary(glossary).encode()

    def read(self, data: bytes) -> Glossary:
        glossary, findings = parse_glossary_toml(data.decode())
        errors = [f for f in findings if f.severity == "error"]
        if errors:
            raise FormatError(errors[0].message)
        return glossary


class TestTbxV3(FormatSuite):
    broken = b"<tbx xmlns='urn:iso:std:iso:30042:ed-2'><text><body><conceptEntry id='a'>"

    def write(self, glossary: Glossary) -> bytes:
        out = io.BytesIO()
        write_tbx(out, glossary, version="v3")
        return out.getvalue()

    def read(self, data: bytes) -> Glossary:
        return read_tbx(io.BytesIO(data))


class TestTbx2008(TestTbxV3):
    broken = b"<martif type='TBX-Basic' xml:lang='en'><text><body><termEntry>"

    def write(self, glossary: Glossary) -> bytes:
        out = io.BytesIO()
        write_tbx(out, glossary, version="2008")
        return out.getvalue()


class TestCsv(FormatSuite):
    lossy = frozenset({"notes", "nested", "extras"})
    broken = b"concept_id,not a language!\nx,y\n"

    def write(self, glossary: Glossary) -> bytes:
        out = io.StringIO()
        write_glossary_csv(out, glossary)
        return out.getvalue().encode()

    def read(self, data: bytes) -> Glossary:
        return read_glossary_csv(io.StringIO(data.decode()))


# --- property: any glossary survives every lossless format ----------------------------

_text = st.text(
    alphabet=st.characters(
        whitelist_categories=("L", "N", "Zs", "P"), blacklist_characters="\u2028\u2029\u00a0"
    ),
    min_size=1,
    max_size=20,
).map(lambda s: " ".join(s.split()))
_terms = st.lists(
    st.builds(
        Term,
        text=_text.filter(bool),
        lang=st.sampled_from(["en", "es", "de", "zh-Hans", "pt-BR"]),
        status=st.sampled_from(list(TermStatus)),
        case_sensitive=st.booleans(),
        do_not_translate=st.booleans(),
        note=st.none() | _text.filter(bool),
    ),
    min_size=1,
    max_size=6,
)
_concepts = st.lists(
    st.builds(
        Concept,
        id=st.from_regex(r"[a-z][a-z0-9-]{0,12}", fullmatch=True),
        subject=st.none() | st.sampled_from(["breast-cancer", "treatment/surgery"]),
        terms=_terms,
    ),
    min_size=1,
    max_size=5,
    unique_by=lambda c: c.id,
)


def _grouped(glossary: Glossary) -> Glossary:
    """Terms grouped by language, as every writer emits them."""
    langs = languages_in_order(glossary.concepts, glossary.languages)
    concepts = []
    for c in glossary.concepts:
        concepts.append(replace(c, terms=[t for lg in langs for t in c.terms if t.lang == lg]))
    return replace(glossary, concepts=concepts)


@pytest.mark.parametrize(
    "suite", [TestToml(), TestTbxV3(), TestTbx2008()], ids=["toml", "tbx3", "tbx2008"]
)
@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(concepts=_concepts)
def test_any_glossary_round_trips(suite: FormatSuite, concepts: list[Concept]) -> None:
    glossary = _grouped(Glossary("prop", concepts))
    again = suite.read(suite.write(glossary))
    assert comparable(again, frozenset()) == comparable(glossary, frozenset())


# --- TBX specifics --------------------------------------------------------------------


def test_martif_output_validates_against_the_tbx_2008_schema() -> None:
    schema = etree.XMLSchema(etree.parse(str(DATA / "schemas" / "tbx.xsd")))
    doc = etree.fromstring(TestTbx2008().write(load_glossary(MINI)))
    assert schema.validate(doc), schema.error_log


def test_tbx_v3_structure_is_tbx_basic() -> None:
    root = etree.fromstring(TestTbxV3().write(load_glossary(MINI)))
    ns = {"t": TBX3_NS}
    assert root.tag == f"{{{TBX3_NS}}}tbx"
    assert (root.get("type"), root.get("style")) == ("TBX-Basic", "dca")
    entries = root.findall(".//t:conceptEntry", ns)
    assert len(entries) == 18
    for section in root.iterfind(".//t:langSec", ns):
        assert section.get(XML_LANG)
        assert section.findall("t:termSec/t:term", ns)
    statuses = {el.text for el in root.iterfind(".//t:termNote[@type='administrativeStatus']", ns)}
    assert statuses <= {
        "preferredTerm-admn-sts",
        "admittedTerm-admn-sts",
        "deprecatedTerm-admn-sts",
    }


def test_forbidden_is_written_as_deprecated_plus_marker() -> None:
    root = etree.fromstring(TestTbxV3().write(load_glossary(MINI)))
    [term] = root.xpath("//*[local-name()='term'][.='mosaic']")
    notes = {n.get("type"): n.text for n in term.getparent() if n.get("type")}
    assert notes["administrativeStatus"] == "deprecatedTerm-admn-sts"
    assert notes["x-status"] == "forbidden"


def test_reads_third_party_martif() -> None:
    with (GLOSSARY_DATA / "third-party-2008.tbx").open("rb") as fileobj:
        glossary = read_tbx(fileobj)
    assert glossary.name == "Client oncology terms"
    first, second = glossary.concepts
    assert (first.id, first.subject, first.source) == ("c1001", "breast cancer", "NCI dictionary")
    assert first.definitions == {"en-US": "Removal of the whole breast."}
    assert [(t.text, t.lang, t.status, t.part_of_speech) for t in first.terms] == [
        ("mastectomy", "en-US", TermStatus.PREFERRED, "noun"),  # ntig + normativeAuthorization
        ("mammectomy", "en-US", TermStatus.DEPRECATED, None),  # supersededTerm
        ("Mastektomie", "de-DE", TermStatus.ADMITTED, None),
    ]
    assert first.terms[1].note == "Old usage."
    assert second.id == "c2002"  # an XML ID must start with a letter; ours too
    assert second.terms[0].status is TermStatus.PREFERRED


def test_reads_tbx_v3_dct_style() -> None:
    glossary = load_glossary(GLOSSARY_DATA / "dct-v3.tbx")
    [concept] = glossary.concepts
    assert glossary.name == "dct-v3"
    assert concept.subject == "endocrine therapy"
    assert concept.definitions == {"en": "A selective oestrogen receptor modulator."}
    assert [(t.text, t.status, t.part_of_speech) for t in concept.terms] == [
        ("tamoxifen", TermStatus.PREFERRED, "noun"),
        ("TAM", TermStatus.DEPRECATED, None),
    ]


def test_entity_declarations_are_refused() -> None:
    with pytest.raises(UnsafeXMLError), (GLOSSARY_DATA / "entity-bomb.tbx").open("rb") as fileobj:
        read_tbx(fileobj)


def test_unknown_administrative_status_names_the_line() -> None:
    data = (
        b"<martif xml:lang='en'><text><body><termEntry id='a'><langSet xml:lang='en'><tig>\n"
        b"<term>x</term>\n<termNote type='administrativeStatus'>bogus</termNote>"
        b"</tig></langSet></termEntry></body></text></martif>"
    )
    with pytest.raises(FormatError) as err:
        read_tbx(io.BytesIO(data), path="x.tbx")
    assert err.value.line == 3


# --- CSV specifics --------------------------------------------------------------------


def test_csv_reads_memoq_style_semicolon_file_without_ids() -> None:
    glossary = load_glossary(GLOSSARY_DATA / "memoq-semicolon.csv")
    assert [c.id for c in glossary.concepts] == ["lymph-node", "mosaic"]
    node, mosaic = glossary.concepts
    assert [(t.lang, t.text, t.status) for t in node.terms] == [
        ("en", "lymph node", TermStatus.PREFERRED),
        ("de", "Lymphknoten", TermStatus.PREFERRED),
    ]
    assert node.definitions == {"de": "Teil des Lymphsystems"}
    assert mosaic.terms[0].status is TermStatus.FORBIDDEN


def test_csv_several_terms_of_a_language_continue_on_rows_with_the_same_id() -> None:
    text = TestCsv().write(load_glossary(MINI)).decode()
    rows = [line.split(",")[0] for line in text.splitlines()]
    assert rows.count("tamoxifen") == 2  # tamoxifen + forbidden mosaic
    assert rows.count("lymph-node") == 1


def test_csv_unknown_status_names_the_line() -> None:
    with pytest.raises(FormatError) as err:
        read_glossary_csv(io.StringIO("en,en_status\nfoo,\nbar,banned\n"), path="g.csv")
    assert (err.value.line, err.value.path) == (3, "g.csv")

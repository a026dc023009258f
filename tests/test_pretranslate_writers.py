"""Bilingual writers: XLIFF 2.1 (with its matches and glossary modules), XLIFF 1.2 and PO.

Built from hand-made records, so the file layout is tested without a database; each
output is validated by the official schema (XLIFF) or `msgfmt -c` (PO) and read back by
translate-toolkit, the library most open-source CAT tools stand on.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import polib
import pytest
from lxml import etree

from tm.models import InlineCode, code_char
from tm.pretranslate.model import (
    BilingualFile,
    GlossaryEntry,
    MatchInfo,
    PretranslatedSegment,
    SegmentState,
)
from tm.pretranslate.po_out import HEADER_SKELETON, decode_skeleton, write_po
from tm.pretranslate.xliff2_out import GLS, MDA, MTC, XLF, write_xliff2
from tm.pretranslate.xliff12_out import write_xliff12

SCHEMAS = Path(__file__).parent / "data" / "schemas"
X12 = "urn:oasis:names:tc:xliff:document:1.2"

B = InlineCode("open", "1", "pc", "<b>")
E = InlineCode("close", "1", "pc", "</b>")
PH = InlineCode("standalone", "2", "ph", "{dose}")


def _job() -> BilingualFile:
    o, c = code_char(0), code_char(1)
    exact = MatchInfo(
        100,
        "exact",
        "Breast cancer relapse.",
        "Recaída del cáncer de mama.",
        memory="oncology",
        origin_file="sample.tmx",
        status="corrected",
        unit_id="17",
    )
    fuzzy = MatchInfo(
        87,
        "fuzzy",
        f"Symptoms of {o}bone{c} metastases.",
        f"Síntomas de {o}metástasis óseas{c}.",
        source_codes=(B, E),
        target_codes=(B, E),
        memory="oncology",
        penalties=["tags -1"],
    )
    in_context = MatchInfo(
        101,
        "in-context",
        "Be aware of the signs.",
        "Preste atención a los signos.",
        memory="oncology",
    )
    segs = [
        PretranslatedSegment(
            "1",
            "Breast cancer relapse.",
            line=1,
            next_text=f"Symptoms of {o}brain{c} metastases.",
            target=exact.target_text,
            state=SegmentState.FINAL_READY,
            band="100",
            applied=exact,
            candidates=[exact],
            words=3,
            characters=20,
        ),
        PretranslatedSegment(
            "2",
            f"Symptoms of {o}brain{c} metastases.",
            source_codes=(B, E),
            line=2,
            prev_text="Breast cancer relapse.",
            target=fuzzy.target_text,
            target_codes=(B, E),
            state=SegmentState.REVIEW,
            band="85-94",
            applied=fuzzy,
            candidates=[fuzzy],
            glossary=[
                GlossaryEntry(
                    "metastasis",
                    "metastasis",
                    "metastases",
                    25,
                    35,
                    ["metástasis"],
                    glossary="oncology",
                )
            ],
            words=4,
            characters=27,
        ),
        PretranslatedSegment(
            "3",
            f"Take {code_char(0)} twice a day.",
            source_codes=(PH,),
            line=3,
            words=4,
            characters=15,
        ),
        PretranslatedSegment(
            "4",
            "Be aware of the signs.",
            line=4,
            target=in_context.target_text,
            state=SegmentState.FINAL_READY,
            band="in-context",
            applied=in_context,
            candidates=[in_context],
            words=5,
            characters=18,
        ),
        PretranslatedSegment(
            "5",
            "Breast cancer relapse.",
            line=5,
            target=exact.target_text,
            state=SegmentState.FINAL_READY,
            band="repetitions",
            applied=exact,
            candidates=[exact],
            repetition_of="1",
            words=3,
            characters=20,
        ),
        PretranslatedSegment(
            "6",
            "Ask your doctor.",
            line=6,
            target="Ask your doctor.",
            state=SegmentState.SOURCE_COPY,
            words=3,
            characters=14,
        ),
    ]
    skeleton = json.dumps({"format": "text", "text": "Breast cancer relapse. ..."})
    return BilingualFile("article.en.txt", "en", "es", "text", skeleton, segs, memory="oncology")


def _validate(path: Path, xsd: str) -> None:
    schema = etree.XMLSchema(etree.parse(str(SCHEMAS / xsd)))
    doc = etree.parse(str(path))
    assert schema.validate(doc), schema.error_log


@pytest.fixture
def xliff2(tmp_path: Path) -> Path:
    path = tmp_path / "job.xlf"
    with path.open("wb") as fh:
        write_xliff2(fh, [_job()])
    return path


def _q(ns: str, tag: str) -> str:
    return f"{{{ns}}}{tag}"


def test_xliff2_validates_against_the_core_schema(xliff2: Path) -> None:
    _validate(xliff2, "xliff-core-2.0.xsd")


def test_xliff2_states_follow_the_match(xliff2: Path) -> None:
    root = etree.parse(str(xliff2)).getroot()
    segments = {s.get("id"): s for s in root.iter(_q(XLF, "segment"))}
    states = {k: (s.get("state"), s.get("subState")) for k, s in segments.items()}
    assert states == {
        "s-1": ("translated", "tm:exact"),
        "s-2": ("initial", "tm:fuzzy"),
        "s-3": ("initial", "tm:no-match"),
        "s-4": ("translated", "tm:in-context"),
        "s-5": ("translated", "tm:repetition"),
        "s-6": ("initial", "tm:source-copy"),
    }
    assert segments["s-3"].find(_q(XLF, "target")) is None


def test_xliff2_matches_module_layout(xliff2: Path) -> None:
    """mtc:matches in the unit, before the core children; each match per the 2.1 module."""
    root = etree.parse(str(xliff2)).getroot()
    matches = list(root.iter(_q(MTC, "match")))
    assert len(matches) == 4  # segments 1, 2, 4 and the repetition 5
    for match in matches:
        unit = match.getparent().getparent()
        assert match.getparent().tag == _q(MTC, "matches") and unit.tag == _q(XLF, "unit")
        children = [c.tag for c in unit]
        assert children.index(_q(MTC, "matches")) < children.index(_q(XLF, "segment"))
        ref = match.get("ref")
        assert ref.startswith("#")
        assert unit.find(f"{_q(XLF, 'segment')}[@id='{ref[1:]}']") is not None
        assert match.get("type") == "tm"
        assert 0 <= float(match.get("similarity")) <= 100
        assert match.get("origin", "").startswith("oncology")
        assert match.get("subType", "").startswith("tm:")
        order = [c.tag for c in match]
        core = [
            t for t in order if t in (_q(XLF, "originalData"), _q(XLF, "source"), _q(XLF, "target"))
        ]
        assert core[-2:] == [_q(XLF, "source"), _q(XLF, "target")]
        assert order[0] == _q(MDA, "metadata")
    fuzzy = next(m for m in matches if m.get("subType") == "tm:fuzzy")
    assert fuzzy.get("similarity") == "87"
    source = fuzzy.find(_q(XLF, "source"))
    assert source[0].tag in (_q(XLF, "pc"), _q(XLF, "sc"))
    data_ids = {d.get("id") for d in fuzzy.iter(_q(XLF, "data"))}
    refs = {v for el in source.iter() for k, v in el.attrib.items() if k.startswith("dataRef")}
    assert refs and refs <= data_ids  # the match's codes point into its own originalData
    in_context = next(m for m in matches if m.get("subType") == "tm:in-context")
    assert in_context.get("similarity") == "100"  # 101 is not a similarity; the kind says it


def test_xliff2_glossary_module_layout(xliff2: Path) -> None:
    root = etree.parse(str(xliff2)).getroot()
    entries = list(root.iter(_q(GLS, "glossEntry")))
    assert len(entries) == 1
    entry = entries[0]
    assert entry.getparent().tag == _q(GLS, "glossary")
    assert entry.getparent().getparent().get("id") == "2"
    assert [c.tag for c in entry] == [_q(GLS, "term"), _q(GLS, "translation")]
    assert entry.findtext(_q(GLS, "term")) == "metastasis"
    assert entry.findtext(_q(GLS, "translation")) == "metástasis"
    assert entry.get("ref") == "#s-2"


def test_xliff2_carries_skeleton_format_and_context(xliff2: Path) -> None:
    root = etree.parse(str(xliff2)).getroot()
    file_el = root.find(_q(XLF, "file"))
    assert file_el.get("original") == "article.en.txt"
    assert json.loads(file_el.findtext(_q(XLF, "skeleton")))["format"] == "text"
    metas = {m.get("type"): m.text for m in file_el.find(_q(MDA, "metadata")).iter(_q(MDA, "meta"))}
    assert metas["original-format"] == "text"
    unit2 = file_el.find(f"{_q(XLF, 'unit')}[@id='2']")
    metas = {m.get("type"): m.text for m in unit2.find(_q(MDA, "metadata")).iter(_q(MDA, "meta"))}
    assert metas["prev-source"] == "Breast cancer relapse."
    assert metas["band"] == "85-94"


def test_xliff2_indentation_never_enters_text(tmp_path: Path) -> None:
    """Pretty-printing must not add whitespace to a source made only of inline codes."""
    job = _job()
    job.segments[2].source = code_char(0)
    path = tmp_path / "codes.xlf"
    with path.open("wb") as fh:
        write_xliff2(fh, [job])
    root = etree.parse(str(path)).getroot()
    source = root.find(f".//{_q(XLF, 'segment')}[@id='s-3']/{_q(XLF, 'source')}")
    assert source.text is None
    assert [c.tag for c in source] == [_q(XLF, "ph")]
    assert source[0].tail is None


def test_xliff2_opens_in_translate_toolkit(xliff2: Path) -> None:
    xliff2_mod = pytest.importorskip("translate.storage.xliff2")
    store = xliff2_mod.Xliff2File.parsefile(str(xliff2))
    units = {u.source: u for u in store.units}
    exact = units["Breast cancer relapse."]
    assert exact.target == "Recaída del cáncer de mama." and not exact.isfuzzy()
    fuzzy = units["Symptoms of brain metastases."]
    assert fuzzy.isfuzzy()


@pytest.fixture
def xliff12(tmp_path: Path) -> Path:
    path = tmp_path / "job12.xlf"
    with path.open("wb") as fh:
        write_xliff12(fh, [_job()])
    return path


def test_xliff12_validates_against_the_strict_schema(xliff12: Path) -> None:
    _validate(xliff12, "xliff-core-1.2-strict.xsd")


def test_xliff12_states_alt_trans_and_context(xliff12: Path) -> None:
    root = etree.parse(str(xliff12)).getroot()
    units = {u.get("id"): u for u in root.iter(f"{{{X12}}}trans-unit")}

    def target(uid: str) -> etree._Element:
        found = units[uid].find(f"{{{X12}}}target")
        assert found is not None
        return found

    assert (target("1").get("state"), target("1").get("state-qualifier")) == (
        "translated",
        "exact-match",
    )
    assert units["1"].get("approved") == "yes"
    assert (target("2").get("state"), target("2").get("state-qualifier")) == (
        "needs-review-translation",
        "fuzzy-match",
    )
    assert units["2"].get("approved") is None
    assert units["3"].find(f"{{{X12}}}target") is None
    assert target("5").get("state-qualifier") == "leveraged-inherited"
    alt = units["2"].find(f"{{{X12}}}alt-trans")
    assert alt.get("match-quality") == "87" and alt.get("origin") == "oncology"
    assert [c.tag for c in alt.find(f"{{{X12}}}source")] == [f"{{{X12}}}bpt", f"{{{X12}}}ept"]
    contexts = {c.get("context-type"): c.text for c in units["2"].iter(f"{{{X12}}}context")}
    assert contexts["x-prev-source"] == "Breast cancer relapse."
    assert contexts["sourcefile"] == "article.en.txt"
    notes = [n.text for n in units["2"].findall(f"{{{X12}}}note")]
    assert "metastasis -> metástasis [oncology]" in notes
    file_el = root.find(f"{{{X12}}}file")
    assert file_el.get("datatype") == "plaintext"
    skeleton = file_el.find(f"{{{X12}}}header/{{{X12}}}skl/{{{X12}}}internal-file").text
    assert json.loads(skeleton)["format"] == "text"


def test_xliff12_opens_in_translate_toolkit(xliff12: Path) -> None:
    factory = pytest.importorskip("translate.storage.factory")
    store = factory.getobject(str(xliff12))
    units = {u.source: u for u in store.units}
    assert not units["Breast cancer relapse."].isfuzzy()
    fuzzy = units["Symptoms of <b>brain</b> metastases."]
    assert fuzzy.isfuzzy()
    assert [a.target for a in fuzzy.getalttrans()] == ["Síntomas de <b>metástasis óseas</b>."]


@pytest.fixture
def po_path(tmp_path: Path) -> Path:
    path = tmp_path / "job.po"
    with path.open("wb") as fh:
        write_po(fh, _job())
    return path


@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="gettext msgfmt not installed")
def test_po_passes_msgfmt_check(po_path: Path, tmp_path: Path) -> None:
    result = subprocess.run(
        ["msgfmt", "-c", "-o", str(tmp_path / "job.mo"), str(po_path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr


def test_po_marks_fuzzy_with_previous_msgid_and_explains(po_path: Path) -> None:
    po = polib.pofile(str(po_path))
    by_id = {e.msgid: e for e in po}
    fuzzy = by_id["Symptoms of <b>brain</b> metastases."]
    assert fuzzy.fuzzy
    assert fuzzy.previous_msgid == "Symptoms of <b>bone</b> metastases."
    assert "87% fuzzy match (band 85-94) from oncology" in fuzzy.comment
    assert "glossary: metastasis -> metástasis" in fuzzy.comment
    exact = by_id["Breast cancer relapse."]
    assert not exact.fuzzy and exact.msgstr == "Recaída del cáncer de mama."
    assert exact.occurrences == [("article.en.txt", "1"), ("article.en.txt", "5")]
    assert by_id["Ask your doctor."].fuzzy  # copied source is never taken as translated
    assert by_id["Take {dose} twice a day."].msgstr == ""
    assert len(po) == 5  # the repetition is merged into its first occurrence


def test_po_header_carries_the_document(po_path: Path) -> None:
    po = polib.pofile(str(po_path))
    assert po.metadata["Language"] == "es"
    assert po.metadata["X-Source-Language"] == "en"
    assert po.metadata["X-TM-Format"] == "text"
    assert json.loads(decode_skeleton(po.metadata[HEADER_SKELETON]))["format"] == "text"


def test_po_opens_in_translate_toolkit(po_path: Path) -> None:
    factory = pytest.importorskip("translate.storage.factory")
    store = factory.getobject(str(po_path))
    units = {u.source: u for u in store.units if not u.isheader()}
    assert units["Symptoms of <b>brain</b> metastases."].isfuzzy()
    assert units["Breast cancer relapse."].istranslated()


def test_control_characters_in_context_never_break_the_xml(tmp_path: Path) -> None:
    job = _job()
    job.segments[1].prev_text = "Form\x0cfeed and bell\x07."
    path = tmp_path / "ctl.xlf"
    with path.open("wb") as fh:
        write_xliff2(fh, [job])
    _validate(path, "xliff-core-2.0.xsd")
    path12 = tmp_path / "ctl12.xlf"
    with path12.open("wb") as fh:
        write_xliff12(fh, [job])
    _validate(path12, "xliff-core-1.2-strict.xsd")

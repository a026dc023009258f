"""Inline codes: reading each dialect, lossless round trips, role mapping across dialects.

Every cross-dialect output is validated against the official DTD / schemas, because a
code read from one format must never make an export of another invalid.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from tm.errors import FormatError
from tm.formats.inline import (
    CHAR_KIND,
    INNER_ATTR,
    NS_XLIFF2,
    NS_XLIFF12,
    DataRefs,
    Dialect,
    IdMap,
    inline_to_xml,
    protect_text,
    read_inline,
    read_original_data,
    write_inline,
)
from tm.models import InlineCode, code_char, display_text, native_text

SCHEMAS = Path(__file__).parent / "data" / "schemas"
DIALECTS: list[Dialect] = ["tmx", "xliff12", "xliff2"]
X12 = f"{{{NS_XLIFF12}}}"
X2 = f"{{{NS_XLIFF2}}}"


# Built once: the schemas take a moment to compile and the property test runs often.
VALIDATORS: dict[str, etree.DTD | etree.XMLSchema] = {
    "tmx": etree.DTD(str(SCHEMAS / "tmx14.dtd")),
    "xliff12": etree.XMLSchema(etree.parse(str(SCHEMAS / "xliff-core-1.2-strict.xsd"))),
    "xliff2": etree.XMLSchema(etree.parse(str(SCHEMAS / "xliff-core-2.0.xsd"))),
}


def _document(dialect: Dialect, text: str, codes: tuple[InlineCode, ...]) -> etree._Element:
    """A minimal valid document of the dialect with the coded text as its one segment."""
    if dialect == "tmx":
        root = etree.Element("tmx", version="1.4")
        etree.SubElement(
            root,
            "header",
            creationtool="t",
            creationtoolversion="1",
            segtype="sentence",
            adminlang="en",
            srclang="en",
            datatype="plaintext",
            **{"o-tmf": "t"},
        )
        tuv = etree.SubElement(
            etree.SubElement(etree.SubElement(root, "body"), "tu"),
            "tuv",
            {"{http://www.w3.org/XML/1998/namespace}lang": "en"},
        )
        write_inline(etree.SubElement(tuv, "seg"), text, codes, "tmx")
        return root
    if dialect == "xliff12":
        root = etree.Element(X12 + "xliff", version="1.2", nsmap={None: NS_XLIFF12})
        file = etree.SubElement(
            root, X12 + "file", {"original": "a", "source-language": "en", "datatype": "plaintext"}
        )
        tu = etree.SubElement(etree.SubElement(file, X12 + "body"), X12 + "trans-unit", id="1")
        ids = IdMap(nmtoken=True)
        # source and target: the schema constrains codes in targets differently (mrk mid)
        write_inline(etree.SubElement(tu, X12 + "source"), text, codes, "xliff12", ids=ids)
        write_inline(etree.SubElement(tu, X12 + "target"), text, codes, "xliff12", ids=ids)
        return root
    root = etree.Element(X2 + "xliff", version="2.0", srcLang="en", nsmap={None: NS_XLIFF2})
    unit = etree.SubElement(etree.SubElement(root, X2 + "file", id="f"), X2 + "unit", id="u")
    data = DataRefs()
    ids = IdMap(nmtoken=True)
    segment = etree.SubElement(unit, X2 + "segment")
    write_inline(
        etree.SubElement(segment, X2 + "source"), text, codes, "xliff2", ids=ids, data=data
    )
    write_inline(
        etree.SubElement(segment, X2 + "target"), text, codes, "xliff2", ids=ids, data=data
    )
    original = data.element()
    if original is not None:
        unit.insert(0, original)
    return root


def _segment(root: etree._Element, dialect: Dialect) -> etree._Element:
    path = {"tmx": ".//seg", "xliff12": f".//{X12}source", "xliff2": f".//{X2}source"}
    found = root.find(path[dialect])
    assert found is not None
    return found


def _read_back(root: etree._Element, dialect: Dialect) -> tuple[str, tuple[InlineCode, ...]]:
    data = read_original_data(root.find(f".//{X2}originalData")) if dialect == "xliff2" else None
    return read_inline(_segment(root, dialect), dialect, data=data)


def _roles(text: str, codes: tuple[InlineCode, ...]) -> list[str]:
    return [codes[ord(ch) - 0xE000].role for ch in text if 0xE000 <= ord(ch) < 0xE000 + len(codes)]


TMX_SEG = (
    '<seg>Take <bpt i="1" x="1" type="bold">&lt;b&gt;</bpt>200 mg<ept i="1">&lt;/b&gt;</ept>'
    '<ph x="2">&lt;br/&gt;</ph><hi type="term">tamoxifen</hi> <it pos="end" x="3">&lt;/i&gt;'
    '</it><ph>&lt;img alt="<sub>chart</sub>"/&gt;</ph><ut>{\\b}</ut></seg>'
)


def test_tmx_codes_are_read_with_role_kind_data_and_attributes() -> None:
    text, codes = read_inline(etree.fromstring(TMX_SEG), "tmx")
    assert display_text(text, codes) == "Take {1}200 mg{/2}{3/}{4}tamoxifen{/5} {/6}{7/}{8/}"
    assert codes[0] == InlineCode("open", "1", "bpt", "<b>", (("x", "1"), ("type", "bold")))
    assert codes[1] == InlineCode("close", "1", "ept", "</b>")
    assert codes[2] == InlineCode("standalone", "2", "ph", "<br/>", (("x", "2"),))
    assert (codes[3].role, codes[3].kind, codes[4].role) == ("open", "hi", "close")
    assert codes[5] == InlineCode("close", "3", "it", "</i>", (("x", "3"),))
    # sub content stays data (flattened for matching, markup kept for the round trip)
    assert codes[6].data == '<img alt="chart"/>'
    assert dict(codes[6].attrs)[INNER_ATTR] == '&lt;img alt="<sub>chart</sub>"/&gt;'
    assert (
        native_text(text, codes) == 'Take <b>200 mg</b><br/>tamoxifen </i><img alt="chart"/>{\\b}'
    )


XLIFF12_SOURCE = (
    f'<source xmlns="{NS_XLIFF12}">A <g id="1" ctype="bold">bold <x id="2"/> text</g> '
    '<bx id="3" rid="r"/>x<ex id="4" rid="r"/> <bpt id="5">&lt;a&gt;</bpt>link'
    '<ept id="5">&lt;/a&gt;</ept> <mrk mtype="term">term</mrk> <ph id="6">%s</ph> '
    '<it id="7" pos="open">&lt;u&gt;</it></source>'
)
XLIFF2_UNIT = (
    f'<unit xmlns="{NS_XLIFF2}" id="u"><originalData><data id="d1">&lt;b&gt;</data>'
    '<data id="d2">&lt;/b&gt;</data><data id="d3">&lt;br/&gt;</data></originalData>'
    '<segment><source>A <pc id="1" dataRefStart="d1" dataRefEnd="d2" type="fmt">bold '
    '<ph id="2" dataRef="d3"/></pc> <sc id="3" dataRef="d1"/>x<ec startRef="3" dataRef="d2"/> '
    '<mrk id="m1" type="term">t</mrk> <sm id="m2"/>a<em startRef="m2"/> '
    '<sc id="9" isolated="yes"/> ctl<cp hex="0002"/></source></segment></unit>'
)


def test_xliff12_codes_are_read() -> None:
    text, codes = read_inline(etree.fromstring(XLIFF12_SOURCE), "xliff12")
    assert (
        display_text(text, codes)
        == "A {1}bold {2/} text{/3} {4}x{/5} {6}link{/7} {8}term{/9} {10/} {11}"
    )
    assert [c.kind for c in codes] == [
        "g",
        "x",
        "g",
        "bx",
        "ex",
        "bpt",
        "ept",
        "mrk",
        "mrk",
        "ph",
        "it",
    ]
    assert codes[3].id == codes[4].id == "r"  # bx/ex pair through rid
    assert dict(codes[7].attrs) == {"mtype": "term"}


def test_xliff2_codes_take_native_data_from_original_data() -> None:
    unit = etree.fromstring(XLIFF2_UNIT)
    data = read_original_data(unit.find(f"{X2}originalData"))
    text, codes = read_inline(unit.find(f".//{X2}source"), "xliff2", data=data)
    assert native_text(text, codes) == "A <b>bold <br/></b> <b>x</b> t a  ctl\x02"
    assert [c.kind for c in codes] == ["pc", "ph", "pc", "sc", "ec", "mrk", "mrk", "sm", "em", "sc"]
    assert _roles(text, codes) == [
        "open",
        "standalone",
        "close",
        "open",
        "close",
        "open",
        "close",
        "open",
        "close",
        "open",
    ]


@pytest.mark.parametrize(
    ("dialect", "markup"),
    [
        ("tmx", TMX_SEG),
        ("xliff12", XLIFF12_SOURCE),
        ("xliff2", XLIFF2_UNIT),
    ],
    ids=DIALECTS,
)
def test_round_trip_within_a_dialect_is_lossless(dialect: Dialect, markup: str) -> None:
    el = etree.fromstring(markup)
    data = None
    if dialect == "xliff2":
        data = read_original_data(el.find(f"{X2}originalData"))
        el = el.find(f".//{X2}source")
    text, codes = read_inline(el, dialect, data=data)
    root = _document(dialect, text, codes)
    assert _read_back(root, dialect) == (text, codes)


@pytest.mark.parametrize("source", DIALECTS)
@pytest.mark.parametrize("target", DIALECTS)
def test_codes_from_any_dialect_write_valid_markup_in_any_other(
    source: Dialect, target: Dialect
) -> None:
    markup = {"tmx": TMX_SEG, "xliff12": XLIFF12_SOURCE, "xliff2": XLIFF2_UNIT}[source]
    el = etree.fromstring(markup)
    data = None
    if source == "xliff2":
        data = read_original_data(el.find(f"{X2}originalData"))
        el = el.find(f".//{X2}source")
    text, codes = read_inline(el, source, data=data)
    if target != "xliff2":  # XML 1.0 cannot carry U+0002 in TMX or XLIFF 1.2
        text = text.replace("\x02", "")
    root = _document(target, text, codes)
    validator = VALIDATORS[target]
    assert validator.validate(root), validator.error_log.filter_from_errors()
    back_text, back_codes = _read_back(root, target)
    assert native_text(back_text, back_codes) == native_text(text, codes)
    assert _roles(back_text, back_codes) == _roles(text, codes)


def _code(role: str, kind: str, code_id: str = "1", data: str = "") -> InlineCode:
    return InlineCode(role, code_id, kind, data)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("codes", "expected"),
    [
        # a properly nested pair without native data becomes the dialect's element pair
        (
            (_code("open", "x-foreign"), _code("close", "x-foreign")),
            {"tmx": ["bpt", "ept"], "xliff12": ["g"], "xliff2": ["pc"]},
        ),
        # with native data it needs elements that carry data
        (
            (_code("open", "x-foreign", data="<b>"), _code("close", "x-foreign", data="</b>")),
            {"tmx": ["bpt", "ept"], "xliff12": ["bpt", "ept"], "xliff2": ["pc"]},
        ),
        # an open code without its close is isolated
        ((_code("open", "x-foreign"),), {"tmx": ["it"], "xliff12": ["bx"], "xliff2": ["sc"]}),
        (
            (_code("close", "x-foreign", data="</i>"),),
            {"tmx": ["it"], "xliff12": ["it"], "xliff2": ["ec"]},
        ),
        # standalone -> placeholder
        ((_code("standalone", "x-foreign"),), {"tmx": ["ph"], "xliff12": ["x"], "xliff2": ["ph"]}),
        (
            (_code("standalone", "x-foreign", data="%s"),),
            {"tmx": ["ph"], "xliff12": ["ph"], "xliff2": ["ph"]},
        ),
    ],
    ids=[
        "nested-pair",
        "pair-with-data",
        "isolated-open",
        "isolated-close",
        "placeholder",
        "placeholder-with-data",
    ],
)
def test_roles_map_to_each_dialects_elements(
    codes: tuple[InlineCode, ...], expected: dict[str, list[str]]
) -> None:
    text = "a" + "b".join(code_char(i) for i in range(len(codes))) + "c"
    if len(codes) == 2:
        text = f"a{code_char(0)}b{code_char(1)}c"
    for dialect in DIALECTS:
        root = _document(dialect, text, codes)
        tags = [
            etree.QName(el).localname
            for el in _segment(root, dialect).iter()
            if el is not _segment(root, dialect)
        ]
        assert tags == expected[dialect], dialect


def test_crossing_pairs_are_not_forced_into_nested_elements() -> None:
    # <b>one <i>two</b> three</i>: the two pairs overlap, so they cannot both be elements.
    codes = (
        _code("open", "g", "b"),
        _code("open", "g", "i"),
        _code("close", "g", "b"),
        _code("close", "g", "i"),
    )
    text = f"{code_char(0)}one {code_char(1)}two{code_char(2)} three{code_char(3)}"
    for dialect in DIALECTS:
        root = _document(dialect, text, codes)
        assert VALIDATORS[dialect].validate(root), dialect
        back_text, back_codes = _read_back(root, dialect)
        assert _roles(back_text, back_codes) == ["open", "open", "close", "close"]
        assert display_text(back_text, back_codes).replace(" ", "") == "{1}one{2}two{/3}three{/4}"


def test_same_code_gets_the_same_id_in_source_and_target() -> None:
    codes = (_code("open", "pc", "7", "<b>"), _code("close", "pc", "7", "</b>"))
    ids = IdMap(nmtoken=True)
    data = DataRefs()
    source = etree.Element(X2 + "source")
    target = etree.Element(X2 + "target")
    write_inline(source, f"{code_char(0)}a{code_char(1)}", codes, "xliff2", ids=ids, data=data)
    write_inline(target, f"x {code_char(0)}b{code_char(1)}", codes, "xliff2", ids=ids, data=data)
    assert source[0].get("id") == target[0].get("id") == "7"
    assert source[0].get("dataRefStart") == target[0].get("dataRefStart")


def test_two_pairs_sharing_an_id_get_distinct_ids() -> None:
    codes = (_code("open", "bx", "1"), _code("close", "ex", "1"))
    text = f"{code_char(0)}a{code_char(1)} {code_char(0)}b{code_char(1)}"
    root = _document("xliff12", text, codes)
    assert VALIDATORS["xliff12"].validate(root), VALIDATORS["xliff12"].error_log
    rids = [el.get("rid") for el in _segment(root, "xliff12") if etree.QName(el).localname == "bx"]
    assert len(set(rids)) == 2


def test_literal_private_use_characters_survive_as_char_codes() -> None:
    text, codes = protect_text("icon \ue001 here")
    assert codes == (InlineCode("standalone", "", CHAR_KIND, "\ue001"),)
    assert native_text(text, codes) == "icon \ue001 here"
    for dialect in DIALECTS:
        root = _document(dialect, text, codes)
        assert _read_back(root, dialect) == (text, codes)
        assert len(_segment(root, dialect)) == 0  # written as plain text, no element


def test_control_characters_use_cp_in_xliff2_and_fail_clearly_elsewhere() -> None:
    root = _document("xliff2", "bell\x07", ())
    assert _segment(root, "xliff2")[0].get("hex") == "0007"
    assert _read_back(root, "xliff2") == ("bell\x07", ())
    with pytest.raises(FormatError, match="U\\+0007 cannot be written in TMX"):
        _document("tmx", "bell\x07", ())


def test_inline_to_xml_shows_the_markup() -> None:
    codes = (_code("open", "bpt", "1", "<b>"), _code("close", "ept", "1", "</b>"))
    xml = inline_to_xml(f"{code_char(0)}bold{code_char(1)}", codes, "tmx")
    assert xml == '<bpt i="1">&lt;b&gt;</bpt>bold<ept i="1">&lt;/b&gt;</ept>'


# --- property: any codes, any dialect: valid output, same text and roles ------------

_KINDS = [
    "bpt",
    "ept",
    "ph",
    "it",
    "hi",
    "ut",
    "g",
    "x",
    "bx",
    "ex",
    "mrk",
    "pc",
    "sc",
    "ec",
    "sm",
    "em",
    "x-other",
]
_ATTRS = [
    ("type", "bold"),
    ("type", "fmt"),
    ("ctype", "x-link"),
    ("ctype", "bad value"),
    ("mtype", "term"),
    ("x", "4"),
    ("assoc", "p"),
    ("subType", "a:b"),
    ("canCopy", "maybe"),
    ("equiv-text", "[b]"),
    ("disp", "B"),
]
_PLAIN = st.text(
    st.characters(blacklist_categories=("Cs", "Co", "Cc"), blacklist_characters="\ufffe\uffff"),
    max_size=6,
)


@st.composite
def coded_text(draw: st.DrawFn) -> tuple[str, tuple[InlineCode, ...]]:
    codes: list[InlineCode] = []
    parts: list[str] = []
    for _ in range(draw(st.integers(0, 7))):
        parts.append(draw(_PLAIN))
        role = draw(st.sampled_from(["open", "close", "standalone"]))
        code = InlineCode(
            role,  # type: ignore[arg-type]
            draw(st.sampled_from(["", "1", "2", "a b"])),
            draw(st.sampled_from(_KINDS)),
            draw(st.sampled_from(["", "<b>", "%s", "</i>"])),
            tuple(draw(st.lists(st.sampled_from(_ATTRS), max_size=3, unique_by=lambda a: a[0]))),
        )
        parts.append(code_char(len(codes)))
        codes.append(code)
    parts.append(draw(_PLAIN))
    return "".join(parts), tuple(codes)


@settings(max_examples=150, deadline=None)
@given(segment=coded_text(), dialect=st.sampled_from(DIALECTS))
def test_property_any_codes_give_valid_markup_and_read_back_the_same_text(
    segment: tuple[str, tuple[InlineCode, ...]], dialect: Dialect
) -> None:
    text, codes = segment
    root = _document(dialect, text, codes)
    validator = VALIDATORS[dialect]
    assert validator.validate(root), validator.error_log.filter_from_errors()
    back_text, back_codes = _read_back(root, dialect)
    assert native_text(back_text, back_codes) == native_text(text, codes)
    assert _roles(back_text, back_codes) == _roles(text, codes)

"""SRX 2.0 files: the shipped rules validate, user files load, cascading, header options."""

from __future__ import annotations

import io
from importlib import resources
from pathlib import Path

import pytest
from lxml import etree

from tm.errors import FormatError
from tm.models import InlineCode, code_char
from tm.segment import default_rules, load_srx, parse_srx, segment, split_sentences
from tm.srx_regex import RegexTranslationError, translate

SCHEMAS = Path(__file__).parent / "data" / "schemas"


def srx(body: str, header: str = 'segmentsubflows="yes" cascade="yes"', extra: str = "") -> bytes:
    """A small SRX 2.0 document around `body` (languagerules + maprules)."""
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<srx xmlns="http://www.lisa.org/srx20" '
        f'version="2.0"{extra}><header {header}/><body>{body}</body></srx>'
    ).encode()


SIMPLE_RULES = """
<languagerules>
  <languagerule languagerulename="Semicolon">
    <rule break="yes"><beforebreak>;</beforebreak><afterbreak>\\s</afterbreak></rule>
  </languagerule>
  <languagerule languagerulename="NoDr">
    <rule break="no"><beforebreak>\\bDr\\.</beforebreak><afterbreak>\\s</afterbreak></rule>
  </languagerule>
  <languagerule languagerulename="Stops">
    <rule break="yes"><beforebreak>\\.</beforebreak><afterbreak>\\s</afterbreak></rule>
  </languagerule>
</languagerules>
<maprules>
  <languagemap languagepattern="EN.*" languagerulename="Semicolon"/>
  <languagemap languagepattern="en.*" languagerulename="NoDr"/>
  <languagemap languagepattern=".*" languagerulename="Stops"/>
</maprules>
"""


def test_shipped_rules_validate_against_the_srx20_schema() -> None:
    schema = etree.XMLSchema(etree.parse(str(SCHEMAS / "srx20.xsd")))
    shipped = resources.files("tm").joinpath("data", "srx", "default.srx").read_bytes()
    doc = etree.fromstring(shipped)
    assert schema.validate(doc), schema.error_log


def test_shipped_rules_cover_the_languages_we_promise() -> None:
    rules = default_rules()
    names = set(rules.language_rules)
    assert {"English", "German", "Spanish", "French", "Italian", "Portuguese", "CJK"} <= names
    for tag in ("en-GB", "zh-CN", "zh_TW", "ja", "es-419", "fr-CA", "de-AT", "it", "pt-BR", "nl"):
        assert rules.rules_for(tag), tag


def test_cascade_yes_uses_every_matching_map_in_order() -> None:
    rules = parse_srx(srx(SIMPLE_RULES))
    # Semicolon (EN.*, case-insensitive like BCP 47 tags) + NoDr + Stops
    assert split_sentences("Dr. Who came; he left. Then", "en-GB", rules=rules) == [
        "Dr. Who came;",
        "he left.",
        "Then",
    ]
    # Only the catch-all map for German: "Dr." breaks, ";" does not.
    assert split_sentences("Dr. Who came; he left.", "de", rules=rules) == [
        "Dr.",
        "Who came; he left.",
    ]


def test_cascade_no_stops_at_the_first_matching_map() -> None:
    rules = parse_srx(srx(SIMPLE_RULES, header='segmentsubflows="yes" cascade="no"'))
    assert not rules.cascade
    # Only "Semicolon" applies to English: full stops do not break at all.
    assert split_sentences("Dr. Who came; he left. Then", "en", rules=rules) == [
        "Dr. Who came;",
        "he left. Then",
    ]


def test_first_matching_rule_decides_a_position() -> None:
    body = """<languagerules><languagerule languagerulename="R">
      <rule break="no"><beforebreak>etc\\.</beforebreak><afterbreak>\\s</afterbreak></rule>
      <rule break="yes"><beforebreak>\\.</beforebreak><afterbreak>\\s</afterbreak></rule>
      <rule break="no"><beforebreak>end\\.</beforebreak><afterbreak>\\s</afterbreak></rule>
    </languagerule></languagerules>
    <maprules><languagemap languagepattern=".*" languagerulename="R"/></maprules>"""
    rules = parse_srx(srx(body))
    # "etc." is protected by the earlier no-break rule; the later one for "end." is too late.
    assert split_sentences("Pens etc. are here. The end. Bye", "en", rules=rules) == [
        "Pens etc. are here.",
        "The end.",
        "Bye",
    ]


def test_user_srx_file_overrides_the_defaults(tmp_path: Path) -> None:
    text = "Patients received 5 mg/kg; the dose was reduced. Fig. 3 shows it."
    assert split_sentences(text, "en") == [
        "Patients received 5 mg/kg; the dose was reduced.",
        "Fig. 3 shows it.",
    ]
    path = tmp_path / "mine.srx"
    path.write_bytes(srx(SIMPLE_RULES))
    mine = load_srx(path)
    assert mine.source == str(path)
    # The user's rules replace the shipped ones: ";" breaks, "Fig." is no longer protected.
    assert split_sentences(text, "en", rules=mine) == [
        "Patients received 5 mg/kg;",
        "the dose was reduced.",
        "Fig.",
        "3 shows it.",
    ]
    # On top of the defaults: ";" breaks and the default abbreviations still hold.
    combined = default_rules().with_overrides(mine)
    assert split_sentences("Take 5 mg/kg; then stop. Fig. 3 shows it.", "en", rules=combined) == [
        "Take 5 mg/kg;",
        "then stop.",
        "Fig.",
        "3 shows it.",
    ]


def test_load_srx_accepts_binary_and_text_file_objects() -> None:
    from_bytes = load_srx(io.BytesIO(srx(SIMPLE_RULES)))
    from_text = load_srx(io.StringIO(srx(SIMPLE_RULES).decode()))
    assert [m.pattern for m in from_bytes.maps] == [m.pattern for m in from_text.maps]


@pytest.mark.parametrize(
    ("data", "message", "line"),
    [
        pytest.param(b"<srx version='2.0'><header", "XML syntax error", 1, id="broken-xml"),
        pytest.param(b"<tmx version='1.4'/>", "not an SRX file", None, id="wrong-root"),
        pytest.param(
            srx(
                '<languagerules/>\n<maprules><languagemap languagepattern=".*" '
                'languagerulename="Missing"/></maprules>'
            ),
            "unknown languagerule 'Missing'",
            3,
            id="unknown-rule-name",
        ),
        pytest.param(
            srx(
                '<languagerules><languagerule languagerulename="R">\n'
                "<rule><beforebreak>(a</beforebreak></rule></languagerule></languagerules>"
            ),
            "missing ')'",
            3,
            id="bad-regex",
        ),
        pytest.param(
            srx(
                '<languagerules><languagerule languagerulename="R">\n'
                "<rule><beforebreak>(a)\\1</beforebreak></rule></languagerule></languagerules>"
            ),
            "back-references are not supported",
            3,
            id="backreference",
        ),
        pytest.param(
            b'<?xml version="1.0"?><!DOCTYPE srx [<!ENTITY x "y">]><srx version="2.0"/>',
            "entities",
            None,
            id="dtd-entities",
        ),
    ],
)
def test_bad_srx_files_raise_format_error_with_position(
    data: bytes, message: str, line: int | None
) -> None:
    with pytest.raises(FormatError) as info:
        parse_srx(data, path="rules.srx")
    assert message in str(info.value)
    assert info.value.path == "rules.srx"
    if line is not None:
        assert info.value.line == line


def test_header_options_are_read() -> None:
    header = 'segmentsubflows="no" cascade="yes"'
    rules = parse_srx(
        srx(
            SIMPLE_RULES.replace("<languagerules>", "<languagerules>", 1),
            header=header + ' tm:includeStartingWhitespace="yes"',
            extra=' xmlns:tm="urn:example:srx-extensions"',
        ).replace(b"/><body>", b'><formathandle type="start" include="yes"/></header><body>')
    )
    assert rules.segment_subflows is False
    assert rules.include_starting_whitespace is True
    assert rules.include_ending_whitespace is False
    assert rules.format_handle["start"] is True
    assert rules.format_handle["end"] is True  # spec default kept


def test_whitespace_options_decide_where_the_spaces_between_segments_go() -> None:
    text = "One.  Two.\n Three."
    trimmed = parse_srx(srx(SIMPLE_RULES))
    assert [text[s:e] for s, e in segment(text, "de", rules=trimmed)] == ["One.", "Two.", "Three."]
    starting = parse_srx(
        srx(
            SIMPLE_RULES,
            header='segmentsubflows="yes" cascade="yes" includeStartingWhitespace="yes"',
        )
    )
    assert [text[s:e] for s, e in segment(text, "de", rules=starting)] == [
        "One.",
        "  Two.",
        "\n Three.",
    ]
    ending = parse_srx(
        srx(
            SIMPLE_RULES, header='segmentsubflows="yes" cascade="yes" includeEndingWhitespace="yes"'
        )
    )
    # The rule breaks right after the full stop, so the white space follows the break.
    assert [text[s:e] for s, e in segment(text, "de", rules=ending)] == ["One.", "Two.", "Three."]


def test_formathandle_puts_codes_at_a_break_on_the_right_side() -> None:
    codes = (
        InlineCode("close", "1", "pc", "</b>"),
        InlineCode("open", "2", "pc", "<i>"),
    )
    text = f"Bold end.{code_char(0)} {code_char(1)}Italic start."
    spans = segment(text, "en", codes=codes)
    assert [text[s:e] for s, e in spans] == [
        f"Bold end.{code_char(0)}",
        f"{code_char(1)}Italic start.",
    ]
    # Turned around by the file: end codes leave, start codes stay.
    flipped = parse_srx(
        srx(SIMPLE_RULES).replace(
            b"/><body>",
            b'><formathandle type="start" include="yes"/>'
            b'<formathandle type="end" include="no"/></header><body>',
        )
    )
    glued = f"Bold end.{code_char(0)}{code_char(1)} Next."
    assert [glued[s:e] for s, e in segment(glued, "de", rules=flipped, codes=codes)] == [
        "Bold end.",
        f"{code_char(0)}{code_char(1)} Next.",
    ]


@pytest.mark.parametrize(
    ("icu", "python"),
    [
        pytest.param(r"\x{2026}", "…", id="hex-braces"),
        pytest.param(r"\Q.*\E", r"(?:\.\*)", id="quote"),
        pytest.param(r"[[:digit:]]", None, id="posix-class"),
        pytest.param(r"a(?i)b|c", "a(?i:b)|(?i:c)", id="inline-flag-mid-pattern"),
        pytest.param(r"\h+", None, id="horizontal-space"),
    ],
)
def test_icu_constructs_are_translated(icu: str, python: str | None) -> None:
    out = translate(icu)
    if python is not None:
        assert out == python
    import re

    re.compile(out)


def test_unicode_properties_follow_the_unicode_database() -> None:
    import re

    upper = re.compile(translate(r"^\p{Lu}+$"))
    assert upper.match("ÉÇΩДЖ")
    assert not upper.match("Éa")
    assert re.compile(translate(r"^\P{L}$")).match("5")
    assert re.compile(translate(r"^\p{Han}+$")).match("乳腺癌")


def test_reversed_patterns_match_reversed_text() -> None:
    import re

    for icu, sample in [
        (r"\b(?:Dr|Prof)\.", "Prof."),
        (r"(?<=\s)\p{Ll}{4}\.", " word."),
        (r"[.?!]+[\"”)]*", "?!”"),
        (r"(?:^|\n)[ \t]*\d+\.", "\n  12."),
    ]:
        rev = re.compile(translate(icu, reverse=True))
        text = "x " + sample
        assert rev.match(text[::-1]), icu


def test_lookahead_in_a_beforebreak_must_have_a_fixed_width() -> None:
    with pytest.raises(RegexTranslationError):
        translate(r"a(?=b+)", reverse=True)
    assert translate(r"a(?=bc|d)", reverse=True) == "(?:(?<=cb)|(?<=d))a"


def test_srx_1_0_files_use_their_first_maprule() -> None:
    data = b"""<?xml version="1.0"?>
<srx xmlns="http://www.lisa.org/srx10" version="1.0">
  <header segmentsubflows="yes"/>
  <body>
    <languagerules><languagerule languagerulename="Stops">
      <rule break="yes"><beforebreak>\\.</beforebreak><afterbreak>\\s</afterbreak></rule>
    </languagerule></languagerules>
    <maprules><maprule maprulename="Default">
      <languagemap languagepattern=".*" languagerulename="Stops"/>
    </maprule></maprules>
  </body>
</srx>"""
    rules = parse_srx(data)
    assert split_sentences("Dr. Who. Yes.", "en", rules=rules) == ["Dr.", "Who.", "Yes."]

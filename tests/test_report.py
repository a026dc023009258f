"""Word counts and the analysis report: the numbers a project manager prices a job by."""

from __future__ import annotations

import json
from html.parser import HTMLParser

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tm.models import code_char
from tm.pretranslate.model import (
    BANDS,
    BilingualFile,
    MatchInfo,
    PretranslatedSegment,
    SegmentState,
    band_for,
)
from tm.pretranslate.report import analyse, render_html, render_json, render_text
from tm.wordcount import count_characters, count_text, count_words


@pytest.mark.parametrize(
    ("text", "lang", "words"),
    [
        ("Breast cancer may relapse after surgery.", "en", 6),
        ("Don't take 1,000.5 mg of HER2-positive drugs.", "en", 7),
        ("about 30 per cent of early breast cancer patients", "en", 9),
        ("10~20% chance", "en", 3),
        ("l'eau de l'hôpital", "fr", 5),
        ("l'eau de l'hôpital", "en", 3),
        ("乳腺癌复发的症状", "zh-CN", 8),
        ("乳腺癌复发的症状包括HER2阳性。", "zh", 13),
        ("これは日本語です", "ja", 8),
        ("유방암 재발 증상", "ko", 3),
        ("— ... !", "en", 0),
        ("", "en", 0),
    ],
    ids=[
        "sentence",
        "apostrophe-number-hyphen",
        "numbers-count",
        "symbols-split",
        "french-elision",
        "english-apostrophe-joins",
        "chinese-by-character",
        "chinese-with-latin-word",
        "japanese-by-character",
        "korean-by-space",
        "punctuation-only",
        "empty",
    ],
)
def test_count_words_per_language(text: str, lang: str, words: int) -> None:
    assert count_words(text, lang) == words


@given(st.text(alphabet="aZ9 '-.,!", max_size=40), st.booleans())
def test_ascii_fast_path_counts_like_the_general_rule(text: str, eliding: bool) -> None:
    from tm.wordcount import _count_loop

    assert count_words(text, "fr" if eliding else "en") == _count_loop(text, eliding)


def test_inline_codes_count_neither_as_words_nor_characters() -> None:
    text = f"Take {code_char(0)}two{code_char(1)} tablets."
    assert count_text(text, "en").words == 3
    assert count_characters(text) == len("Taketwotablets.")


def test_characters_skip_whitespace_and_count_han_once() -> None:
    assert count_characters("乳腺癌 复发。") == 6
    assert count_characters("a b\tc\n") == 3


@pytest.mark.parametrize(
    ("kind", "score", "band"),
    [
        ("in-context", 100.0, "in-context"),
        ("exact", 100.0, "100"),
        ("exact", 97.0, "95-99"),
        ("in-context", 101.0, "in-context"),
        ("adapted", 100.0, "100"),
        ("fuzzy", 99.9, "95-99"),
        ("fuzzy", 95.0, "95-99"),
        ("fuzzy", 94.99, "85-94"),
        ("adapted", 85.0, "85-94"),
        ("fuzzy", 75.0, "75-84"),
        ("fuzzy", 74.9, "50-74"),
        ("fuzzy", 49.0, "no-match"),
        (None, None, "no-match"),
    ],
    ids=lambda v: str(v),
)
def test_band_boundaries(kind: str | None, score: float | None, band: str) -> None:
    assert band_for(kind, score) == band


def _seg(
    sid: str,
    band: str,
    words: int,
    *,
    state: SegmentState = SegmentState.UNTRANSLATED,
    adapted: bool = False,
) -> PretranslatedSegment:
    applied = None
    if band not in ("no-match", "repetitions"):
        kind = "adapted" if adapted else ("in-context" if band == "in-context" else "fuzzy")
        applied = MatchInfo(90.0, kind, "s", "t")
    return PretranslatedSegment(
        sid,
        f"segment {sid}",
        band=band,
        words=words,
        characters=words * 5,
        state=state,
        applied=applied,
    )


def _file(name: str, segs: list[PretranslatedSegment], tgt: str = "es") -> BilingualFile:
    return BilingualFile(name, "en", tgt, "text", "{}", segs)


@pytest.fixture
def two_files() -> list[BilingualFile]:
    a = _file(
        "a.txt",
        [
            _seg("1", "in-context", 10, state=SegmentState.FINAL_READY),
            _seg("2", "100", 5, state=SegmentState.FINAL_READY),
            _seg("3", "85-94", 7, state=SegmentState.REVIEW, adapted=True),
            _seg("4", "no-match", 8),
        ],
    )
    b = _file(
        "b.md",
        [
            _seg("1", "repetitions", 5, state=SegmentState.FINAL_READY),
            _seg("2", "50-74", 4),
            _seg("3", "no-match", 11, state=SegmentState.SOURCE_COPY),
        ],
    )
    return [a, b]


def test_analysis_sums_bands_per_file_and_job(two_files: list[BilingualFile]) -> None:
    analysis = analyse(two_files, memory="oncology")
    bands = analysis.bands
    assert bands["no-match"].segments == 2 and bands["no-match"].words == 19
    assert bands["repetitions"].words == 5
    assert analysis.total.words == 50 and analysis.total.segments == 7
    assert analysis.files[0].total.words == 30
    assert analysis.states["final-ready"] == 3
    assert analysis.states["source-copy"] == 1


def test_json_report_has_every_band_in_order(two_files: list[BilingualFile]) -> None:
    data = json.loads(render_json(analyse(two_files, memory="oncology", min_score=80)))
    assert data["band_order"] == list(BANDS)
    assert list(data["bands"]) == list(BANDS)
    assert data["total"] == {"segments": 7, "words": 50, "characters": 250}
    assert data["adapted"] == 1
    assert data["min_score"] == 80
    assert [f["name"] for f in data["files"]] == ["a.txt", "b.md"]
    assert sum(b["words"] for b in data["bands"].values()) == data["total"]["words"]


def test_text_report_lists_bands_with_percentages(two_files: list[BilingualFile]) -> None:
    text = render_text(analyse(two_files, memory="oncology"))
    lines = text.splitlines()
    no_match = next(line for line in lines if line.startswith("No match"))
    assert no_match.split() == ["No", "match", "2", "19", "95", "38.0"]
    assert "a.txt (en -> es)" in text and "b.md (en -> es)" in text
    assert "1 with the source copied" in text


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.attrs: list[tuple[str, str | None]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attrs += attrs

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def test_html_report_is_self_contained_and_escaped(two_files: list[BilingualFile]) -> None:
    two_files[0].name = "<script>alert(1)</script>.txt"
    page = render_html(analyse(two_files, memory="oncology"))
    parser = _Collector()
    parser.feed(page)
    assert "script" not in parser.tags and "link" not in parser.tags and "img" not in parser.tags
    assert not any(name in ("src", "href") for name, _ in parser.attrs)
    text = " ".join(parser.text)
    assert "<script>alert(1)</script>.txt" in text  # shown as text, not markup
    assert "Repetitions" in text and "No match" in text and "In context (101%)" in text

"""The shipped rules on the cases translators meet, inline codes, spans and speed."""

from __future__ import annotations

import time

import pytest

from tm.models import InlineCode, code_char
from tm.segment import Span, segment, split_sentences


@pytest.mark.parametrize(
    ("lang", "text", "expected"),
    [
        pytest.param(
            "en",
            "Dr. Lee gave approx. 10.5 mg i.v. over 30 min. in total. It worked.",
            ["Dr. Lee gave approx. 10.5 mg i.v. over 30 min. in total.", "It worked."],
            id="en-abbreviations-dose",
        ),
        pytest.param(
            "en",
            "Side effects include nausea, fatigue, etc. Most are mild.",
            ["Side effects include nausea, fatigue, etc.", "Most are mild."],
            id="en-etc-at-sentence-end",
        ),
        pytest.param(
            "en",
            "Use e.g. tamoxifen, i.e. an SERM, vs. placebo. See Fig. 2 and No. 4.",
            ["Use e.g. tamoxifen, i.e. an SERM, vs. placebo.", "See Fig. 2 and No. 4."],
            id="en-latin-abbreviations",
        ),
        pytest.param(
            "en",
            'He asked, "Is it over?" The nurse smiled. (This is rare.) Next.',
            ['He asked, "Is it over?"', "The nurse smiled.", "(This is rare.)", "Next."],
            id="en-quotes-brackets",
        ),
        pytest.param(
            "en",
            "Survival was 84.2%.[12] Smith et al. (2021) agreed.",
            ["Survival was 84.2%.[12]", "Smith et al. (2021) agreed."],
            id="en-citation-marker",
        ),
        pytest.param(
            "en",
            "See https://www.cancer.gov/a.b?x=1. Mail info@x-clinic.org. Done.",
            ["See https://www.cancer.gov/a.b?x=1.", "Mail info@x-clinic.org.", "Done."],
            id="en-url-email",
        ),
        pytest.param(
            "en",
            "Check:\n1. Blood count.\n2. Liver tests.",
            ["Check:", "1. Blood count.", "2. Liver tests."],
            id="en-list-numbers-at-line-start",
        ),
        pytest.param(
            "en",
            "First paragraph without stop\n\nSecond one\nstill second.",
            ["First paragraph without stop", "Second one\nstill second."],
            id="blank-line-is-a-hard-break",
        ),
        pytest.param(
            "en",
            "such as oncological beds.Chemotherapy is systemic. oral or intravenous. "
            "chemotherapy is used.",
            [
                "such as oncological beds.",
                "Chemotherapy is systemic.",
                "oral or intravenous.",
                "chemotherapy is used.",
            ],
            id="en-machine-translation-quirks",
        ),
        pytest.param(
            "en",
            "The results were... disappointing. It improved only slightly… It stopped.",
            ["The results were... disappointing.", "It improved only slightly…", "It stopped."],
            id="en-ellipsis",
        ),
        pytest.param(
            "zh",
            "医生说：“头发会重新长出。”她放心了！真的吗？剂量为10.5 mg。",
            ["医生说：“头发会重新长出。”", "她放心了！", "真的吗？", "剂量为10.5 mg。"],
            id="zh-closing-quote",
        ),
        pytest.param(
            "zh",
            "「靶向治疗」是重要进展。《指南》已更新（2022年版）。详见https://x.cn/a?b=1。",
            [
                "「靶向治疗」是重要进展。",
                "《指南》已更新（2022年版）。",
                "详见https://x.cn/a?b=1。",
            ],
            id="zh-brackets-url",
        ),
        pytest.param(
            "ja",
            "「分かりました。」と彼は言った。「はい。」治療は続く！",
            ["「分かりました。」と彼は言った。", "「はい。」", "治療は続く！"],
            id="ja-corner-brackets-quotative",
        ),
        pytest.param(
            "de",
            "Die Gabe erfolgte am 3. Mai. Ab dem 18. Lebensjahr gilt z. B. ca. 5 mg. Gut.",
            ["Die Gabe erfolgte am 3. Mai.", "Ab dem 18. Lebensjahr gilt z. B. ca. 5 mg.", "Gut."],
            id="de-ordinals-abbreviations",
        ),
        pytest.param(
            "de",
            "Nebenwirkungen sind Übelkeit usw. Die meisten sind mild.",
            ["Nebenwirkungen sind Übelkeit usw.", "Die meisten sind mild."],
            id="de-usw-at-end",
        ),
        pytest.param(
            "es",
            "¿Es necesaria? No siempre. El Dr. Ruiz usa aprox. 10 mg, p. ej. de noche.",
            ["¿Es necesaria?", "No siempre.", "El Dr. Ruiz usa aprox. 10 mg, p. ej. de noche."],
            id="es-inverted-marks",
        ),
        pytest.param(
            "es",
            "Se hizo en EE. UU. y en Europa. La Sra. López firmó.",
            ["Se hizo en EE. UU. y en Europa.", "La Sra. López firmó."],
            id="es-ee-uu",
        ),
        pytest.param(
            "fr",
            "M. Dupont reçoit env. 10 mg, p. ex. le soir. Pourquoi ? Parce que.",
            ["M. Dupont reçoit env. 10 mg, p. ex. le soir.", "Pourquoi ?", "Parce que."],
            id="fr-abbreviations-spacing",
        ),
        pytest.param(
            "fr",
            "Il a dit : « C'est fini. » La patiente sourit.",
            ["Il a dit : « C'est fini. »", "La patiente sourit."],
            id="fr-guillemets",
        ),
        pytest.param(
            "it",
            "Il Dott. Rossi usa ca. 5 mg, ecc. e poi basta. Fine.",
            ["Il Dott. Rossi usa ca. 5 mg, ecc. e poi basta.", "Fine."],
            id="it-abbreviations",
        ),
        pytest.param(
            "pt",
            "A Dra. Silva usa aprox. 5 mg, p. ex. à noite. Fim.",
            ["A Dra. Silva usa aprox. 5 mg, p. ex. à noite.", "Fim."],
            id="pt-abbreviations",
        ),
    ],
)
def test_shipped_rules_on_hard_cases(lang: str, text: str, expected: list[str]) -> None:
    assert split_sentences(text, lang) == expected


def test_regional_and_odd_language_tags_use_the_language_rules() -> None:
    text = "Dr. Lee left. Next."
    for tag in ("en", "en-GB", "EN_us", "en-Latn-US"):
        assert split_sentences(text, tag) == ["Dr. Lee left.", "Next."], tag
    # A language without its own set still gets the common and default rules.
    assert split_sentences("Dr. Jansen kwam. Daarna ging hij.", "nl") == [
        "Dr. Jansen kwam.",
        "Daarna ging hij.",
    ]


@pytest.mark.parametrize(
    "text", ["", "   ", "\n\n", "No terminator at all", "Ends with a stop."], ids=str
)
def test_spans_cover_all_but_whitespace(text: str) -> None:
    spans = segment(text, "en")
    pos = 0
    for start, end in spans:
        assert text[pos:start].strip() == ""
        assert start < end
        assert not text[start].isspace() and not text[end - 1].isspace()
        pos = end
    assert text[pos:].strip() == ""
    assert bool(spans) == bool(text.strip())


def test_inline_codes_do_not_change_where_sentences_end() -> None:
    b_open, b_close = InlineCode("open", "1", "pc", "<b>"), InlineCode("close", "1", "pc", "</b>")
    br = InlineCode("standalone", "2", "ph", "<br>")
    codes = (b_open, b_close, br)
    o, c, x = code_char(0), code_char(1), code_char(2)
    text = f"Ask {o}Dr.{c} Lee about {o}10.5{c} mg.{x}\nThe {o}next{c} one. {o}Bold start.{c}"
    spans = segment(text, "en", codes=codes)
    assert [text[s:e] for s, e in spans] == [
        f"Ask {o}Dr.{c} Lee about {o}10.5{c} mg.{x}",
        f"The {o}next{c} one.",
        f"{o}Bold start.{c}",
    ]


def test_a_text_of_only_codes_is_one_segment() -> None:
    text = f" {code_char(0)} "
    assert segment(text, "en") == [Span(1, 2)]


def test_ten_thousand_segments_segment_in_well_under_two_seconds() -> None:
    sentence = "Dr. Patel gave approx. 10.5 mg i.v. over 30 min. in total, e.g. with food. "
    text = sentence * 10_000
    segment("warm up.", "en")
    started = time.perf_counter()
    spans = segment(text, "en")
    elapsed = time.perf_counter() - started
    assert len(spans) == 10_000
    assert elapsed < 2.0, f"{elapsed:.2f} s"

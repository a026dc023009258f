"""Term recognition: inflection per language, word boundaries, longest match, case, CJK."""

from __future__ import annotations

from pathlib import Path

import pytest

from tm.glossary import load_glossary
from tm.models import Concept, Term, TermStatus
from tm.terms import Analyzer, TermMatcher, find_terms, fold_english, tokenize

MINI = Path(__file__).parent / "data" / "glossary" / "mini.toml"


@pytest.fixture(scope="module")
def matcher() -> TermMatcher:
    return TermMatcher(load_glossary(MINI).concepts)


def found(
    matcher: TermMatcher, text: str, lang: str, *, longest: bool = True
) -> list[tuple[str, str]]:
    return [(h.text, h.concept_id) for h in matcher.find(text, lang, longest=longest)]


# --- inflection, per language ---------------------------------------------------------

INFLECTED = [
    ("en", "Cancer had spread to two lymph nodes.", "lymph nodes", "lymph-node"),
    (
        "en",
        "Aromatase inhibitors are endocrine drugs.",
        "Aromatase inhibitors",
        "aromatase-inhibitor",
    ),
    ("en", "New metastases appeared.", "metastases", "metastasis"),
    ("es", "Se extirparon los ganglios linfáticos axilares.", "ganglios linfáticos", "lymph-node"),
    ("es", "los inhibidores de la aromatasa", "inhibidores de la aromatasa", "aromatase-inhibitor"),
    (
        "fr",
        "Les inhibiteurs de l'aromatase sont efficaces.",
        "inhibiteurs de l'aromatase",
        "aromatase-inhibitor",
    ),
    ("fr", "les inhibiteurs de l’aromatase", "inhibiteurs de l’aromatase", "aromatase-inhibitor"),
    ("fr", "trois ganglions lymphatiques", "ganglions lymphatiques", "lymph-node"),
    ("de", "Es wurden Fernmetastasen gefunden.", "Fernmetastasen", "distant-metastasis"),
    ("de", "Die Tumoren sind klein.", "Tumoren", "tumour"),
    ("de", "mehrere Metastasen", "Metastasen", "metastasis"),
    ("it", "Sono stati asportati i linfonodi.", "linfonodi", "lymph-node"),
    ("pt", "Os linfonodos estavam aumentados.", "linfonodos", "lymph-node"),
]


@pytest.mark.parametrize(
    "lang,text,surface,concept_id", INFLECTED, ids=[f"{c[0]}-{c[2]}" for c in INFLECTED]
)
def test_inflected_forms_find_the_dictionary_form(
    matcher: TermMatcher, lang: str, text: str, surface: str, concept_id: str
) -> None:
    assert (surface, concept_id) in found(matcher, text, lang)


# Words that look like a term but are another word: none of these may be reported.
TRAPS = [
    ("en", "Fill in the format field.", "form"),  # substring: format
    ("en", "The formation of the committee.", "form"),  # a stemmer would say `format`
    ("en", "The organization of care.", "organ"),  # Snowball: organization -> organ
    ("en", "Organisational changes.", "organ"),
    ("en", "mammographic screening", "mastectomy"),
    ("es", "Mi mamá vino conmigo.", "breast"),  # mamá (mother) is not mama (breast)
    ("es", "un órgano tumoral", "tumour"),  # tumoral: an adjective, not tumor
    ("fr", "Une lésion métastatique.", "metastasis"),
    ("de", "Die Organisation der Station.", "organ"),
    ("de", "Tumormarker im Blut", "tumour"),  # compounds are other words
    ("de", "Brustkrebsrisiko", "breast-cancer"),
    ("it", "Il senso di fatica.", "breast"),
    ("pt", "A mãe vai mamar.", "breast"),
]


@pytest.mark.parametrize("lang,text,concept_id", TRAPS, ids=[f"{t[0]}-{t[1][:24]}" for t in TRAPS])
def test_false_positive_traps(matcher: TermMatcher, lang: str, text: str, concept_id: str) -> None:
    hits = matcher.find(text, lang, longest=False)
    assert concept_id not in {h.concept_id for h in hits}, hits


def test_form_matches_as_a_whole_word_and_its_listed_variant(matcher: TermMatcher) -> None:
    # `form` has inflect = false and variants = ["forms"]: exactly those two.
    assert found(matcher, "Sign the form. Two forms. Formed. Forming.", "en") == [
        ("form", "form"),
        ("forms", "form"),
    ]


# --- spelling and separators ----------------------------------------------------------

SPELLINGS = [
    ("The tumors shrank.", "tumors", "tumour"),
    ("The tumours shrank.", "tumours", "tumour"),
    ("Hemoptysis was reported.", "Hemoptysis", "haemoptysis"),
    ("Cancer of the esophagus.", "esophagus", "oesophagus"),
    ("severe dyspnea", "dyspnea", "dyspnoea"),
]


@pytest.mark.parametrize("text,surface,concept_id", SPELLINGS, ids=[s[1] for s in SPELLINGS])
def test_uk_and_us_spellings_are_the_same_term(
    matcher: TermMatcher, text: str, surface: str, concept_id: str
) -> None:
    assert (surface, concept_id) in found(matcher, text, "en-US")


def test_the_term_closest_to_the_text_is_reported(matcher: TermMatcher) -> None:
    # `tumour` (preferred) and `tumor` (admitted) are one key; the spelling seen decides.
    [us] = matcher.find("a tumor", "en")
    [uk] = matcher.find("a tumour", "en")
    assert (us.term, us.status) == ("tumor", TermStatus.ADMITTED)
    assert (uk.term, uk.status) == ("tumour", TermStatus.PREFERRED)


@pytest.mark.parametrize(
    "text",
    ["HER2-positive disease", "HER2 positive disease", "HER2‑positive disease", "HER2-Positive"],
    ids=["hyphen", "space", "non-breaking-hyphen", "title-case"],
)
def test_hyphen_and_space_variants_match(matcher: TermMatcher, text: str) -> None:
    assert [h.concept_id for h in matcher.find(text, "en")] == ["her2-positive"]


def test_hyphenated_term_also_matches_closed_spelling() -> None:
    concept = Concept("post-op", terms=[Term("post-operative", "en")])
    assert [h.text for h in find_terms([concept], "postoperative care", "en")] == ["postoperative"]


def test_punctuation_breaks_a_multiword_term(matcher: TermMatcher) -> None:
    assert found(matcher, "the lymph. Node", "en") == []
    assert found(matcher, "lymph, node", "en") == []


def test_inline_code_characters_do_not_hide_a_term(matcher: TermMatcher) -> None:
    text = "\ue000lymph\ue001 nodes"
    [hit] = matcher.find(text, "en")
    assert (hit.concept_id, hit.start, hit.end) == ("lymph-node", 1, len(text))


# --- case -----------------------------------------------------------------------------


def test_case_sensitive_term_requires_its_capitals(matcher: TermMatcher) -> None:
    assert found(matcher, "her2 status", "en") == []
    assert found(matcher, "HER2 status", "en") == [("HER2", "her2")]
    assert found(matcher, "Her2 status", "en") == []


def test_case_insensitive_by_default(matcher: TermMatcher) -> None:
    assert found(matcher, "TAMOXIFEN and Tamoxifen", "en") == [
        ("TAMOXIFEN", "tamoxifen"),
        ("Tamoxifen", "tamoxifen"),
    ]


# --- longest match --------------------------------------------------------------------


def test_longest_match_wins(matcher: TermMatcher) -> None:
    assert found(matcher, "neoadjuvant chemotherapy was given", "en") == [
        ("neoadjuvant chemotherapy", "neoadjuvant-chemotherapy")
    ]
    assert found(matcher, "distant metastasis", "en") == [
        ("distant metastasis", "distant-metastasis")
    ]


def test_longest_false_returns_the_overlapped_hits_too(matcher: TermMatcher) -> None:
    assert found(matcher, "neoadjuvant chemotherapy", "en", longest=False) == [
        ("neoadjuvant chemotherapy", "neoadjuvant-chemotherapy"),
        ("chemotherapy", "chemotherapy"),
    ]


def test_nested_concept_is_reported_inside_a_longer_term(matcher: TermMatcher) -> None:
    # `breast` says nested = true; `chemotherapy` does not.
    assert found(matcher, "breast cancer", "en") == [
        ("breast cancer", "breast-cancer"),
        ("breast", "breast"),
    ]


def test_higher_priority_glossary_wins_the_span() -> None:
    shipped = Concept("ship", terms=[Term("port", "en")], glossary="shipped", priority=100)
    client = Concept("client-port", terms=[Term("port", "en")], glossary="client", priority=200)
    [hit] = TermMatcher([shipped, client]).find("a port", "en")
    assert (hit.concept_id, hit.glossary, hit.alternatives) == ("client-port", "client", ("ship",))


# --- CJK ------------------------------------------------------------------------------


def test_chinese_matches_without_word_boundaries_and_longest_wins(matcher: TermMatcher) -> None:
    text = "患者出现远处转移，随后转移至骨。"
    assert found(matcher, text, "zh-CN") == [
        ("远处转移", "distant-metastasis"),
        ("转移", "metastasis"),
    ]
    assert matcher.find(text, "zh-CN")[0].start == 4


def test_chinese_longest_false_finds_the_inner_term(matcher: TermMatcher) -> None:
    assert ("化疗", "chemotherapy") in found(matcher, "新辅助化疗", "zh-Hans", longest=False)
    assert found(matcher, "新辅助化疗", "zh-Hans") == [("新辅助化疗", "neoadjuvant-chemotherapy")]


def test_latin_inside_chinese_keeps_word_boundaries(matcher: TermMatcher) -> None:
    assert found(matcher, "HER2阳性乳腺癌", "zh") == [
        ("HER2阳性", "her2-positive"),
        ("乳腺癌", "breast-cancer"),
    ]
    assert found(matcher, "HER23阳性", "zh") == []


def test_japanese_matches_on_characters(matcher: TermMatcher) -> None:
    assert found(matcher, "タモキシフェンを服用", "ja") == [("タモキシフェン", "tamoxifen")]


# --- offsets and API ------------------------------------------------------------------


def test_offsets_point_into_the_original_text(matcher: TermMatcher) -> None:
    text = "Ａｒｏｍａｔａｓｅ INHIBITORS\u00a0and  lymph\u2011nodes"
    for hit in matcher.find(text, "en"):
        assert text[hit.start : hit.end] == hit.text
    assert [h.concept_id for h in matcher.find(text, "en")] == ["aromatase-inhibitor", "lymph-node"]


def test_forbidden_term_is_found_with_its_status(matcher: TermMatcher) -> None:
    [hit] = matcher.find("Drugs such as mosaic are used.", "en")
    assert (hit.concept_id, hit.term, hit.status) == ("tamoxifen", "mosaic", TermStatus.FORBIDDEN)


def test_approved_targets_preferred_first(matcher: TermMatcher) -> None:
    assert [t.text for t in matcher.approved_targets("breast-cancer", "de")] == [
        "Brustkrebs",
        "Mammakarzinom",
    ]
    assert [t.text for t in matcher.approved_targets("tamoxifen", "en")] == ["tamoxifen"]
    assert matcher.approved_targets("no-such-concept", "en") == []


def test_language_without_terms_finds_nothing(matcher: TermMatcher) -> None:
    assert matcher.find("lymph nodes", "ru") == []
    assert matcher.find("", "en") == []


def test_regional_tags_share_the_language(matcher: TermMatcher) -> None:
    assert found(matcher, "lymph nodes", "en-GB") == found(matcher, "lymph nodes", "en")


# --- building blocks ------------------------------------------------------------------


def test_tokenize_splits_cjk_characters_and_keeps_offsets() -> None:
    tokens = tokenize("HER2-positive 乳腺癌, l'aromatase")
    assert [t.text for t in tokens] == ["HER2", "positive", "乳", "腺", "癌", ",", "l", "aromatase"]


@pytest.mark.parametrize(
    "uk,us",
    [
        ("tumour", "tumor"),
        ("haemoptysis", "hemoptysis"),
        ("oesophagus", "esophagus"),
        ("dyspnoea", "dyspnea"),
        ("leukaemia", "leukemia"),
        ("oestrogen", "estrogen"),
        ("randomised", "randomized"),
        ("centre", "center"),
        ("four", "four"),
    ],
)
def test_fold_english(uk: str, us: str) -> None:
    assert fold_english(uk) == us


def test_analyzer_keeps_known_words_apart_that_a_stemmer_conflates() -> None:
    en = Analyzer("en")
    assert en.key("organization") != en.key("organ")
    assert en.key("organs") == en.key("organ")


def test_decomposed_accents_match_and_keep_offsets(matcher: TermMatcher) -> None:
    text = "los ganglios linfa\u0301ticos"  # NFD: a + combining acute accent
    [hit] = matcher.find(text, "es")
    assert (hit.concept_id, hit.text) == ("lymph-node", "ganglios linfa\u0301ticos")


def test_possessive_apostrophe_does_not_hide_a_term(matcher: TermMatcher) -> None:
    assert found(matcher, "the tamoxifen's effect", "en") == [("tamoxifen", "tamoxifen")]

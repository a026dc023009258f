"""The glossary-compliance rules on hand-made segment pairs, per language pair.

Real glossary file (tests/data/check/glossary.toml) and the real TermMatcher: what is
asserted is what a translator would see in CI.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tm.check import (
    ALL_RULES,
    Checker,
    CheckPair,
    Finding,
    Severity,
    check_pairs,
    suppressed_rules,
)
from tm.glossary import GlossarySet, load_glossaries

GLOSSARY = Path(__file__).parent / "data" / "check" / "glossary.toml"


@pytest.fixture(scope="module")
def glossary() -> GlossarySet:
    return load_glossaries([str(GLOSSARY)])


def run(glossary: GlossarySet, *pairs: CheckPair, **kwargs: object) -> list[Finding]:
    return check_pairs(pairs, glossary.matcher, glossary.concepts, **kwargs)  # type: ignore[arg-type]


def pair(source: str, target: str, langs: str, **kw: object) -> CheckPair:
    src, tgt = langs.split(">")
    return CheckPair(target=target, target_lang=tgt, source=source, source_lang=src, **kw)  # type: ignore[arg-type]


def rules_of(findings: list[Finding]) -> list[tuple[str, str | None]]:
    return sorted((f.rule, f.concept) for f in findings)


# -- correct translations, inflected or spelled otherwise, are never flagged ---------------

CORRECT = [
    ("zh-Hans>en", "癌细胞可扩散到淋巴结。", "Cancer cells can spread to the lymph nodes."),
    ("zh-Hans>en", "肿瘤可能发生远处转移。", "The tumor may develop distant metastases."),
    ("zh-Hans>en", "肿瘤可能发生远处转移。", "The tumour may develop distant metastasis."),
    ("zh-Hans>en", "他莫昔芬", "TAMOXIFEN"),
    ("zh-Hans>en", "雌激素", "estrogen"),
    ("zh-Hans>en", "新辅助化疗", "Neoadjuvant chemotherapy"),
    ("zh-Hans>en", "化疗", "Neoadjuvant chemotherapy"),
    ("zh-Hans>en", "HER2阳性乳腺癌", "HER2-positive breast cancer"),
    ("zh-Hans>en", "内分泌治疗", "Hormone therapy"),
    ("en>es", "Cancer cells spread to the lymph nodes.", "Se diseminan a los ganglios linfáticos."),
    (
        "en>es",
        "Tamoxifen and aromatase inhibitors are endocrine therapies.",
        "El tamoxifeno y los inhibidores de la aromatasa son hormonoterapias.",
    ),
    ("en>es", "Distant metastases", "Metástasis a distancia"),
    ("en>es", "Chemotherapy", "QUIMIOTERAPIA"),
    ("en>es", "ER-positive tumours", "Tumores RE positivos"),
    ("en>es", "Endocrine therapy lasts five years.", "La terapia endocrina dura cinco años."),
    (
        "en>fr",
        "Aromatase inhibitors block oestrogen production.",
        "Les inhibiteurs de l’aromatase bloquent la production d’œstrogènes.",
    ),
    ("en>fr", "The lymph nodes were examined.", "Les ganglions lymphatiques ont été examinés."),
    ("en>fr", "HER2-positive breast cancer", "cancer du sein HER2 positif"),
    ("en>fr", "Neoadjuvant chemotherapy", "La chimiothérapie néoadjuvante"),
    ("en>de", "Distant metastases in the lymph nodes.", "Fernmetastasen in den Lymphknoten."),
    ("en>de", "Tamoxifen and aromatase inhibitors", "Tamoxifen und Aromatase-Inhibitoren"),
    (
        "en>de",
        "The results of neoadjuvant chemotherapy",
        "Die Ergebnisse der neoadjuvanten Chemotherapie",
    ),
    ("en>de", "Invasive breast cancer", "Invasives Mammakarzinom"),
    ("en>de", "She has ER-positive breast cancer.", "Sie hat ER-positiven Brustkrebs."),
    # Derived forms and compounds a translator rightly uses (see loosely_present).
    ("zh-Hans>en", "转移性乳腺癌", "Metastatic breast cancer"),
    ("en>de", "Oestrogen levels", "Östrogenspiegel"),
    ("en>de", "Breast cancer treatment", "Brustkrebsbehandlung"),
    ("en>fr", "Distant metastasis", "Métastases à distance"),
]


@pytest.mark.parametrize(
    "langs,source,target", CORRECT, ids=[f"{c[0]}:{c[2][:30]}" for c in CORRECT]
)
def test_correct_translation_is_not_flagged(
    glossary: GlossarySet, langs: str, source: str, target: str
) -> None:
    assert run(glossary, pair(source, target, langs)) == []


# -- wrong translations are flagged with the rule, concept and advice a person needs --------

WRONG = [
    # Longest-match trap: the longer concept must be translated, not only its head.
    ("zh-Hans>en", "新辅助化疗可以缩小肿瘤。", "Chemotherapy can shrink the tumour.",
     "missing-term", "neoadjuvant-chemotherapy", "neoadjuvant chemotherapy"),
    ("en>es", "Distant metastases were found.", "Se encontraron metástasis.",
     "missing-term", "distant-metastasis", "metástasis a distancia"),
    ("en>fr", "Distant metastasis was excluded.", "Les métastases ont été exclues.",
     "missing-term", "distant-metastasis", "métastase à distance"),
    ("en>de", "Neoadjuvant chemotherapy shrinks the tumour.",
     "Die Chemotherapie verkleinert den Tumor.",
     "missing-term", "neoadjuvant-chemotherapy", "neoadjuvante Chemotherapie"),
    # The seed errors: forbidden English terms name what to use instead.
    ("zh-Hans>en", "他莫昔芬", "Drugs such as mosaic",
     "forbidden-term", "tamoxifen", "tamoxifen"),
    ("zh-Hans>en", "芳香化酶抑制剂", "Aromatic inhibitors are used.",
     "forbidden-term", "aromatase-inhibitor", "aromatase inhibitor"),
    ("zh-Hans>en", "乳房切除术", "After whole mammography",
     "forbidden-term", "mastectomy", "mastectomy"),
    # Deprecated terms warn.
    ("zh-Hans>en", "内分泌治疗的副作用", "Side effects of hormonotherapy",
     "deprecated-term", "endocrine-therapy", "endocrine therapy"),
    ("en>de", "Endocrine therapy", "Antihormontherapie",
     "deprecated-term", "endocrine-therapy", "endokrine Therapie"),
    # Loose matching keeps whole words: a related word is not the term.
    ("zh-Hans>en", "放疗后手术", "Radiation, then surgery.",
     "missing-term", "radiotherapy", "radiotherapy"),
    ("en>es", "Lymph node biopsy", "Biopsia del ganglio",
     "missing-term", "lymph-node", "ganglio linfático"),
    # Case-sensitive terms: `er` is not `ER`; do-not-translate HER2 must keep its case.
    ("en>de", "He has ER-positive breast cancer.", "Er hat er-positiven Brustkrebs.",
     "missing-term", "oestrogen-receptor-abbr", "ER"),
    ("zh-Hans>en", "HER2阳性乳腺癌", "Her2-positive breast cancer",
     "untranslated-term", "her2", "HER2"),
    ("en>es", "HER2-positive tumours", "Tumores positivos para el receptor 2",
     "untranslated-term", "her2", "HER2"),
    # Terms copied over untranslated.
    ("en>es", "Breast cancer may recur.", "El breast cancer puede recidivar.",
     "untranslated-term", "breast-cancer", "cáncer de mama"),
    ("en>fr", "Breast cancer surgery", "La chirurgie du breast cancer",
     "untranslated-term", "breast-cancer", "cancer du sein"),
    ("zh-Hans>en", "患者每周接受化疗。", "Patients receive 化疗 every week.",
     "untranslated-term", "chemotherapy", "chemotherapy"),
]  # fmt: skip


@pytest.mark.parametrize(
    "langs,source,target,rule,concept,advice", WRONG, ids=[f"{w[0]}:{w[3]}:{w[4]}" for w in WRONG]
)
def test_wrong_translation_is_flagged_with_advice(
    glossary: GlossarySet,
    langs: str,
    source: str,
    target: str,
    rule: str,
    concept: str,
    advice: str,
) -> None:
    findings = run(glossary, pair(source, target, langs, file="t.po", line=7))
    assert rules_of(findings) == [(rule, concept)]
    finding = findings[0]
    assert finding.expected[0] == advice
    assert advice in finding.message
    assert (finding.file, finding.line) == ("t.po", 7)
    assert finding.target_lang == langs.split(">")[1]


def test_forbidden_term_alone_reports_once_not_also_missing(glossary: GlossarySet) -> None:
    findings = run(
        glossary,
        pair("他莫昔芬是内分泌治疗药物。", "Mosaic is an endocrine therapy drug.", "zh-Hans>en"),
    )
    assert rules_of(findings) == [("forbidden-term", "tamoxifen")]
    assert findings[0].source_term == "他莫昔芬"
    assert findings[0].found == "Mosaic"
    assert findings[0].note == "MT error for 他莫昔芬"  # the glossary's note says why


def test_forbidden_term_in_monolingual_text_has_offsets(glossary: GlossarySet) -> None:
    text = "Surgery first.\nDrugs such as mosaic and aromatic inhibitors help."
    findings = run(glossary, CheckPair(text, "en", file="a.md", line=3))
    assert [(f.rule, f.found, f.line, f.offset) for f in findings] == [
        ("forbidden-term", "mosaic", 3, 29),
        ("forbidden-term", "aromatic inhibitors", 3, 40),
    ]
    assert all(f.source_lang is None and f.source_term is None for f in findings)


def test_an_approved_longer_term_hides_a_forbidden_shorter_one(glossary: GlossarySet) -> None:
    # "mammography" is approved for its own concept; only "whole mammography" is wrong.
    findings = run(
        glossary,
        CheckPair("Whole mammography, known as mammography. Mammography finds tumours.", "en"),
    )
    assert [(f.rule, f.found) for f in findings] == [("forbidden-term", "Whole mammography")]


def test_monolingual_text_gets_only_the_rules_that_need_no_source(glossary: GlossarySet) -> None:
    # No source: nothing can be missing, inconsistent or untranslated.
    assert run(glossary, CheckPair("Chemotherapy and HER2 testing.", "en")) == []


def test_source_term_used_twice_needs_one_finding(glossary: GlossarySet) -> None:
    findings = run(
        glossary, pair("化疗，再化疗。", "Treatment, then treatment again.", "zh-Hans>en")
    )
    assert rules_of(findings) == [("missing-term", "chemotherapy")]


def test_empty_target_is_not_a_glossary_problem(glossary: GlossarySet) -> None:
    assert run(glossary, pair("新辅助化疗", "", "zh-Hans>en")) == []


def test_language_without_glossary_terms_is_skipped(glossary: GlossarySet) -> None:
    # The glossary has no Italian: nothing can be expected of an Italian target.
    assert run(glossary, pair("Neoadjuvant chemotherapy", "Qualcosa", "en>it")) == []


def test_regional_target_tags_use_the_language_terms(glossary: GlossarySet) -> None:
    findings = run(glossary, pair("Chemotherapy", "Tratamiento", "en-GB>es-MX"))
    assert rules_of(findings) == [("missing-term", "chemotherapy")]
    assert findings[0].expected == ("quimioterapia",)


def test_inline_codes_do_not_hide_terms(glossary: GlossarySet) -> None:
    # U+E000/U+E001 stand for <b> and </b> around the term in the target.
    findings = run(glossary, pair("Neoadjuvant chemotherapy", "\ue000quimioterapia\ue001", "en>es"))
    assert rules_of(findings) == [("missing-term", "neoadjuvant-chemotherapy")]


# -- inconsistency ---------------------------------------------------------------------


def test_inconsistent_translation_points_at_the_compliant_majority(glossary: GlossarySet) -> None:
    src = "Breast cancer is common."
    findings = run(
        glossary,
        pair(src, "El breast cancer es común.", "en>es", file="a.xlf", line=1),
        pair(src, "El cáncer de mama es común.", "en>es", file="b.csv", line=2),
        pair(src, "El cáncer de mama es común.", "en>es", file="c.po", line=3),
        pair(src, "El cáncer de mama es frecuente.", "en>es", file="d.po", line=4),
        rules=["inconsistent-translation"],
    )
    assert [(f.file, f.found) for f in findings] == [
        ("a.xlf", "El breast cancer es común."),
        ("d.po", "El cáncer de mama es frecuente."),
    ]
    assert all(f.expected == ("El cáncer de mama es común.",) for f in findings)
    assert "b.csv:2" in findings[0].message


def test_a_tie_prefers_the_translation_that_follows_the_glossary(glossary: GlossarySet) -> None:
    src = "Breast cancer is common."
    findings = run(
        glossary,
        pair(src, "El breast cancer es común.", "en>es", file="a"),
        pair(src, "El cáncer de mama es común.", "en>es", file="b"),
    )
    inconsistent = [f for f in findings if f.rule == "inconsistent-translation"]
    assert [(f.file, f.expected) for f in inconsistent] == [("a", ("El cáncer de mama es común.",))]


def test_whitespace_only_differences_are_consistent(glossary: GlossarySet) -> None:
    findings = run(
        glossary,
        pair("Lymph node", "Ganglio linfático", "en>es"),
        pair("Lymph  node ", "Ganglio  linfático", "en>es"),
    )
    assert findings == []


def test_different_context_may_translate_differently(glossary: GlossarySet) -> None:
    findings = run(
        glossary,
        pair("乳腺癌的化疗", "Chemotherapy for breast cancer", "zh-Hans>en"),
        pair("乳腺癌的化疗", "Breast cancer chemotherapy", "zh-Hans>en", context="sidebar"),
    )
    assert findings == []


# -- do-not-translate ---------------------------------------------------------------------


def test_do_not_translate_term_kept_as_written_passes(glossary: GlossarySet) -> None:
    assert run(glossary, pair("HER2 testing", "HER2-Testung", "en>de")) == []


def test_do_not_translate_message_names_the_altered_form(glossary: GlossarySet) -> None:
    (finding,) = run(glossary, pair("HER2阳性", "her2 positive", "zh-Hans>en"))
    assert finding.rule == "untranslated-term"
    assert finding.found == "her2"
    assert "'HER2'" in finding.message and "'her2'" in finding.message


# -- configuration of rules -------------------------------------------------------------


def test_severity_override_and_rule_off(glossary: GlossarySet) -> None:
    p = pair("Endocrine therapy", "Antihormontherapie", "en>de")
    (finding,) = run(glossary, p, severities={"deprecated-term": Severity.ERROR})
    assert finding.severity is Severity.ERROR
    assert run(glossary, p, severities={"deprecated-term": None}) == []


def test_rules_selection_runs_only_those(glossary: GlossarySet) -> None:
    p = pair("他莫昔芬和新辅助化疗", "mosaic and chemotherapy", "zh-Hans>en")
    assert rules_of(run(glossary, p)) == [
        ("forbidden-term", "tamoxifen"),
        ("missing-term", "neoadjuvant-chemotherapy"),
    ]
    assert rules_of(run(glossary, p, rules=["missing-term"])) == [
        ("missing-term", "neoadjuvant-chemotherapy")
    ]


def test_untranslated_rule_off_falls_back_to_missing_term(glossary: GlossarySet) -> None:
    p = pair("Breast cancer", "El breast cancer", "en>es")
    assert rules_of(run(glossary, p, severities={"untranslated-term": None})) == [
        ("missing-term", "breast-cancer")
    ]


# -- inline suppression ---------------------------------------------------------------------

MARKERS = [
    ("tm-check: ignore", {ALL_RULES}),
    ("tm-check: ignore missing-term", {"missing-term"}),
    ("TM-CHECK: Ignore missing-term, forbidden-term -- client wants the short form",
     {"missing-term", "forbidden-term"}),
    ("reviewed\ntm-check: ignore -- brand name", {ALL_RULES}),
    ("tm-check: ignore forbiden-term", set()),  # a typo silences nothing
    ("no marker here", set()),
]  # fmt: skip


@pytest.mark.parametrize("note,expected", MARKERS, ids=[m[0][:30] for m in MARKERS])
def test_suppression_marker_syntax(note: str, expected: set[str]) -> None:
    assert suppressed_rules([note]) == expected


def test_suppressed_findings_are_counted_not_reported(glossary: GlossarySet) -> None:
    checker = Checker(glossary.matcher, glossary.concepts)
    p = pair(
        "他莫昔芬和新辅助化疗",
        "mosaic and chemotherapy",
        "zh-Hans>en",
        ignore=frozenset({"missing-term"}),
    )
    assert [f.rule for f in checker.check(p)] == ["forbidden-term"]
    assert checker.suppressed == 1

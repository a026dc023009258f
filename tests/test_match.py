"""Scoring pinned on hand-made pairs a translator can check by eye (tm/match.py, pure)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tm.diff import word_diff
from tm.match import (
    PENALTY_ADAPTED,
    PENALTY_ALTERNATIVES,
    PENALTY_CASE,
    PENALTY_CONTEXT,
    PENALTY_DRAFT,
    PENALTY_PUNCTUATION,
    PENALTY_TAG,
    PENALTY_WHITESPACE,
    Bands,
    Candidate,
    LookupContext,
    adapt,
    find_repetitions,
    rank_matches,
    score_pair,
)
from tm.models import InlineCode, code_char
from tm.normalize import analyze, exact_key, number_value, token_keys

# (query, stored source, expected score, expected kind, expected penalty names)
PAIRS = [
    # English
    ("Delete the selected file.", "Delete the selected file.", 100, "exact", []),
    ("Delete the  selected\u00a0file.", "Delete the selected file.", 100, "exact", []),
    ("Delete the sel\u00adected file.", "Delete the selected file.", 100, "exact", []),
    (
        "delete the selected file.",
        "Delete the selected file.",
        100 - PENALTY_CASE,
        "fuzzy",
        ["case"],
    ),
    ("Delete the selected file", "Delete the selected file.", 98, "fuzzy", ["punctuation"]),
    ("Delete the selected file .", "Delete the selected file.", 99, "fuzzy", ["whitespace"]),
    ("Delete the selected folder.", "Delete the selected file.", 75, "fuzzy", []),
    ("Take 20 mg twice daily.", "Take 10 mg twice daily.", 99, "adapted", ["adapted"]),
    ("Move %(dst)s to %(src)s.", "Move %(src)s to %(dst)s.", 99, "adapted", ["adapted"]),
    ("Click <b>here</b> to continue.", "Click here to continue.", 98, "fuzzy", ["tags"]),
    ("Tamoxifen is an endocrine therapy.", "The weather is nice today.", 0, "fuzzy", []),
    # Spanish
    (
        "El paciente recibió quimioterapia adyuvante.",
        "El paciente recibió radioterapia adyuvante.",
        80,
        "fuzzy",
        [],
    ),
    ("¿Desea guardar los cambios?", "Desea guardar los cambios", 98, "fuzzy", ["punctuation"]),
    ("Se administraron 30 mg.", "Se administraron 25 mg.", 99, "adapted", ["adapted"]),
    # German
    (
        "Die Patientin erhielt eine Chemotherapie.",
        "die Patientin erhielt eine Chemotherapie",
        96,
        "fuzzy",
        ["case", "punctuation"],
    ),
    ("Das Risiko steigt um 30 %.", "Das Risiko steigt um 25 %.", 99, "adapted", ["adapted"]),
    ("Der Tumor ist gutartig.", "Der Tumor ist bösartig.", 75, "fuzzy", []),
    # Chinese: characters are the tokens
    ("乳腺癌复发的风险", "乳腺癌复发的危险", 87, "fuzzy", []),
    ("乳腺癌复发的风险。", "乳腺癌复发的风险", 98, "fuzzy", ["punctuation"]),
    ("乳腺癌复发的风险", "今天天气很好我们去公园", 0, "fuzzy", []),
    # Japanese and Thai: no spaces either, characters again
    ("再発のリスクが高い", "再発のリスクが低い", 88, "fuzzy", []),
    ("มะเร็งเต้านม", "มะเร็งเต้านม.", 98, "fuzzy", ["punctuation"]),
]


@pytest.mark.parametrize(
    "query,source,score,kind,penalties",
    PAIRS,
    ids=[f"{i}-{p[0][:24]}" for i, p in enumerate(PAIRS)],
)
def test_score_pair_on_hand_made_cases(
    query: str, source: str, score: int, kind: str, penalties: list[str]
) -> None:
    result = score_pair(query, source)
    assert (result.score, result.kind) == (score, kind)
    assert [name for name, _ in result.penalties] == penalties


def test_one_word_in_four_is_75_and_unrelated_text_is_below_threshold() -> None:
    assert score_pair("Open the file", "Open the folder").score == 66
    assert score_pair("Open the main file", "Open the main folder").score == 75
    assert score_pair("Surgery is the cornerstone", "Chemotherapy reduces tumours").score < 50


def test_number_format_difference_is_not_exact() -> None:
    result = score_pair("Take 10.5 mg", "Take 10,5 mg")
    assert result.score == 99
    assert [n for n, _ in result.penalties] == ["format"]


def test_a_changed_number_in_a_fuzzy_match_costs_a_word_edit() -> None:
    # Only adaptation makes a number difference cheap; mixed with a word change it is
    # a change the translator must make.
    result = score_pair("Take 20 mg twice weekly", "Take 10 mg twice daily")
    assert result.kind == "fuzzy"
    assert result.score == 60


def test_tag_penalty_counts_tags() -> None:
    one = score_pair("Press Enter now", "Press <br/>Enter now")
    pair = score_pair("Press Enter now", "Press <kbd>Enter</kbd> now")
    assert one.penalties == [("tags", PENALTY_TAG)]
    assert pair.penalties == [("tags", 2 * PENALTY_TAG)]


def test_inline_codes_are_tags_not_words() -> None:
    codes = (InlineCode("open", "1", "bpt", "<b>"), InlineCode("close", "1", "ept", "</b>"))
    stored = f"Click {code_char(0)}here{code_char(1)} to continue."
    result = score_pair("Click here to continue.", stored, candidate_codes=codes)
    assert result.score == 100 - 2 * PENALTY_TAG
    assert token_keys(stored) == ["click", "here", "to", "continue"]


@pytest.mark.parametrize(
    "query,source,target,expected",
    [
        ("Take 20 mg daily", "Take 10 mg daily", "Tomar 10 mg al día", "Tomar 20 mg al día"),
        ("Take 10.5 mg", "Take 20.5 mg", "Tomar 20,5 mg", "Tomar 10,5 mg"),
        (
            "Move %(dst)s to %(src)s",
            "Move %(src)s to %(dst)s",
            "Déplacer %(src)s vers %(dst)s",
            "Déplacer %(dst)s vers %(src)s",
        ),
        ("{1} of {0}", "{0} of {1}", "{0} de {1}", "{1} de {0}"),
        ("Page 3 of 7", "Page 2 of 9", "Seite 2 von 9", "Seite 3 von 7"),
    ],
    ids=["number", "decimal-comma", "named-placeholders", "positional", "two-numbers"],
)
def test_adapt_puts_query_values_into_the_target(
    query: str, source: str, target: str, expected: str
) -> None:
    assert adapt(query, source, target) == expected


@pytest.mark.parametrize(
    "query,source,target",
    [
        ("Take 20 mg daily", "Take 10 mg daily", "Tomar diez mg al día"),  # number as a word
        ("Take 20 mg for 3 days", "Take 10 mg for 10 days", "10 mg, 10 días"),  # ambiguous
        ("Take 20 mg daily", "Take 10 mg weekly", "Tomar 10 mg por semana"),  # words differ
    ],
    ids=["number-written-out", "ambiguous-value", "not-only-numbers"],
)
def test_adapt_refuses_when_unsafe(query: str, source: str, target: str) -> None:
    assert adapt(query, source, target) is None


def test_bands_default_and_custom() -> None:
    bands = Bands()
    got = [bands.band_of(s) for s in (101, 100, 99, 95, 94, 85, 84, 75, 74, 50, 49, 0)]
    assert got == [
        "101", "100", "95-99", "95-99", "85-94", "85-94",
        "75-84", "75-84", "50-74", "50-74", "no match", "no match",
    ]  # fmt: skip
    custom = Bands.parse("101,100,90,70")
    assert custom.band_of(89) == "70-89"
    assert custom.band_of(69) == "no match"
    with pytest.raises(ValueError):
        Bands.parse("100,abc")


def test_number_values_ignore_decimal_style() -> None:
    assert number_value("10.5") == number_value("10,5") == "10.5"
    assert number_value("1,000") == number_value("1.000") == number_value("1000")
    assert number_value("007") == "7"


def test_word_diff_marks_changed_words() -> None:
    diff = word_diff(analyze("Delete the old file now."), analyze("Delete the new file now."))
    assert diff == [
        ("equal", "Delete the "),
        ("delete", "new"),
        ("insert", "old"),
        ("equal", " file now."),
    ]


def _cand(source: str, target: str, **kw: object) -> Candidate:
    return Candidate(source_text=source, target_text=target, **kw)  # type: ignore[arg-type]


def test_reviewed_outranks_draft_at_the_same_score_and_draft_costs_points() -> None:
    cands = [
        _cand("Delete the file.", "Borrar el archivo.", unit_id=1, status="draft"),
        _cand("Delete the files.", "Borrar los archivos.", unit_id=2, status="translated"),
        _cand("Delete the files!", "¡Borrar los archivos!", unit_id=3, status="reviewed"),
    ]
    matches = rank_matches("Delete the files", cands, min_score=50, limit=None)
    assert [m.unit_id for m in matches] == [3, 2, 1]
    assert matches[0].score == matches[1].score == 98
    assert matches[2].penalties[-1] == ("draft", PENALTY_DRAFT)


def test_alternatives_and_context_penalties() -> None:
    cands = [
        _cand("Open", "Ouvrir", unit_id=1, context_key="verb"),
        _cand("Open", "Ouvert", unit_id=2, context_key="state"),
    ]
    plain = rank_matches("Open", cands)
    assert [m.score for m in plain] == [100 - PENALTY_ALTERNATIVES] * 2
    assert all(m.alternatives == 1 for m in plain)
    keyed = rank_matches("Open", cands, context=LookupContext(context_key="verb"))
    assert [(m.unit_id, m.kind, m.score) for m in keyed] == [
        (1, "in-context", 101),
        (2, "exact", 100 - PENALTY_CONTEXT),
    ]


def test_in_context_by_neighbours() -> None:
    cands = [
        _cand("Stop.", "Arrêtez.", unit_id=1, prev_text="Wait.", next_text="Go."),
        _cand("Stop.", "Arrêtez.", unit_id=2, prev_text="Run.", next_text="Go."),
    ]
    ctx = LookupContext(prev_text="Wait.", next_text="Go.")
    matches = rank_matches("Stop.", cands, context=ctx, limit=None)
    # Same source and target: shown once, the in-context unit wins.
    assert [(m.unit_id, m.kind, m.score) for m in matches] == [(1, "in-context", 101)]


def test_adapted_match_carries_the_adapted_target() -> None:
    cands = [_cand("Take 10 mg daily.", "Tomar 10 mg al día.", unit_id=7)]
    [match] = rank_matches("Take 25 mg daily.", cands)
    assert (match.kind, match.score, match.target_text) == ("adapted", 99, "Tomar 25 mg al día.")
    assert match.penalties == [("adapted", PENALTY_ADAPTED)]


def test_unadaptable_number_change_falls_back_to_fuzzy() -> None:
    cands = [_cand("Take 10 mg daily.", "Tomar diez mg al día.", unit_id=7)]
    [match] = rank_matches("Take 25 mg daily.", cands, min_score=0)
    assert (match.kind, match.score) == ("fuzzy", 75)
    assert match.target_text == "Tomar diez mg al día."


def test_min_score_and_limit() -> None:
    cands = [_cand(f"Delete file number {w}", "x", unit_id=i) for i, w in enumerate("abcdef")]
    assert rank_matches("Delete file number a", cands, min_score=100) != []
    assert len(rank_matches("Delete file number a", cands, min_score=75, limit=3)) == 3
    assert rank_matches("Something else entirely", cands) == []


def test_match_to_dict_is_json_ready() -> None:
    when = datetime(2024, 5, 1, tzinfo=UTC)
    [match] = rank_matches(
        "Delete the file",
        [_cand("Delete the file.", "Borrar.", unit_id=1, memory="m", changed_at=when)],
    )
    data = match.to_dict()
    assert data["penalties"] == [{"name": "punctuation", "points": PENALTY_PUNCTUATION}]
    assert data["changed_at"] == "2024-05-01T00:00:00+00:00"
    assert data["diff"][0] == {"op": "equal", "text": "Delete the "}
    assert {"score", "band", "kind", "source_text", "target_text", "unit_id", "status"} <= set(data)


def test_find_repetitions() -> None:
    texts = ["A b.", "C d.", "A  b.", "C d.", "E."]
    assert find_repetitions(texts) == [None, None, 0, 1, None]


def test_whitespace_penalty_constant_is_smallest() -> None:
    assert min(PENALTY_CASE, PENALTY_PUNCTUATION) >= PENALTY_WHITESPACE
    assert exact_key(" a \u200b b ") == "a b"

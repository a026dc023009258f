"""Properties the scoring formula promises, checked with hypothesis on generated text."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from tm.match import (
    Candidate,
    LookupContext,
    length_window,
    max_unmatched,
    rank_matches,
    score_bound,
    score_pair,
)
from tm.normalize import analyze, exact_key, token_keys

# Text built from pieces that exercise every tokenizer path: words in several scripts,
# case variants, punctuation, spacing, numbers, placeholders, tags, inline codes, CJK.
PIECES = st.sampled_from(
    [
        "the", "The", "THE", "file", "files", "Datei", "paciente", "ÉTAT", "état", "straße",
        "İstanbul", "don't", "well-known", "HER2", "10", "10.5", "10,5", "1,000", "30%",
        "{0}", "{1}", "%s", "%(name)s", "%d", "<b>", "</b>", "<br/>", "\ue000", "\ue001",
        "乳", "腺", "癌", "的", "风险", "ภาษา", "カタカナ", ".", ",", "!", "?", "¿", "…",
        " ", "  ", "\u00a0", "\u200b", "-", "(", ")",
    ]
)  # fmt: skip
TEXT = st.lists(PIECES, min_size=0, max_size=12).map(lambda parts: " ".join(parts))
# Bias towards near-duplicates: a text and a lightly edited copy.
PAIR = st.one_of(
    st.tuples(TEXT, TEXT),
    TEXT.flatmap(
        lambda t: st.tuples(
            st.just(t),
            st.lists(PIECES, max_size=2).map(lambda extra: t + " ".join(["", *extra])),
        )
    ),
)


@settings(max_examples=400, deadline=None)
@given(PAIR)
def test_score_is_symmetric(pair: tuple[str, str]) -> None:
    a, b = pair
    assert score_pair(a, b).score == score_pair(b, a).score


@settings(max_examples=400, deadline=None)
@given(PAIR)
def test_100_only_for_exact_and_never_above(pair: tuple[str, str]) -> None:
    a, b = pair
    result = score_pair(a, b)
    assert 0 <= result.score <= 100
    assert (result.score == 100) == (exact_key(a) == exact_key(b))
    assert (result.kind == "exact") == (exact_key(a) == exact_key(b))


@settings(max_examples=300, deadline=None)
@given(PAIR)
def test_masked_bound_never_below_the_score(pair: tuple[str, str]) -> None:
    # The candidate index relies on this: it filters on the masked-token bound.
    a, b = pair
    assert score_bound(token_keys(a), token_keys(b)) >= score_pair(a, b).score


@settings(max_examples=400, deadline=None)
@given(TEXT)
def test_fast_token_keys_agree_with_the_full_analysis(text: str) -> None:
    analysis = analyze(text)
    assert token_keys(text) == analysis.keys
    rebuilt = analysis.gaps[0] + "".join(
        t.surface + gap for t, gap in zip(analysis.tokens, analysis.gaps[1:], strict=True)
    )
    assert rebuilt == exact_key(text)


@settings(max_examples=200, deadline=None)
@given(PAIR, st.sampled_from(["draft", "translated", "reviewed", "corrected"]), st.booleans())
def test_ranked_scores_stay_in_range(pair: tuple[str, str], status: str, keyed: bool) -> None:
    query, source = pair
    cands = [
        Candidate(source, "T1", unit_id=1, status=status, context_key="k" if keyed else None),
        Candidate(source, "T2", unit_id=2, status="reviewed", context_key="other"),
    ]
    context = LookupContext(context_key="k") if keyed else None
    for match in rank_matches(query, cands, min_score=0, limit=None, context=context):
        assert 0 <= match.score <= 101
        if match.score == 101:
            assert match.kind == "in-context"
        if match.kind == "fuzzy":
            assert match.score < 100


@settings(max_examples=300, deadline=None)
@given(PAIR)
def test_diff_rebuilds_both_texts(pair: tuple[str, str]) -> None:
    query, source = pair
    [match] = rank_matches(query, [Candidate(source, "t", unit_id=1)], min_score=0)
    assert "".join(t for op, t in match.diff if op != "insert") == exact_key(source)
    assert "".join(t for op, t in match.diff if op != "delete") == exact_key(query)


@settings(max_examples=400, deadline=None)
@given(PAIR, st.sampled_from([40, 50, 75, 90]))
def test_index_pruning_bounds_hold(pair: tuple[str, str], min_score: int) -> None:
    # What the candidate index assumes of every candidate that can reach min_score:
    # its length lies in the window, and the query tokens it does not contain at all
    # are at most max_unmatched (so probing max_unmatched + 1 query positions finds it).
    query, candidate = token_keys(pair[0]), token_keys(pair[1])
    if not query or score_bound(query, candidate) < min_score:
        return
    low, high = length_window(len(query), min_score)
    assert low <= len(candidate) <= high
    present = set(candidate)
    missing = sum(1 for k in query if k not in present)
    assert missing <= max_unmatched(len(query), len(candidate), min_score)

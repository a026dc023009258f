"""Boundary F1 of the shipped rules on hand-made gold segments, per language."""

from __future__ import annotations

from pathlib import Path

import pytest

from tm.segment import segment
from tm.segment_eval import read_gold, score_boundaries

GOLD = Path(__file__).parent / "data" / "segmentation"
MIN_F1 = 0.97
SETS = [("en", "en"), ("zh", "zh"), ("es", "es"), ("fr", "fr"), ("de", "de"), ("en-seeds", "en")]


@pytest.mark.parametrize(("name", "lang"), SETS, ids=[n for n, _ in SETS])
def test_boundary_f1_meets_the_target(name: str, lang: str) -> None:
    gold = read_gold((GOLD / f"{name}.txt").read_text(encoding="utf-8"), lang)
    assert len(gold.segments) >= 40
    score = score_boundaries(gold, segment(gold.text, lang))
    print(
        f"\n{name}: {len(gold.segments)} segments, {len(gold.boundaries)} boundaries, "
        f"P={score.precision:.3f} R={score.recall:.3f} F1={score.f1:.3f}"
    )
    assert score.missed_paragraphs == 0
    assert score.f1 >= MIN_F1


def test_gold_text_is_rebuilt_deterministically() -> None:
    source = "# comment\nOne.\nTwo.\n⁀Three.\n↵- Four.\n\n第一。\n第二。\n"
    en = read_gold(source, "en")
    assert en.text == "One. Two.Three.\n- Four.\n\n第一。 第二。"
    assert sorted(en.boundaries) == [4, 9, 15, 28]
    assert sorted(en.paragraph_boundaries) == [23]
    zh = read_gold("第一。\n第二。", "zh")
    assert zh.text == "第一。第二。"


def test_scores_count_extra_and_missed_boundaries() -> None:
    gold = read_gold("A b.\nC d.\nE f.", "en")  # text "A b. C d. E f.", boundaries 4, 9
    one_missed_one_extra = [(0, 9), (10, 12), (12, 14)]
    score = score_boundaries(gold, one_missed_one_extra)
    assert (score.true_positives, score.false_positives, score.false_negatives) == (1, 1, 1)
    assert score.f1 == pytest.approx(0.5)

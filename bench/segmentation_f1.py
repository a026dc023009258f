"""Print boundary precision/recall/F1 of the SRX rules on the gold sets, and speed.

Also prints a naive baseline (split after . ? ! 。！？ followed by white space or, for
Chinese, anything) on the same sets, to show how much of the set is hard cases.

Usage: .venv/bin/python bench/segmentation_f1.py [--errors] [--srx FILE]
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tm.segment import Span, default_rules, load_srx, segment  # noqa: E402
from tm.segment_eval import GoldText, read_gold, score_boundaries  # noqa: E402

GOLD = ROOT / "tests" / "data" / "segmentation"
# (gold file, language); the last one is held out (real machine-translated articles).
SETS = (("en", "en"), ("zh", "zh"), ("es", "es"), ("fr", "fr"), ("de", "de"), ("en-seeds", "en"))
NAIVE = re.compile(r"(?<=[.?!])\s+|(?<=[。！？])")


def naive_spans(text: str) -> list[Span]:
    """The baseline: cut after every terminator; paragraphs at blank lines."""
    spans: list[Span] = []
    start = 0
    for m in NAIVE.finditer(text):
        if m.end() > start and text[start : m.start()].strip():
            spans.append(Span(start, m.start()))
            start = m.end()
    spans.append(Span(start, len(text)))
    return spans


def show_errors(name: str, gold: GoldText, spans: list[Span]) -> None:
    text = gold.text
    predicted = {e for _s, e in spans[:-1]}
    for pos in sorted((predicted - gold.paragraph_boundaries) ^ gold.boundaries):
        kind = "extra break " if pos in predicted else "missed break"
        print(f"  {name} {kind}: ...{text[max(0, pos - 40) : pos]!r} | {text[pos : pos + 30]!r}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--errors", action="store_true", help="list every wrong boundary")
    parser.add_argument("--srx", help="use this SRX file instead of the shipped rules")
    args = parser.parse_args()
    t0 = time.perf_counter()
    rules = load_srx(args.srx) if args.srx else default_rules()
    rules.plan_for("en")
    load_s = time.perf_counter() - t0
    print(f"rules: {args.srx or 'tm/data/srx/default.srx'} (loaded in {load_s:.2f} s)")
    print(
        f"{'set':<10}{'segs':>6}{'bounds':>8}{'TP':>5}{'FP':>5}{'FN':>5}"
        f"{'P':>8}{'R':>8}{'F1':>8}{'naive F1':>10}"
    )
    for name, lang in SETS:
        gold = read_gold((GOLD / f"{name}.txt").read_text(encoding="utf-8"), lang)
        spans = segment(gold.text, lang, rules=rules)
        sc = score_boundaries(gold, spans)
        naive = score_boundaries(gold, naive_spans(gold.text))
        print(
            f"{name:<10}{len(gold.segments):>6}{len(gold.boundaries):>8}"
            f"{sc.true_positives:>5}{sc.false_positives:>5}{sc.false_negatives:>5}"
            f"{sc.precision:>8.3f}{sc.recall:>8.3f}{sc.f1:>8.3f}{naive.f1:>10.3f}"
        )
        if sc.missed_paragraphs:
            print(f"  {name}: {sc.missed_paragraphs} paragraph boundaries missed!")
        if args.errors:
            show_errors(name, gold, spans)

    # Speed: a 10,000-segment English document, as one text and block by block.
    en = read_gold((GOLD / "en.txt").read_text(encoding="utf-8"), "en")
    reps = 10_000 // len(en.segments) + 1
    big = "\n\n".join([en.text] * reps)
    t0 = time.perf_counter()
    n = len(segment(big, "en", rules=rules))
    one = time.perf_counter() - t0
    blocks = big.split("\n\n")
    t0 = time.perf_counter()
    m = sum(len(segment(b, "en", rules=rules)) for b in blocks)
    many = time.perf_counter() - t0
    zh = read_gold((GOLD / "zh.txt").read_text(encoding="utf-8"), "zh")
    zh_big = "\n\n".join([zh.text] * (10_000 // len(zh.segments) + 1))
    t0 = time.perf_counter()
    k = len(segment(zh_big, "zh", rules=rules))
    zh_s = time.perf_counter() - t0
    print(
        f"speed en: {n} segments ({len(big):,} chars) in {one:.3f} s as one text; "
        f"{m} segments in {len(blocks)} blocks in {many:.3f} s"
    )
    print(f"speed zh: {k} segments ({len(zh_big):,} chars) in {zh_s:.3f} s as one text")


if __name__ == "__main__":
    main()

"""Term recognition benchmark: glossary load, matcher build, 1 MB scans, lemmatiser choice.

Usage (from the repository root, in the project venv):

    .venv/bin/python bench/terms_bench.py                 # 10,000 concepts x 5 languages
    .venv/bin/python bench/terms_bench.py --concepts 2000 --text-mb 0.5

Steps, each in this one process:
1. Generate a glossary of N concepts in en, es, fr, de, zh-Hans (1-3 word terms built
   from real dictionary words, a third with an admitted synonym, some forbidden), write
   it as TOML and time `load_glossary` (parse + model).
2. Time the lemmatiser dictionaries' one-off load per language (simplemma), then the
   matcher build per language (`TermMatcher.prepare`), separately, because the first is
   a fixed cost of the process and the second is what grows with the glossary.
3. Scan ~1 MB of text per language: real dictionary word forms (inflected ones included,
   so the token cache is cold for most words) with glossary terms sprinkled in; time a
   cold scan (empty token cache) and a warm one.
4. Compare key strategies (hybrid lemma+stem, simplemma only, Snowball only, none) on
   labelled inflection pairs and false-positive traps in six languages: recall, false
   positives, and microseconds per distinct word.

Results go to bench/results/terms_<N>.json and are printed. Never part of pytest.
"""

from __future__ import annotations

import argparse
import json
import platform
import random
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
RESULTS = HERE / "results"
sys.path.insert(0, str(ROOT))

from tm.glossary import Glossary, load_glossary  # noqa: E402
from tm.glossary.toml_io import format_glossary  # noqa: E402
from tm.models import Concept, Term, TermStatus  # noqa: E402
from tm.terms import Analyzer, TermMatcher, gc_paused  # noqa: E402

LANGS = ["en", "es", "fr", "de", "zh-Hans"]


def _vocabulary(lang: str, size: int, rng: random.Random) -> list[str]:
    """Real word forms of a language (simplemma's dictionary keys), alphabetic only."""
    if lang.startswith("zh"):
        # Words of 1-4 characters from the 5,000 most common-ish ideographs (U+4E00...).
        chars = [chr(c) for c in range(0x4E00, 0x4E00 + 5000)]
        return ["".join(rng.choice(chars) for _ in range(rng.randint(1, 4))) for _ in range(size)]
    from simplemma.strategies.dictionaries.dictionary_factory import DefaultDictionaryFactory

    dictionary = DefaultDictionaryFactory().get_dictionary(lang)
    words = [w for w in dictionary if w.isalpha() and len(w) > 3]
    rng.shuffle(words)
    return words[:size]


def make_glossary(count: int, rng: random.Random) -> Glossary:
    vocab = {lang: _vocabulary(lang, 40_000, rng) for lang in LANGS}
    concepts = []
    for i in range(count):
        terms = []
        for lang in LANGS:
            words = vocab[lang]
            n = rng.choice([1, 2]) if lang.startswith("zh") else rng.choice([1, 2, 2, 3])
            sep = "" if lang.startswith("zh") else " "
            text = sep.join(rng.choice(words) for _ in range(n))
            while lang.startswith("zh") and len(text) < 2:  # one-character terms are rare
                text += rng.choice(words)
            terms.append(Term(text=text, lang=lang))
            if rng.random() < 0.33:
                syn = sep.join(rng.choice(words) for _ in range(n))
                status = TermStatus.FORBIDDEN if rng.random() < 0.2 else TermStatus.ADMITTED
                terms.append(Term(text=syn, lang=lang, status=status))
        concepts.append(Concept(id=f"c{i:05d}", subject="bench", terms=terms))
    return Glossary(name="bench", concepts=concepts, languages=list(LANGS), priority=1)


def make_text(lang: str, concepts: list[Concept], size: int, rng: random.Random) -> str:
    """~`size` bytes of text: dictionary word forms with glossary terms sprinkled in."""
    vocab = _vocabulary(lang, 100_000, rng)
    terms = [t.text for c in concepts for t in c.terms if t.lang == lang]
    sep = "" if lang.startswith("zh") else " "
    parts: list[str] = []
    total = 0
    while total < size:
        piece = rng.choice(terms) if rng.random() < 0.08 else rng.choice(vocab)
        if rng.random() < 0.07:
            piece += "." if not lang.startswith("zh") else "。"
        parts.append(piece)
        total += len(piece.encode()) + len(sep)
    return sep.join(parts)


CPU: dict[str, float] = {}  # label -> process CPU seconds, next to the wall-clock figures


def time_it(func: Any, label: str | None = None) -> tuple[float, Any]:
    """Wall-clock seconds (and, under `label`, CPU seconds: the machine may be shared)."""
    start, cpu = time.perf_counter(), time.process_time()
    result = func()
    if label:
        CPU[label] = round(time.process_time() - cpu, 3)
    return time.perf_counter() - start, result


# --- lemmatiser comparison -----------------------------------------------------------

# (lang, glossary term, text form, should match)
PAIRS = [
    ("en", "lymph node", "lymph nodes", True),
    ("en", "metastasis", "metastases", True),
    ("en", "aromatase inhibitor", "aromatase inhibitors", True),
    ("en", "tumour", "tumours", True),
    ("en", "axillary dissection", "axillary dissections", True),
    ("en", "biopsy", "biopsies", True),
    ("en", "organ", "organization", False),
    ("en", "form", "formation", False),
    ("en", "cancer", "cancerous", False),
    ("en", "therapy", "therapeutic", False),
    ("en", "node", "nodal", False),
    ("es", "ganglio linfático", "ganglios linfáticos", True),
    ("es", "inhibidor de la aromatasa", "inhibidores de la aromatasa", True),
    ("es", "metástasis ósea", "metástasis óseas", True),
    ("es", "mama", "mamá", False),
    ("es", "tumor", "tumoral", False),
    ("es", "mama", "mamario", False),
    ("fr", "inhibiteur de l'aromatase", "inhibiteurs de l'aromatase", True),
    ("fr", "ganglion lymphatique", "ganglions lymphatiques", True),
    ("fr", "métastase osseuse", "métastases osseuses", True),
    ("fr", "métastase", "métastatique", False),
    ("fr", "sein", "saint", False),
    ("de", "Fernmetastase", "Fernmetastasen", True),
    ("de", "Tumor", "Tumoren", True),
    ("de", "Metastase", "Metastasen", True),
    ("de", "Lymphknoten", "Lymphknotens", True),
    ("de", "Organ", "Organisation", False),
    ("de", "Metastase", "metastasiert", False),
    ("it", "linfonodo", "linfonodi", True),
    ("it", "tumore", "tumori", True),
    ("it", "metastasi ossea", "metastasi ossee", True),
    ("it", "seno", "senso", False),
    ("it", "tumore", "tumorale", False),
    ("pt", "linfonodo", "linfonodos", True),
    ("pt", "metástase", "metástases", True),
    ("pt", "tumor", "tumores", True),
    ("pt", "mama", "mamar", False),
    ("pt", "tumor", "tumoral", False),
]

STRATEGIES = {
    "hybrid (simplemma + snowball fallback)": {"lemmatize": True, "stem": True},
    "simplemma only": {"lemmatize": True, "stem": False},
    "snowball only": {"lemmatize": False, "stem": True},
    "none (casefold only)": {"lemmatize": False, "stem": False},
}


def compare_strategies(rng: random.Random) -> dict[str, Any]:
    import tm.terms as terms_module

    vocabularies = {
        lang: _vocabulary(lang, 20_000, rng) for lang in ["en", "es", "fr", "de", "it", "pt"]
    }
    out: dict[str, Any] = {}
    original = terms_module.Analyzer
    for name, flags in STRATEGIES.items():
        # Build matchers whose analyzers use this strategy.
        terms_module.Analyzer = lambda lang, _f=flags: original(lang, **_f)  # type: ignore[misc,assignment]
        try:
            hits = misses = false_pos = 0
            for lang, term, text, should in PAIRS:
                matcher = TermMatcher([Concept("c", terms=[Term(term, lang)])])
                found = bool(matcher.find(text, lang))
                if should:
                    hits += found
                    misses += not found
                else:
                    false_pos += found
            positives = sum(1 for p in PAIRS if p[3])
            traps = len(PAIRS) - positives
            # Speed: keys for 20,000 distinct real words per language, cold cache.
            per_word = {}
            for lang in ["en", "es", "fr", "de", "it", "pt"]:
                analyzer = original(lang, **flags)
                analyzer.key("metastases")  # dictionary loading is not a per-word cost
                words = vocabularies[lang]
                with gc_paused():
                    cpu = time.process_time()
                    for word in words:
                        analyzer.key(word)
                    seconds = time.process_time() - cpu
                per_word[lang] = round(seconds / len(words) * 1e6, 2)
        finally:
            terms_module.Analyzer = original  # type: ignore[misc]
        out[name] = {
            "recall": f"{hits}/{positives}",
            "false_positives": f"{false_pos}/{traps}",
            "cpu_us_per_distinct_word": per_word,
        }
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--concepts", type=int, default=10_000)
    parser.add_argument("--text-mb", type=float, default=1.0)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--skip-compare", action="store_true")
    parser.add_argument("--only-compare", action="store_true", help="Step 4 only.")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    if args.only_compare:
        print(json.dumps(compare_strategies(rng), indent=2))
        return

    glossary = make_glossary(args.concepts, rng)
    result: dict[str, Any] = {
        "concepts": args.concepts,
        "languages": LANGS,
        "terms": sum(len(c.terms) for c in glossary.concepts),
        "python": platform.python_version(),
    }
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.toml"
        path.write_text(format_glossary(glossary), encoding="utf-8")
        result["toml_bytes"] = path.stat().st_size
        seconds, loaded = time_it(lambda: load_glossary(path), "load_glossary")
    result["load_glossary_s"] = round(seconds, 3)

    # Lemmatiser dictionaries: a one-off cost per process and language.
    dictionary_s = {}
    for lang in LANGS:
        analyzer = Analyzer(lang)
        dictionary_s[lang], _ = time_it(lambda a=analyzer: a.key("warmup"), f"dictionary_{lang}")
    result["lemmatiser_dictionary_load_s"] = {k: round(v, 3) for k, v in dictionary_s.items()}

    matcher = TermMatcher(loaded.concepts)
    build_s = {}
    for lang in LANGS:
        build_s[lang], _ = time_it(lambda lg=lang: matcher.prepare(lg), f"build_{lang}")
    result["matcher_build_s"] = {k: round(v, 3) for k, v in build_s.items()}
    result["load_plus_build_s"] = round(result["load_glossary_s"] + sum(build_s.values()), 3)

    scans = {}
    for lang in LANGS:
        text = make_text(lang, loaded.concepts, int(args.text_mb * 1_000_000), rng)
        cold, hits = time_it(lambda t=text, lg=lang: matcher.find(t, lg), f"scan_cold_{lang}")
        warm, _ = time_it(lambda t=text, lg=lang: matcher.find(t, lg), f"scan_warm_{lang}")
        every, all_hits = time_it(lambda t=text, lg=lang: matcher.find(t, lg, longest=False))
        scans[lang] = {
            "bytes": len(text.encode()),
            "chars": len(text),
            "hits": len(hits),
            "hits_all": len(all_hits),
            "cold_s": round(cold, 3),
            "warm_s": round(warm, 3),
            "longest_false_s": round(every, 3),
        }
    result["scan"] = scans

    # The shipped glossary on real text: the seed articles repeated to 1 MB.
    shipped = ROOT / "glossaries" / "oncology.toml"
    seeds = sorted((ROOT.parent / "shared" / "seeds").glob("*.txt"))
    if shipped.is_file() and seeds:
        seconds, real = time_it(lambda: load_glossary(shipped))
        real_matcher = TermMatcher(real.concepts)
        build, _ = time_it(lambda: real_matcher.prepare("en"))
        article = "\n\n".join(p.read_text(encoding="utf-8") for p in seeds)
        text = article * (int(args.text_mb * 1_000_000) // len(article.encode()) + 1)
        cold, hits = time_it(lambda: real_matcher.find(text, "en"), "seeds_cold")
        warm, _ = time_it(lambda: real_matcher.find(text, "en"), "seeds_warm")
        result["shipped_glossary_on_seeds"] = {
            "concepts": len(real.concepts),
            "terms": sum(len(c.terms) for c in real.concepts),
            "load_s": round(seconds, 3),
            "build_en_s": round(build, 3),
            "text_bytes": len(text.encode()),
            "hits": len(hits),
            "cold_s": round(cold, 3),
            "warm_s": round(warm, 3),
        }

    result["cpu_s"] = dict(CPU)
    result["load_plus_build_cpu_s"] = round(
        CPU["load_glossary"] + sum(CPU[f"build_{lang}"] for lang in LANGS), 3
    )
    try:
        import os

        result["load_average"] = os.getloadavg()
    except OSError:
        pass
    if not args.skip_compare:
        result["strategies"] = compare_strategies(rng)

    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / f"terms_{args.concepts}.json"
    out.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    print(json.dumps(result, indent=2, ensure_ascii=False))
    print(f"written to {out}")


if __name__ == "__main__":
    main()

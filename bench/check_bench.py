"""`tm check` speed: N segment pairs against a generated glossary of C concepts, one thread.

The glossary is written as a real TOML file and loaded with `load_glossaries`; the pairs
are English -> Spanish sentences with 0-3 glossary terms each, most translated right,
some missing, forbidden, deprecated or copied untranslated, so every rule does its work.
Prints the time to load the glossary, to check the pairs (all rules, consistency
included) and, with --tsv, the same through the file reader and service as `tm check`.
The check is single-threaded, so its CPU time is the one-core figure; wall time is
printed too and is higher when other processes share the machine.

Run: .venv/bin/python bench/check_bench.py [--pairs 100000] [--concepts 10000] [--tsv]
                                           [--results bench/results/check.json]
"""

from __future__ import annotations

import argparse
import json
import platform
import random
import resource
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tm.check import Checker, CheckPair  # noqa: E402
from tm.glossary import load_glossaries  # noqa: E402

_SYLLABLES = [
    "ba",
    "be",
    "bi",
    "bo",
    "bu",
    "ca",
    "ce",
    "ci",
    "co",
    "cu",
    "da",
    "de",
    "di",
    "do",
    "du",
    "fa",
    "fe",
    "fi",
    "fo",
    "fu",
    "ga",
    "ge",
    "go",
    "gu",
    "la",
    "le",
    "li",
    "lo",
    "lu",
    "ma",
    "me",
    "mi",
    "mo",
    "mu",
    "na",
    "ne",
    "ni",
    "no",
    "nu",
    "pa",
    "pe",
    "pi",
    "po",
    "pu",
    "ra",
    "re",
    "ri",
    "ro",
    "ru",
    "sa",
    "se",
    "si",
    "so",
    "su",
    "ta",
    "te",
    "ti",
    "to",
    "tu",
    "va",
    "ve",
    "vi",
    "vo",
    "vu",
    "xa",
    "xe",
    "zo",
    "zu",
]
_EN_FILLER = [
    "the",
    "of",
    "and",
    "in",
    "to",
    "with",
    "after",
    "before",
    "may",
    "can",
    "is",
    "are",
    "has",
    "been",
    "for",
    "by",
    "on",
    "at",
    "from",
    "which",
    "patient",
    "patients",
    "treatment",
    "risk",
    "liver",
    "lung",
    "bone",
    "brain",
    "symptom",
    "pain",
    "survival",
    "clinical",
    "trial",
    "drug",
    "resistance",
    "growth",
    "factor",
    "cells",
    "surgery",
    "doctor",
    "women",
    "early",
    "stage",
    "outcome",
    "results",
    "study",
    "group",
    "year",
    "years",
    "higher",
    "lower",
    "reduced",
    "increased",
    "response",
    "follow",
]
_ES_FILLER = [
    "el",
    "la",
    "los",
    "las",
    "de",
    "del",
    "y",
    "en",
    "con",
    "tras",
    "antes",
    "puede",
    "pueden",
    "es",
    "son",
    "ha",
    "sido",
    "para",
    "por",
    "sobre",
    "desde",
    "que",
    "paciente",
    "pacientes",
    "tratamiento",
    "riesgo",
    "hígado",
    "pulmón",
    "hueso",
    "cerebro",
    "síntoma",
    "dolor",
    "supervivencia",
    "ensayo",
    "clínico",
    "fármaco",
    "resistencia",
    "crecimiento",
    "células",
    "cirugía",
    "médico",
    "mujeres",
    "temprano",
    "estadio",
    "resultado",
    "resultados",
    "estudio",
    "grupo",
    "año",
    "años",
    "mayor",
    "menor",
]


def pseudo_word(rng: random.Random, seen: set[str]) -> str:
    while True:
        word = "".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(3, 4)))
        if word not in seen:
            seen.add(word)
            return word


def make_glossary(path: Path, concepts: int, rng: random.Random) -> list[dict[str, object]]:
    """Write a TOML glossary; return per concept its en/es terms for the pair generator."""
    seen: set[str] = set()
    entries: list[dict[str, object]] = []
    lines = ['[glossary]\nname = "bench"\nlanguages = ["en", "es"]\n']
    for i in range(concepts):
        n = rng.choice((1, 1, 2, 2, 3))
        en = " ".join(pseudo_word(rng, seen) for _ in range(n))
        es = " ".join(pseudo_word(rng, seen) for _ in range(n))
        entry: dict[str, object] = {"en": en, "es": es}
        es_terms = [json.dumps(es, ensure_ascii=False)]
        if i % 10 == 0:
            bad = pseudo_word(rng, seen)
            entry["forbidden"] = bad
            es_terms.append(f'{{ text = "{bad}", status = "forbidden" }}')
        if i % 10 == 5:
            old = pseudo_word(rng, seen)
            entry["deprecated"] = old
            es_terms.append(f'{{ text = "{old}", status = "deprecated" }}')
        lines.append(
            f'[[concept]]\nid = "c{i}"\nterms.en = [{json.dumps(en)}]\n'
            f"terms.es = [{', '.join(es_terms)}]\n"
        )
        entries.append(entry)
    path.write_text("\n".join(lines), encoding="utf-8")
    return entries


def make_pairs(
    n: int, entries: list[dict[str, object]], rng: random.Random
) -> list[tuple[str, str]]:
    pairs = []
    for _ in range(n):
        src = [rng.choice(_EN_FILLER) for _ in range(rng.randint(6, 16))]
        tgt = [rng.choice(_ES_FILLER) for _ in range(len(src))]
        for _ in range(rng.choice((0, 1, 1, 2, 2, 3))):
            entry = rng.choice(entries)
            pos = rng.randrange(len(src) + 1)
            src.insert(pos, str(entry["en"]))
            roll = rng.random()
            if roll < 0.85:
                tgt.insert(pos, str(entry["es"]))
            elif roll < 0.90:
                tgt.insert(pos, str(entry.get("forbidden") or entry.get("deprecated") or ""))
            elif roll < 0.95:
                tgt.insert(pos, str(entry["en"]))  # copied untranslated
            # else: left out (missing-term)
        pairs.append((" ".join(src).capitalize() + ".", " ".join(tgt).capitalize() + "."))
    return pairs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--pairs", type=int, default=100_000)
    parser.add_argument("--concepts", type=int, default=10_000)
    parser.add_argument("--tsv", action="store_true", help="also time the whole service run")
    parser.add_argument("--results", type=Path, help="append the figures to this JSON file")
    args = parser.parse_args()

    rng = random.Random(11)
    results: dict[str, object] = {
        "bench": "check",
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": f"{platform.machine()} {platform.python_version()}",
        "pairs": args.pairs,
        "concepts": args.concepts,
    }
    with tempfile.TemporaryDirectory() as tmp:
        gpath = Path(tmp) / "bench.toml"
        entries = make_glossary(gpath, args.concepts, rng)
        raw = make_pairs(args.pairs, entries, rng)

        t0 = time.perf_counter()
        glossary = load_glossaries([str(gpath)])
        matcher = glossary.matcher
        matcher.prepare("en")
        matcher.prepare("es")
        results["glossary_load_index_s"] = round(time.perf_counter() - t0, 2)

        checker = Checker(matcher, glossary.concepts)
        c0 = time.process_time()
        t0 = time.perf_counter()
        pairs = (
            CheckPair(tgt, "es", src, "en", file="bench.tsv", line=i)
            for i, (src, tgt) in enumerate(raw, start=2)
        )
        findings = list(checker.run(pairs))
        seconds = time.perf_counter() - t0
        cpu = time.process_time() - c0
        results["check_s"] = round(seconds, 2)
        # CPU time too: on a shared machine wall time includes waiting for the core.
        results["check_cpu_s"] = round(cpu, 2)
        results["pairs_per_s"] = round(args.pairs / seconds)
        by_rule: dict[str, int] = {}
        for f in findings:
            by_rule[f.rule] = by_rule.get(f.rule, 0) + 1
        results["findings"] = by_rule
        print(
            f"glossary: {args.concepts} concepts loaded and indexed in "
            f"{results['glossary_load_index_s']} s"
        )
        print(
            f"check:    {args.pairs} pairs in {seconds:.2f} s wall, {cpu:.2f} s CPU "
            f"({results['pairs_per_s']} pairs/s), findings {by_rule}"
        )

        if args.tsv:
            from tm.services.check import CheckOptions, run_check

            tsv = Path(tmp) / "bench.tsv"
            with tsv.open("w", encoding="utf-8") as fh:
                fh.write("en\tes\n")
                fh.writelines(f"{s}\t{t}\n" for s, t in raw)
            c0 = time.process_time()
            t0 = time.perf_counter()
            result = run_check(
                CheckOptions(
                    paths=[str(tsv)], glossaries=[str(gpath)], source_lang="en", target_lang="es"
                )
            )
            total = time.perf_counter() - t0
            results["service_tsv_s"] = round(total, 2)
            results["service_tsv_cpu_s"] = round(time.process_time() - c0, 2)
            print(
                f"service:  tm check on a {args.pairs}-row TSV (glossary load included) "
                f"in {total:.2f} s wall, {results['service_tsv_cpu_s']} s CPU, "
                f"{len(result.findings)} findings, "
                f"{len(result.errors)} input errors"
            )
        results["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    if args.results:
        args.results.parent.mkdir(parents=True, exist_ok=True)
        existing = json.loads(args.results.read_text()) if args.results.exists() else []
        existing.append(results)
        args.results.write_text(json.dumps(existing, indent=2) + "\n")


if __name__ == "__main__":
    main()

"""Pre-translation throughput: a generated 10,000-segment article against a large TM.

The document mixes what a real job holds: sentences stored in the TM (exact matches),
TM sentences with one word changed (fuzzy), repetitions inside the document, and new
sentences (no match). It is pre-translated end to end (segmentation, batch lookup,
glossary, XLIFF 2.1 writing, analysis) and the figure reported is segments per second.

The TM: `--db URL`, normally the databases bench/fuzzy_bench.py leaves under bench/data/
(`fuzzy_100000.sqlite3`, `fuzzy_1000000.sqlite3`: real English sentences with French
targets); else a synthetic English-Spanish TM of `--tm-units` units built once and
cached under bench/data/ (its 90-word vocabulary makes every sentence a candidate for
every other, a worst case rather than a realistic one).

Run:
  .venv/bin/python bench/pretranslate_bench.py --db sqlite:///bench/data/fuzzy_1000000.sqlite3
  .venv/bin/python bench/pretranslate_bench.py --db sqlite:///bench/data/fuzzy_100000.sqlite3 \
      --analysis-floor 75 --results bench/results/pretranslate.json
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

from sqlalchemy import text  # noqa: E402

from tm.models import Status, Unit, Variant  # noqa: E402
from tm.services.memory import import_units  # noqa: E402
from tm.services.pretranslate import pretranslate  # noqa: E402
from tm.store import Store  # noqa: E402

DATA = ROOT / "bench" / "data"
_VOCABULARY = (
    "breast cancer recurrence metastasis lymph node tamoxifen aromatase inhibitor chemotherapy "
    "radiotherapy surgery patient tumour cell immune therapy targeted treatment risk liver lung "
    "bone brain symptom pain survival clinical trial drug resistance growth factor stem cells "
    "early late local distant adjuvant neoadjuvant hormone receptor positive negative biopsy "
    "imaging scan dose week month year doctor nurse family support diet exercise fatigue "
    "the of and in to with after before may can is are has been for by on at from which"
)
WORDS = _VOCABULARY.split()


def sentence(rng: random.Random, words: list[str] = WORDS) -> str:
    n = max(4, int(rng.lognormvariate(2.4, 0.4)))
    out = " ".join(rng.choice(words) for _ in range(n))
    return out[0].upper() + out[1:] + "."


def fake_spanish(source: str) -> str:
    return "ES " + source[::-1]


def build_tm(url: str, units: int, seed: int = 11) -> None:
    """A synthetic TM of `units` en->es pairs in memory `bench`."""
    rng = random.Random(seed)
    store = Store(url)
    store.upgrade()

    def gen() -> object:
        for i in range(units):
            src = sentence(rng)
            yield Unit(
                [Variant("en", src), Variant("es", fake_spanish(src))],
                source_lang="en",
                unit_id=str(i),
                status=Status.TRANSLATED,
            )

    started = time.perf_counter()
    import_units(store, gen(), memory="bench", origin_file="synthetic")  # type: ignore[arg-type]
    print(f"built a {units:,}-unit TM in {time.perf_counter() - started:.0f} s", flush=True)
    store.dispose()


def sample_sources(url: str, n: int, seed: int = 5) -> tuple[list[str], str, str]:
    """`n` English source texts from the TM, and its memory name and target language."""
    store = Store(url)
    with store.engine.connect() as conn:
        memory = conn.execute(text("SELECT name FROM memory ORDER BY id LIMIT 1")).scalar_one()
        target = conn.execute(
            text("SELECT lang FROM variant WHERE lang_key <> 'en' LIMIT 1")
        ).scalar_one()
        total = conn.execute(text("SELECT max(id) FROM variant")).scalar_one()
        rng = random.Random(seed)
        ids = sorted(rng.sample(range(1, total + 1), min(total, n * 3)))
        rows: list[str] = []
        for start in range(0, len(ids), 900):
            chunk = ids[start : start + 900]
            rows += (
                conn.execute(
                    text(
                        "SELECT text FROM variant WHERE lang_key = 'en' AND id IN ("
                        + ",".join(str(i) for i in chunk)
                        + ")"
                    )
                )
                .scalars()
                .all()
            )
    store.dispose()
    texts = [t for t in rows if t.endswith(".") and "\n" not in t][:n]
    return texts, memory, target


def make_document(
    path: Path, tm_sources: list[str], segments: int, seed: int = 3
) -> dict[str, int]:
    """Write a plain-text article of `segments` sentences; returns the planned mix.

    New sentences draw their words from the TM's own vocabulary, so they look like the
    memory's text without being in it (the no-match lookups cost as much as real ones).
    """
    rng = random.Random(seed)
    vocabulary = sorted({w.strip(".,;:()") for t in tm_sources for w in t.split()} - {""})
    vocabulary = vocabulary or WORDS
    mix = {"exact": 0, "fuzzy": 0, "repeat": 0, "new": 0}
    sentences: list[str] = []
    for _ in range(segments):
        roll = rng.random()
        if roll < 0.25 and tm_sources:
            sentences.append(rng.choice(tm_sources))
            mix["exact"] += 1
        elif roll < 0.5 and tm_sources:
            words = rng.choice(tm_sources).rstrip(".").split()
            words[rng.randrange(len(words))] = rng.choice(WORDS)
            sentences.append(" ".join(words) + ".")
            mix["fuzzy"] += 1
        elif roll < 0.6 and sentences:
            sentences.append(rng.choice(sentences))
            mix["repeat"] += 1
        else:
            sentences.append(sentence(rng, vocabulary))
            mix["new"] += 1
    paragraphs = [" ".join(sentences[i : i + 5]) for i in range(0, len(sentences), 5)]
    path.write_text("\n\n".join(paragraphs) + "\n", encoding="utf-8")
    return mix


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", help="TM database URL (default: build a synthetic one)")
    parser.add_argument("--tm-units", type=int, default=100_000)
    parser.add_argument("--segments", type=int, default=10_000)
    parser.add_argument("--format", default="xliff2", choices=["xliff2", "xliff12", "po"])
    parser.add_argument("--results", help="append the figures to this JSON file")
    parser.add_argument(
        "--analysis-floor", type=int, default=50, help="lowest score looked up (report bands)"
    )
    args = parser.parse_args()

    url = args.db
    if url is None:
        DATA.mkdir(parents=True, exist_ok=True)
        path = DATA / f"pretranslate-tm-{args.tm_units}.sqlite3"
        url = f"sqlite:///{path}"
        if not path.exists():
            build_tm(url, args.tm_units)
    sources, memory, target = sample_sources(url, 2000)
    store = Store(url)
    with store.engine.connect() as conn:
        tm_units = conn.execute(text("SELECT count(*) FROM unit")).scalar_one()
    with tempfile.TemporaryDirectory() as tmp:
        doc = Path(tmp) / "article.en.txt"
        mix = make_document(doc, sources, args.segments)
        started = time.perf_counter()
        result = pretranslate(
            store,
            [doc],
            source_lang="en",
            target_lang=target,
            memory=memory,
            format=args.format,
            out=Path(tmp) / "out.xlf",
            use_glossary=True,
            analysis_floor=args.analysis_floor,
        )
        seconds = time.perf_counter() - started
    store.dispose()
    bands = result.analysis.bands
    figures = {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": f"{platform.node()} {platform.machine()} python {platform.python_version()}",
        "database": url.split("://")[0],
        "tm_units": tm_units,
        "segments": result.segments,
        "lookups": result.lookups,
        "planned_mix": mix,
        "bands": {k: v.segments for k, v in bands.items()},
        "seconds": round(seconds, 2),
        "segments_per_second": round(result.segments / seconds, 1),
        "format": args.format,
        "analysis_floor": args.analysis_floor,
        "max_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
    }
    print(json.dumps(figures, indent=2))
    if args.results:
        out = Path(args.results)
        out.parent.mkdir(parents=True, exist_ok=True)
        history = json.loads(out.read_text()) if out.exists() else []
        history.append(figures)
        out.write_text(json.dumps(history, indent=2) + "\n")


if __name__ == "__main__":
    main()

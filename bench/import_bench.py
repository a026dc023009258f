"""Import speed: a generated N-unit multilingual TMX into SQLite and PostgreSQL.

Prints units/s for each backend and can append the figures to a JSON results file.
Run: .venv/bin/python bench/import_bench.py --units 100000 [--languages 2] [--repeat 5] [--pg]
     [--results bench/results/import.json]
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
import uuid
from datetime import UTC, datetime
from pathlib import Path
from xml.sax.saxutils import escape

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import create_engine, text  # noqa: E402

from tm.services.memory import import_files  # noqa: E402
from tm.store import Store  # noqa: E402

SEEDS = ROOT / "examples" / "articles"
_FALLBACK_WORDS = (
    "breast cancer recurrence metastasis lymph node tamoxifen aromatase inhibitor chemotherapy "
    "radiotherapy surgery patient tumour cell immune therapy targeted treatment risk liver lung "
    "bone brain symptom pain survival clinical trial drug resistance growth factor stem cells "
    "the of and in to with after before may can is are has been for by on at from which"
).split()


def vocabulary() -> list[str]:
    words: list[str] = []
    for path in sorted(SEEDS.glob("*.en.txt")):
        words.extend(w.strip(".,;:()“”\"'").lower() for w in path.read_text("utf-8").split())
    words = [w for w in words if w.isalpha()]
    return words or _FALLBACK_WORDS


def sentence(rng: random.Random, words: list[str]) -> str:
    n = max(3, int(rng.lognormvariate(2.4, 0.45)))
    out = " ".join(rng.choice(words) for _ in range(n))
    return out[0].upper() + out[1:] + "."


def write_tmx(path: Path, units: int, seed: int = 7, languages: int = 3) -> None:
    rng = random.Random(seed)
    words = vocabulary()
    with path.open("w", encoding="utf-8") as f:
        f.write('<?xml version="1.0" encoding="UTF-8"?>\n<tmx version="1.4">\n')
        f.write(
            '<header creationtool="bench" creationtoolversion="1" segtype="sentence" '
            'o-tmf="bench" adminlang="en" srclang="en" datatype="plaintext"/>\n<body>\n'
        )
        for i in range(units):
            en = sentence(rng, words)
            es = "ES " + en  # distinct target text; content does not matter for speed
            de = "DE " + en
            tuvs = [("en", en), ("es", es), ("de", de)][:languages]
            f.write(
                f'<tu tuid="b{i}" creationdate="20260101T000000Z">'
                + "".join(
                    f'<tuv xml:lang="{lang}"><seg>{escape(text)} {i}</seg></tuv>'
                    for lang, text in tuvs
                )
                + "</tu>\n"
            )
        f.write("</body>\n</tmx>\n")


def run(url: str, tmx: Path, units: int) -> dict[str, object]:
    store = Store(url)
    store.upgrade()
    started = time.perf_counter()
    report = import_files(store, [tmx], memory="bench")
    seconds = time.perf_counter() - started
    store.dispose()
    assert report.added == units, (report.added, units)
    return {
        "units": units,
        "seconds": round(seconds, 2),
        "units_per_second": round(units / seconds),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--units", type=int, default=100_000)
    parser.add_argument(
        "--languages",
        type=int,
        choices=[2, 3],
        default=3,
        help="languages per unit: 2 is a translation pair (en, es), 3 adds de",
    )
    parser.add_argument("--repeat", type=int, default=1, help="SQLite runs; the median is kept")
    parser.add_argument("--pg", action="store_true", help="also run on PostgreSQL")
    parser.add_argument(
        "--pg-admin-url", default="postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
    )
    parser.add_argument("--results", type=Path, help="append the figures to this JSON file")
    args = parser.parse_args()

    results: dict[str, object] = {
        "bench": "import",
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": f"{platform.machine()} {platform.python_version()}",
        "languages_per_unit": args.languages,
    }
    with tempfile.TemporaryDirectory() as tmp:
        tmx = Path(tmp) / "bench.tmx"
        t0 = time.perf_counter()
        write_tmx(tmx, args.units, languages=args.languages)
        print(
            f"generated {args.units} units ({tmx.stat().st_size / 1e6:.1f} MB) "
            f"in {time.perf_counter() - t0:.1f} s"
        )
        runs = []
        for i in range(args.repeat):
            sqlite_path = Path(tmp) / f"bench{i}.sqlite3"
            res = run(f"sqlite:///{sqlite_path}", tmx, args.units)
            res["database_mb"] = round(
                sum(p.stat().st_size for p in Path(tmp).glob(f"bench{i}.sqlite3*")) / 1e6, 1
            )
            for p in Path(tmp).glob(f"bench{i}.sqlite3*"):
                p.unlink()
            runs.append(res)
            print(f"SQLite:     {res}")
        # The median run: this machine's speed moves by 10-20% between runs.
        runs.sort(key=lambda r: int(r["units_per_second"]))  # type: ignore[call-overload]
        res = dict(runs[len(runs) // 2])
        if len(runs) > 1:
            res["runs_units_per_second"] = [r["units_per_second"] for r in runs]
        results["sqlite"] = res
        if args.pg:
            name = f"tm_bench_{uuid.uuid4().hex[:8]}"
            admin = create_engine(args.pg_admin_url, isolation_level="AUTOCOMMIT")
            with admin.connect() as conn:
                conn.execute(text(f'CREATE DATABASE "{name}"'))
            try:
                url = args.pg_admin_url.rsplit("/", 1)[0] + f"/{name}"
                res = run(url, tmx, args.units)
                results["postgresql"] = res
                print(f"PostgreSQL: {res}")
            finally:
                with admin.connect() as conn:
                    conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
                admin.dispose()
    if args.results:
        args.results.parent.mkdir(parents=True, exist_ok=True)
        existing = json.loads(args.results.read_text()) if args.results.exists() else []
        existing.append(results)
        args.results.write_text(json.dumps(existing, indent=2) + "\n")


if __name__ == "__main__":
    main()

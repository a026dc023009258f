"""Print the fuzzy benchmark results (bench/results/fuzzy_*.json) as a Markdown table."""

from __future__ import annotations

import json
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results"


def main() -> None:
    rows = []
    for path in sorted(RESULTS.glob("fuzzy_*_*.json")):
        r = json.loads(path.read_text())
        rows.append(r)
    rows.sort(key=lambda r: (r["backend"] != "sqlite", r["size"]))
    print(
        "| backend | units | recall@1 | p50 / p95 / p99 ms | no match p50 / p95 | "
        "1-3 words p50 / p95 | 60+ words p50 / p95 | batch ms/segment | lookup RSS MB | "
        "DB MB (index) | import units/s (index s) |"
    )
    print("|" + " --- |" * 11)
    for r in rows:
        b = r["build"]
        tables = b.get("table_bytes", {})
        index_mb = sum(v for k, v in tables.items() if k.startswith("fuzzy_")) / 2**20
        s, nm = r["single"], r["single_no_match"]
        short, long = r["single_short_1_3_words"], r["single_long_60_plus_words"]
        rss = r.get("lookup_process_peak_rss_mb", r.get("lookup_process_max_rss_mb"))
        print(
            f"| {r['backend']} | {r['size']:,} | {r['recall_at_1']:.3f} "
            f"({r['with_true_match']}) | {s['p50_ms']:.2f} / {s['p95_ms']:.2f} / "
            f"{s['p99_ms']:.2f} | {nm['p50_ms']:.2f} / {nm['p95_ms']:.2f} | "
            f"{short['p50_ms']:.2f} / {short['p95_ms']:.2f} | "
            f"{long['p50_ms']:.2f} / {long['p95_ms']:.2f} | {r['batch_ms_per_segment']:.2f} | "
            f"{rss} | {b['db_bytes'] / 2**20:,.0f} ({index_mb:,.0f}) | "
            + (
                f"COPY, then index rebuild {b['index_rebuild_seconds']} s |"
                if "loaded_by" in b
                else f"{b['import_units_per_second']:,} ({b['index_seconds']}) |"
            )
        )


if __name__ == "__main__":
    main()

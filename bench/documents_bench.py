"""Time reading, segmenting and rebuilding a 10,000-segment article in each format.

Usage: .venv/bin/python bench/documents_bench.py
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tm.documents import parse_document  # noqa: E402
from tm.segment import default_rules  # noqa: E402

PARAGRAPH = (
    "Tamoxifen is taken as one {b}20 mg tablet{/b} daily. Dr. Patel explains the side "
    "effects, e.g. hot flushes, at the first visit. Adherence drops to approx. 50% by year "
    "five. See {a}the leaflet{/a} for details."
)


def article(fmt: str, paragraphs: int) -> str:
    if fmt == "markdown":
        p = PARAGRAPH.format(b="**", a="[", **{"/b": "**", "/a": "](https://x.org/l.pdf)"})
        return "\n\n".join(f"## Part {i}\n\n{p}" for i in range(paragraphs)) + "\n"
    if fmt == "html":
        p = PARAGRAPH.format(b="<b>", a='<a href="/l.pdf">', **{"/b": "</b>", "/a": "</a>"})
        body = "\n".join(f"<h2>Part {i}</h2>\n<p>{p}</p>" for i in range(paragraphs))
        return f'<!DOCTYPE html>\n<html lang="en"><body>\n{body}\n</body></html>\n'
    p = PARAGRAPH.format(b="", a="", **{"/b": "", "/a": ""})
    return "\n\n".join(f"Part {i}\n\n{p}" for i in range(paragraphs)) + "\n"


def main() -> None:
    default_rules().plan_for("en")
    paragraphs = 2000  # 5 segments each (heading + 4 sentences)
    for fmt in ("text", "markdown", "html"):
        source = article(fmt, paragraphs)
        t0 = time.perf_counter()
        doc = parse_document(source, fmt)
        t1 = time.perf_counter()
        segments = doc.segments("en")
        t2 = time.perf_counter()
        translations = {s.id: (s.text.upper(), s.codes) for s in segments}
        doc.render(translations, target_lang="de")
        t3 = time.perf_counter()
        print(
            f"{fmt:<9} {len(segments):>6} segments, {len(source):>9,} chars: read {t1 - t0:.2f} s, "
            f"segment {t2 - t1:.2f} s, rebuild {t3 - t2:.2f} s"
        )


if __name__ == "__main__":
    main()

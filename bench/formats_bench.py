"""Read/write throughput of the file formats (units per second), on generated files.

Run: .venv/bin/python bench/formats_bench.py [--units 100000]
Not part of pytest. Figures depend on the machine; the import target is 20k units/s
end to end, so a reader must be several times faster than that.
"""

from __future__ import annotations

import argparse
import functools
import io
import tempfile
import time
from collections.abc import Callable, Iterable
from pathlib import Path

from tm.formats import read_units, write_units
from tm.models import InlineCode, Unit, Variant, code_char


def generate_tmx(path: Path, n: int, *, codes: bool, dates: bool = True) -> None:
    """A TMX of n two-language tus (optionally each with a bpt/ept pair and a ph)."""
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(
            '<?xml version="1.0" encoding="UTF-8"?>\n<tmx version="1.4">\n<header '
            'creationtool="bench" creationtoolversion="1" segtype="sentence" o-tmf="bench" '
            'adminlang="en" srclang="en-US" datatype="plaintext"/>\n<body>\n'
        )
        b, e, ph = "", "", ""
        date = ' creationdate="20240101T000000Z"' if dates else ""
        if codes:
            b = '<bpt i="1">&lt;b&gt;</bpt>'
            e = '<ept i="1">&lt;/b&gt;</ept>'
            ph = '<ph x="2">&lt;br/&gt;</ph>'
        for i in range(n):
            fh.write(
                f'<tu tuid="{i}"{date}><tuv xml:lang="en-US"><seg>'
                f"The patient received {b}{i} cycles{e} of adjuvant chemotherapy.{ph}</seg>"
                f'</tuv><tuv xml:lang="de-DE"><seg>Der Patient erhielt {b}{i} Zyklen{e} '
                f"adjuvanter Chemotherapie.{ph}</seg></tuv></tu>\n"
            )
        fh.write("</body>\n</tmx>\n")


def units(n: int) -> Iterable[Unit]:
    codes = (
        InlineCode("open", "1", "bpt", "<b>"),
        InlineCode("close", "1", "ept", "</b>"),
    )
    for i in range(n):
        yield Unit(
            [
                Variant(
                    "en-US", f"The patient received {code_char(0)}{i}{code_char(1)} cycles.", codes
                ),
                Variant(
                    "de-DE", f"Der Patient erhielt {code_char(0)}{i}{code_char(1)} Zyklen.", codes
                ),
            ],
            source_lang="en-US",
            unit_id=str(i),
        )


def write_file(path: Path, n: int, fmt: str) -> int:
    return write_units(path, units(n), format=fmt, source_lang="en-US", target_lang="de-DE")


def count_units(path: Path) -> int:
    return sum(1 for _ in read_units(path))


def timed(label: str, n: int, action: Callable[[], int]) -> None:
    """Print wall-clock and CPU throughput (CPU is steadier on a shared machine)."""
    started, cpu_started = time.perf_counter(), time.process_time()
    count = action()
    elapsed = time.perf_counter() - started
    cpu = time.process_time() - cpu_started
    print(
        f"{label:<34} {count:>8,} units {elapsed:6.2f} s wall {count / elapsed:>9,.0f}/s"
        f"   cpu {count / cpu:>9,.0f}/s"
    )
    assert count == n, (label, count, n)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--units", type=int, default=100_000)
    n = parser.parse_args().units
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        bare, plain, coded = base / "bare.tmx", base / "plain.tmx", base / "coded.tmx"
        generate_tmx(bare, n, codes=False, dates=False)
        generate_tmx(plain, n, codes=False)
        generate_tmx(coded, n, codes=True)
        print(f"{n:,} tus: plain TMX {plain.stat().st_size / 1e6:.1f} MB")
        timed("read TMX, plain text, no dates", n, functools.partial(count_units, bare))
        timed("read TMX, plain text, dated tus", n, functools.partial(count_units, plain))
        timed("read TMX, 3 inline codes per seg", n, functools.partial(count_units, coded))
        for fmt, ext in [
            ("tmx", "tmx"),
            ("xliff12", "xlf"),
            ("xliff2", "xlf"),
            ("po", "po"),
            ("csv", "csv"),
        ]:
            out = base / f"out-{fmt}.{ext}"
            timed(f"write {fmt}", n, functools.partial(write_file, out, n, fmt))
            if fmt != "tmx":
                timed(f"read {fmt}", n, functools.partial(count_units, out))
        sink = io.BytesIO()
        timed("write TMX to memory", n, lambda: write_units(sink, units(n), format="tmx"))


if __name__ == "__main__":
    main()

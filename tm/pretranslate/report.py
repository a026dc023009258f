"""Analysis report of a pre-translation job, as CAT tools give it: work per match band.

A project manager prices and plans a job from this table: segments, words and characters
in each band (in context, 100%, 95-99% ... no match, repetitions), per file and for the
whole job. Rendered as text for a terminal, JSON for scripts and a self-contained HTML
page (no scripts, no external files) that opens anywhere.

Counting conventions: a repetition is the second or later occurrence of an identical
source segment in the whole job and sits in its own row; the first occurrence carries
the band of its best match. Words follow `tm.wordcount` (Chinese and Japanese by
characters).
"""

from __future__ import annotations

import html
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from tm.pretranslate.model import (
    BAND_LABELS,
    BANDS,
    BilingualFile,
    SegmentState,
)


@dataclass
class BandTotals:
    """Segments, words and characters in one band."""

    segments: int = 0
    words: int = 0
    characters: int = 0

    def add(self, *, segments: int, words: int, characters: int) -> None:
        self.segments += segments
        self.words += words
        self.characters += characters

    def to_dict(self) -> dict[str, int]:
        return {"segments": self.segments, "words": self.words, "characters": self.characters}


def _empty_bands() -> dict[str, BandTotals]:
    return {band: BandTotals() for band in BANDS}


@dataclass
class FileAnalysis:
    """The band table of one file, plus what pre-translation did to it."""

    name: str
    source_lang: str
    target_lang: str
    bands: dict[str, BandTotals] = field(default_factory=_empty_bands)
    states: dict[str, int] = field(default_factory=dict)
    adapted: int = 0
    glossary_hits: int = 0

    @property
    def total(self) -> BandTotals:
        out = BandTotals()
        for totals in self.bands.values():
            out.add(segments=totals.segments, words=totals.words, characters=totals.characters)
        return out

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "source_lang": self.source_lang,
            "target_lang": self.target_lang,
            "bands": {band: self.bands[band].to_dict() for band in BANDS},
            "total": self.total.to_dict(),
            "states": dict(self.states),
            "adapted": self.adapted,
            "glossary_hits": self.glossary_hits,
        }


@dataclass
class Analysis:
    """The whole job: one table per file and their sum."""

    files: list[FileAnalysis]
    memory: str | None = None
    min_score: float = 75.0
    created_at: datetime = field(default_factory=lambda: datetime.now(UTC))

    @property
    def bands(self) -> dict[str, BandTotals]:
        out = _empty_bands()
        for file in self.files:
            for band, totals in file.bands.items():
                out[band].add(
                    segments=totals.segments, words=totals.words, characters=totals.characters
                )
        return out

    @property
    def total(self) -> BandTotals:
        out = BandTotals()
        for file in self.files:
            t = file.total
            out.add(segments=t.segments, words=t.words, characters=t.characters)
        return out

    @property
    def states(self) -> dict[str, int]:
        out = {state.value: 0 for state in SegmentState}
        for file in self.files:
            for state, n in file.states.items():
                out[state] = out.get(state, 0) + n
        return out

    @property
    def languages(self) -> str:
        pairs = sorted({f"{f.source_lang} -> {f.target_lang}" for f in self.files})
        return ", ".join(pairs)

    def to_dict(self) -> dict[str, Any]:
        """JSON form; band keys are stable (see tm.pretranslate.model.BANDS)."""
        bands = self.bands
        return {
            "created_at": self.created_at.isoformat(timespec="seconds"),
            "memory": self.memory,
            "min_score": self.min_score,
            "band_order": list(BANDS),
            "bands": {band: bands[band].to_dict() for band in BANDS},
            "total": self.total.to_dict(),
            "states": self.states,
            "adapted": sum(f.adapted for f in self.files),
            "glossary_hits": sum(f.glossary_hits for f in self.files),
            "files": [f.to_dict() for f in self.files],
        }


def analyse(
    files: Sequence[BilingualFile], *, memory: str | None = None, min_score: float = 75.0
) -> Analysis:
    """Sum each file's segments into the band table (bands are set by the service)."""
    out: list[FileAnalysis] = []
    for file in files:
        fa = FileAnalysis(file.name, file.source_lang, file.target_lang)
        for seg in file.segments:
            fa.bands[seg.band].add(segments=1, words=seg.words, characters=seg.characters)
            fa.states[seg.state.value] = fa.states.get(seg.state.value, 0) + 1
            fa.adapted += 1 if seg.adapted else 0
            fa.glossary_hits += len(seg.glossary)
        out.append(fa)
    return Analysis(out, memory=memory, min_score=min_score)


def _percent(part: int, whole: int) -> str:
    return f"{100.0 * part / whole:.1f}" if whole else "0.0"


def _table_rows(bands: dict[str, BandTotals], total: BandTotals) -> list[tuple[str, ...]]:
    rows: list[tuple[str, ...]] = [
        (
            BAND_LABELS[band],
            str(bands[band].segments),
            str(bands[band].words),
            str(bands[band].characters),
            _percent(bands[band].words, total.words),
        )
        for band in BANDS
    ]
    rows.append(("Total", str(total.segments), str(total.words), str(total.characters), "100.0"))
    return rows


_HEADERS = ("Band", "Segments", "Words", "Characters", "% words")


def _format_table(rows: list[tuple[str, ...]]) -> list[str]:
    widths = [max(len(r[i]) for r in [_HEADERS, *rows]) for i in range(len(_HEADERS))]

    def fmt(row: tuple[str, ...]) -> str:
        first = row[0].ljust(widths[0])
        rest = [cell.rjust(widths[i + 1]) for i, cell in enumerate(row[1:])]
        return "  ".join([first, *rest])

    rule = "-" * len(fmt(_HEADERS))
    lines = [fmt(_HEADERS), rule]
    lines += [fmt(r) for r in rows[:-1]]
    lines += [rule, fmt(rows[-1])]
    return lines


def render_text(analysis: Analysis) -> str:
    """The report for a terminal or a text file: job table first, then one per file."""
    head = (
        f"Pre-translation analysis: {len(analysis.files)} file(s), {analysis.languages}, "
        f"memory {analysis.memory or 'all'}, matches applied from {analysis.min_score:g}%"
    )
    lines = [head, ""]
    lines += _format_table(_table_rows(analysis.bands, analysis.total))
    states = analysis.states
    ready = states.get(SegmentState.FINAL_READY.value, 0)
    review = states.get(SegmentState.REVIEW.value, 0)
    copied = states.get(SegmentState.SOURCE_COPY.value, 0)
    todo = states.get(SegmentState.UNTRANSLATED.value, 0)
    lines += [
        "",
        f"Segments: {ready} ready to confirm (in context/100%), {review} to review (fuzzy), "
        f"{copied} with the source copied, {todo} to translate",
        f"Auto-adapted matches (numbers, placeholders): {sum(f.adapted for f in analysis.files)}; "
        f"glossary terms found: {sum(f.glossary_hits for f in analysis.files)}",
    ]
    if len(analysis.files) > 1:
        for file in analysis.files:
            lines += ["", f"{file.name} ({file.source_lang} -> {file.target_lang})"]
            lines += _format_table(_table_rows(file.bands, file.total))
    return "\n".join(lines) + "\n"


def render_json(analysis: Analysis) -> str:
    return json.dumps(analysis.to_dict(), ensure_ascii=False, indent=2) + "\n"


_CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;margin:2rem;color:#1b1f24;
max-width:64rem}
h1{font-size:1.4rem;margin-bottom:.2rem}h2{font-size:1.1rem;margin-top:2rem}
.meta{color:#57606a;margin:0 0 1rem}
table{border-collapse:collapse;width:100%;margin:.5rem 0}
th,td{padding:.35rem .6rem;border-bottom:1px solid #d0d7de;text-align:right}
th:first-child,td:first-child{text-align:left}
thead th{background:#f6f8fa}tfoot td{font-weight:600;border-top:2px solid #57606a}
td.bar{width:30%;text-align:left}
.bar span{display:inline-block;height:.8rem;background:#2f81f7;border-radius:2px}
tr.b-in-context .bar span,tr.b-100 .bar span{background:#1a7f37}
tr.b-no-match .bar span{background:#cf222e}tr.b-repetitions .bar span{background:#8250df}
.cards{display:flex;gap:1rem;flex-wrap:wrap}
.card{border:1px solid #d0d7de;border-radius:6px;padding:.6rem 1rem;min-width:10rem}
.card b{display:block;font-size:1.3rem}
@media print{body{margin:0}}
"""


def _html_table(bands: dict[str, BandTotals], total: BandTotals) -> str:
    body = []
    for band in BANDS:
        t = bands[band]
        pct = _percent(t.words, total.words)
        body.append(
            f'<tr class="b-{band}"><td>{html.escape(BAND_LABELS[band])}</td>'
            f"<td>{t.segments}</td><td>{t.words}</td><td>{t.characters}</td><td>{pct}</td>"
            f'<td class="bar"><span style="width:{pct}%"></span></td></tr>'
        )
    return (
        "<table><thead><tr><th>Band</th><th>Segments</th><th>Words</th><th>Characters</th>"
        "<th>% words</th><th></th></tr></thead><tbody>"
        + "".join(body)
        + f"</tbody><tfoot><tr><td>Total</td><td>{total.segments}</td><td>{total.words}</td>"
        f"<td>{total.characters}</td><td>100.0</td><td></td></tr></tfoot></table>"
    )


def render_html(analysis: Analysis, *, title: str = "Pre-translation analysis") -> str:
    """A self-contained HTML page (inline CSS, no scripts) a project manager can open."""
    states = analysis.states
    total = analysis.total
    esc = html.escape
    cards = [
        ("Files", str(len(analysis.files))),
        ("Segments", str(total.segments)),
        ("Words", str(total.words)),
        ("Ready to confirm", str(states.get(SegmentState.FINAL_READY.value, 0))),
        ("To review", str(states.get(SegmentState.REVIEW.value, 0))),
        (
            "To translate",
            str(
                states.get(SegmentState.UNTRANSLATED.value, 0)
                + states.get(SegmentState.SOURCE_COPY.value, 0)
            ),
        ),
    ]
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{esc(title)}</title><style>{_CSS}</style></head><body>",
        f"<h1>{esc(title)}</h1>",
        '<p class="meta">'
        + esc(
            f"{analysis.languages} · memory {analysis.memory or 'all'} · matches applied "
            f"from {analysis.min_score:g}% · {analysis.created_at:%Y-%m-%d %H:%M} UTC"
        )
        + "</p>",
        '<div class="cards">'
        + "".join(f'<div class="card">{esc(k)}<b>{esc(v)}</b></div>' for k, v in cards)
        + "</div>",
        "<h2>Whole job</h2>",
        _html_table(analysis.bands, total),
        "<p>Repetitions are the second and later occurrences of an identical source "
        "segment in the job. Words in Chinese and Japanese are counted by characters.</p>",
    ]
    if len(analysis.files) > 1:
        parts.append("<h2>Files</h2>")
        parts.append(
            "<table><thead><tr><th>File</th><th>Languages</th><th>Segments</th><th>Words</th>"
            "<th>In context + 100%</th><th>Fuzzy</th><th>No match</th><th>Repetitions</th>"
            "</tr></thead><tbody>"
        )
        for f in analysis.files:
            b = f.bands
            ready = b["in-context"].words + b["100"].words
            fuzzy = sum(b[k].words for k in ("95-99", "85-94", "75-84", "50-74"))
            parts.append(
                f"<tr><td>{esc(f.name)}</td><td>{esc(f.source_lang)} → {esc(f.target_lang)}</td>"
                f"<td>{f.total.segments}</td><td>{f.total.words}</td><td>{ready}</td>"
                f"<td>{fuzzy}</td><td>{b['no-match'].words}</td>"
                f"<td>{b['repetitions'].words}</td></tr>"
            )
        parts.append("</tbody></table>")
        for f in analysis.files:
            parts.append(f"<h2>{esc(f.name)}</h2>")
            parts.append(_html_table(f.bands, f.total))
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"

"""Pre-translation of articles: segment, look up, apply, write a bilingual file, report.

The use case a translator starts a job with: every source segment of one or more
documents is looked up in the memory in one batch; the best match at or above
`min_score` becomes the target (in-context and exact ones ready to confirm, fuzzy and
auto-adapted ones to review); repetitions inside the job get their first occurrence's
target; glossary concepts found in the source are attached with their approved
targets. The result is an XLIFF 2.1, XLIFF 1.2 or PO file per document, carrying the
document itself so `build_target` can rebuild the translated article from it, and an
analysis report of the whole job.

The memory is only read: the translator's corrected file comes back with `tm import`
(`tm.services.memory.import_files(..., status=Status.CORRECTED)`).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tm.errors import UsageError
from tm.langs import normalize_tag
from tm.models import InlineCode, native_text
from tm.normalize import exact_key
from tm.pretranslate.model import (
    ANALYSIS_FLOOR,
    NO_MATCH,
    REPETITIONS,
    BilingualFile,
    GlossaryEntry,
    MatchInfo,
    PretranslatedSegment,
    SegmentState,
    band_for,
)
from tm.pretranslate.report import Analysis, analyse, render_html, render_json, render_text
from tm.pretranslate.sources import (
    SourceSegment,
    bilingual_format,
    read_po_source,
    read_xliff_source,
)
from tm.store.engine import Store
from tm.wordcount import count_text

Progress = Callable[[int, int | None, str], None]

OUTPUT_FORMATS = ("xliff2", "xliff12", "po")
MT_FILL = ("none", "source")
# Candidates shown per segment in the bilingual file (the best one is applied).
CANDIDATES = 3
# Segments per batch lookup: batching shares the database work, but a batch holds every
# candidate of every query in memory; at a 50% floor against a 1M-unit TM a 10,000-query
# batch grew past 7 GB, while 500-query batches stay small at much the same speed
# (bench/pretranslate_bench.py).
LOOKUP_CHUNK = 500
# Files a folder input contributes, by extension (document filters decide the format).
DOCUMENT_SUFFIXES = frozenset(
    {
        ".txt",
        ".text",
        ".md",
        ".markdown",
        ".html",
        ".htm",
        ".xhtml",
        ".po",
        ".pot",
        ".xlf",
        ".xliff",
        ".xlf2",
    }
)
_EXTENSION = {"xliff2": ".xlf", "xliff12": ".xlf", "po": ".po"}


def _noop(done: int, total: int | None, label: str) -> None:
    return None


@dataclass
class PretranslateResult:
    """What a job produced: bilingual files written, the analysis, timing."""

    files: list[BilingualFile]
    outputs: list[str]
    analysis: Analysis
    seconds: float
    report_path: str | None = None
    lookups: int = 0  # distinct segments looked up (repetitions are not)
    warnings: list[str] = field(default_factory=list)

    @property
    def segments(self) -> int:
        return sum(len(f.segments) for f in self.files)

    @property
    def segments_per_second(self) -> float | None:
        return self.segments / self.seconds if self.seconds else None

    def to_dict(self) -> dict[str, Any]:
        return {
            "outputs": self.outputs,
            "report": self.report_path,
            "segments": self.segments,
            "lookups": self.lookups,
            "seconds": round(self.seconds, 3),
            "segments_per_second": (
                round(self.segments_per_second, 1) if self.segments_per_second else None
            ),
            "analysis": self.analysis.to_dict(),
            "warnings": self.warnings,
        }


# -- inputs ---------------------------------------------------------------------------


def expand_inputs(inputs: Sequence[str | Path]) -> list[tuple[Path, str]]:
    """Files to translate with the name each gets in the job (relative inside a folder)."""
    out: list[tuple[Path, str]] = []
    for raw in inputs:
        path = Path(raw)
        if path.is_dir():
            found = sorted(
                p
                for p in path.rglob("*")
                if p.is_file()
                and p.suffix.lower() in DOCUMENT_SUFFIXES
                and not any(part.startswith(".") for part in p.relative_to(path).parts)
            )
            out += [(p, p.relative_to(path).as_posix()) for p in found]
        elif path.is_file():
            out.append((path, path.name))
        else:
            raise UsageError(f"{path}: no such file or folder")
    if not out:
        raise UsageError(
            "no documents to pre-translate (folders are searched for "
            + ", ".join(sorted(DOCUMENT_SUFFIXES))
            + ")"
        )
    names = [name for _, name in out]
    dupes = sorted({n for n in names if names.count(n) > 1})
    if dupes:
        raise UsageError(f"two inputs share the name {dupes[0]!r}: give them as one folder")
    return out


def output_paths(
    names: Sequence[str],
    *,
    target_lang: str,
    fmt: str,
    out: str | Path | None,
    inputs: Sequence[Path],
) -> list[Path]:
    """Where each bilingual file goes: `--out FILE` for one input, else a folder."""
    suffix = f".{target_lang}{_EXTENSION[fmt]}"
    if out is None:
        if len(names) == 1:
            return [inputs[0].with_name(inputs[0].name + suffix)]
        return [Path(f"pretranslated-{target_lang}") / (name + suffix) for name in names]
    out_path = Path(out)
    as_dir = out_path.is_dir() or str(out).endswith(("/", "\\")) or len(names) > 1
    if not as_dir:
        return [out_path]
    return [out_path / (name + suffix) for name in names]


# -- the job ---------------------------------------------------------------------------


def _match_info(match: Any) -> MatchInfo:
    """Copy a lookup Match into the plain record the writers read."""
    return MatchInfo(
        score=float(match.score),
        kind=str(match.kind),
        source_text=match.source_text,
        target_text=match.target_text,
        source_codes=tuple(getattr(match, "source_codes", ()) or ()),
        target_codes=tuple(match.target_codes or ()),
        memory=match.memory,
        unit_id=None if match.unit_id is None else str(match.unit_id),
        status=None if match.status is None else str(getattr(match.status, "value", match.status)),
        origin_file=match.origin_file,
        document=match.document,
        penalties=[_penalty(p) for p in (match.penalties or ())],
        similarity=float(match.similarity) if getattr(match, "similarity", None) else None,
    )


def _penalty(penalty: Any) -> str:
    """`("case", 2)` -> `case -2`: how the bilingual file names a penalty."""
    if isinstance(penalty, tuple | list) and len(penalty) == 2:
        return f"{penalty[0]} -{penalty[1]}"
    return str(penalty)


def _repetition_key(text: str, codes: Sequence[InlineCode]) -> str:
    """Two segments repeat each other when their text and markup are the same."""
    return exact_key(native_text(text, codes))


def _glossary_entries(
    matcher: Any, text: str, source_lang: str, target_lang: str
) -> list[GlossaryEntry]:
    out: list[GlossaryEntry] = []
    for hit in matcher.find(text, source_lang):
        targets = [t.text for t in matcher.approved_targets(hit.concept_id, target_lang)]
        concept = matcher.concept(hit.concept_id)
        definition = None
        if concept is not None:
            definition = concept.definitions.get(target_lang) or concept.definitions.get(
                source_lang
            )
        out.append(
            GlossaryEntry(
                concept_id=hit.concept_id,
                source_term=hit.term,
                found_text=hit.text,
                start=hit.start,
                end=hit.end,
                targets=targets,
                definition=definition,
                glossary=hit.glossary,
            )
        )
    return out


def load_term_matcher(specs: Sequence[str] | None) -> Any | None:
    """A TermMatcher over the glossaries named or given as paths; None: every shipped one.

    Returns None when there is no glossary at all (nothing to attach).
    """
    from tm.glossary import load_glossaries

    glossaries = load_glossaries(list(specs) if specs else None)
    return glossaries.matcher if glossaries.concepts else None


def pretranslate_documents(
    store: Store,
    inputs: Sequence[str | Path],
    *,
    source_lang: str,
    target_lang: str,
    memory: str | None = None,
    min_score: float = 75.0,
    input_format: str | None = None,
    encoding: str | None = None,
    srx: str | Path | None = None,
    glossary: Sequence[str] | None = None,
    use_glossary: bool = True,
    mt_fill: str = "none",
    analysis_floor: float = ANALYSIS_FLOOR,
    progress: Progress | None = None,
) -> tuple[list[BilingualFile], int]:
    """Segment, look up and apply: the bilingual records of every input (nothing written).

    `analysis_floor` is the lowest score looked up (50 fills the report's 50-74 band;
    raising it to `min_score` makes no-match lookups cheaper and leaves that band empty).
    `glossary` names glossaries (names or paths); None means every shipped glossary,
    `use_glossary=False` attaches none. Returns the files and how many distinct
    segments were looked up.
    """
    from tm.segment import default_rules, load_srx
    from tm.services.lookup import Query

    progress = progress or _noop
    if mt_fill not in MT_FILL:
        raise UsageError(f"--mt-fill must be one of {', '.join(MT_FILL)}, not {mt_fill!r}")
    if not 0 <= min_score <= 100:
        raise UsageError(f"--min-score must be between 0 and 100, not {min_score:g}")
    src = normalize_tag(source_lang)
    tgt = normalize_tag(target_lang)
    rules = load_srx(srx) if srx else default_rules()
    matcher = load_term_matcher(glossary) if use_glossary else None

    files: list[BilingualFile] = []
    firsts: dict[str, tuple[str, PretranslatedSegment]] = {}  # repetition key -> first
    lookups: list[PretranslatedSegment] = []
    queries: list[Any] = []
    glossary_cache: dict[str, list[GlossaryEntry]] = {}
    entries = expand_inputs(inputs)
    for n, (path, name) in enumerate(entries, start=1):
        progress(n - 1, len(entries), f"segmenting {name}")
        bf, doc_segments = _read_input(path, name, src, tgt, input_format, encoding, rules)
        bf.memory = memory
        for ds in doc_segments:
            codes = tuple(ds.codes)
            counts = count_text(ds.text, src)
            seg = PretranslatedSegment(
                id=str(ds.id),
                source=ds.text,
                source_codes=codes,
                block_id=None if ds.block_id is None else str(ds.block_id),
                line=ds.line,
                prev_text=ds.prev_text,
                next_text=ds.next_text,
                words=counts.words,
                characters=counts.characters,
            )
            bf.segments.append(seg)
            key = _repetition_key(ds.text, codes)
            if key in firsts:
                first_name, first = firsts[key]
                seg.repetition_of = first.id if first_name == name else f"{first_name}#{first.id}"
                seg.band = REPETITIONS
                continue
            firsts[key] = (name, seg)
            if not key:
                continue  # nothing to translate (only codes or spaces)
            lookups.append(seg)
            queries.append(
                Query(
                    ds.text,
                    codes=codes,
                    prev_text=ds.prev_text,
                    next_text=ds.next_text,
                    context_key=ds.context_key,
                )
            )
            if matcher is not None:
                if key not in glossary_cache:
                    glossary_cache[key] = _glossary_entries(matcher, ds.text, src, tgt)
                seg.glossary = glossary_cache[key]
        files.append(bf)

    # Pass 1 finds what can be applied (>= min_score, a few candidates each); pass 2
    # looks only at the segments still without a match, down to the analysis floor, for
    # the report's lower bands. One pass at the floor for everything costs 8x more at 1M
    # units (bench/pretranslate_bench.py): a low floor makes every lookup search wide.
    results = _lookup_chunked(
        store, queries, src, tgt, memory, int(min_score), CANDIDATES, progress, "matches"
    )
    floor = int(min(analysis_floor, min_score))
    if floor < int(min_score):
        misses = [i for i, found in enumerate(results) if not found]
        below = _lookup_chunked(
            store, [queries[i] for i in misses], src, tgt, memory, floor, 1, progress, "analysis"
        )
        for i, found in zip(misses, below, strict=True):
            results[i] = found
    for seg, matches in zip(lookups, results, strict=True):
        _apply(seg, [_match_info(m) for m in matches], min_score=min_score, mt_fill=mt_fill)
    for bf in files:
        for seg in bf.segments:
            if seg.band == REPETITIONS:
                _copy_first(seg, firsts, bf.name)
            elif seg.band == NO_MATCH and seg.target is None and mt_fill == "source":
                _fill_source(seg)
    return files, len(queries)


def _lookup_chunked(
    store: Store,
    queries: Sequence[Any],
    src: str,
    tgt: str,
    memory: str | None,
    min_score: int,
    limit: int,
    progress: Progress,
    label: str,
) -> list[Any]:
    """`lookup_batch` over chunks of LOOKUP_CHUNK queries, progress across all of them."""
    from tm.services.lookup import lookup_batch

    results: list[Any] = []
    for start in range(0, len(queries), LOOKUP_CHUNK):

        def chunk_progress(n: int, total: int | None, _label: str, start: int = start) -> None:
            progress(start + n, len(queries), f"looking up {label}")

        results += lookup_batch(
            store,
            queries[start : start + LOOKUP_CHUNK],
            source_lang=src,
            target_lang=tgt,
            memory=memory,
            min_score=min_score,
            limit=limit,
            progress=chunk_progress,
        )
    progress(len(queries), len(queries), f"looked up {label}")
    return results


def _read_input(
    path: Path,
    name: str,
    src: str,
    tgt: str,
    input_format: str | None,
    encoding: str | None,
    rules: Any,
) -> tuple[BilingualFile, list[SourceSegment]]:
    """One input as a bilingual record (no segments yet) and its segments to translate."""
    from tm.documents import read_document

    kind = bilingual_format(path, input_format)
    if kind == "po":
        source = read_po_source(path, encoding=encoding)
    elif kind == "xliff":
        source = read_xliff_source(path)
    else:
        document = read_document(path, fmt=input_format, encoding=encoding)
        doc_segments = document.segments(src, rules)
        document.path = name  # the bilingual file names the document, not a local path
        segments = [
            SourceSegment(
                id=ds.id,
                text=ds.text,
                codes=tuple(ds.codes),
                block_id=ds.block_id,
                line=ds.line,
                prev_text=ds.prev_text,
                next_text=ds.next_text,
            )
            for ds in doc_segments
        ]
        # After segments(): the JSON then records the cut, so build-target maps segment
        # ids back without knowing which SRX rules were used.
        bf = BilingualFile(name, src, tgt, document.format, document.to_json())
        return bf, segments
    return BilingualFile(name, src, tgt, source.format, source.skeleton), source.segments


def _apply(
    seg: PretranslatedSegment, matches: list[MatchInfo], *, min_score: float, mt_fill: str
) -> None:
    best = matches[0] if matches else None
    seg.band = band_for(best.kind, best.score) if best else NO_MATCH
    seg.candidates = [m for m in matches if m.score >= min_score]
    if best is not None and best.score >= min_score:
        seg.applied = best
        seg.target = best.target_text
        seg.target_codes = best.target_codes
        seg.state = SegmentState.FINAL_READY if best.final_ready else SegmentState.REVIEW
    elif mt_fill == "source":
        _fill_source(seg)


def _fill_source(seg: PretranslatedSegment) -> None:
    seg.target = seg.source
    seg.target_codes = seg.source_codes
    seg.state = SegmentState.SOURCE_COPY


def _copy_first(
    seg: PretranslatedSegment, firsts: dict[str, tuple[str, PretranslatedSegment]], name: str
) -> None:
    """A repetition takes its first occurrence's target, state and candidates."""
    _first_name, first = firsts[_repetition_key(seg.source, seg.source_codes)]
    seg.target = first.target
    seg.target_codes = first.target_codes
    seg.state = first.state
    seg.applied = first.applied
    seg.candidates = list(first.candidates)
    seg.glossary = list(first.glossary)


def write_bilingual(files: Sequence[BilingualFile], paths: Sequence[Path], *, fmt: str) -> None:
    """Write one bilingual file per document in `fmt`."""
    from tm.pretranslate.po_out import write_po
    from tm.pretranslate.xliff2_out import write_xliff2
    from tm.pretranslate.xliff12_out import write_xliff12

    for bf, path in zip(files, paths, strict=True):
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(path.name + ".part")
        with tmp.open("wb") as fh:
            if fmt == "xliff2":
                write_xliff2(fh, [bf])
            elif fmt == "xliff12":
                write_xliff12(fh, [bf])
            else:
                write_po(fh, bf)
        tmp.replace(path)


def write_report(analysis: Analysis, path: str | Path) -> str:
    """Write the report in the format its extension names (.html, .json, else text)."""
    p = Path(path)
    suffix = p.suffix.lower()
    if suffix in (".html", ".htm"):
        content = render_html(analysis)
    elif suffix == ".json":
        content = render_json(analysis)
    else:
        content = render_text(analysis)
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_text(content, encoding="utf-8")
    return str(p)


def pretranslate(
    store: Store,
    inputs: Sequence[str | Path],
    *,
    source_lang: str,
    target_lang: str,
    memory: str | None = None,
    min_score: float = 75.0,
    format: str = "xliff2",
    out: str | Path | None = None,
    report: str | Path | None = None,
    input_format: str | None = None,
    encoding: str | None = None,
    srx: str | Path | None = None,
    glossary: Sequence[str] | None = None,
    use_glossary: bool = True,
    mt_fill: str = "none",
    analysis_floor: float = ANALYSIS_FLOOR,
    progress: Progress | None = None,
) -> PretranslateResult:
    """The whole `tm pretranslate` job: bilingual files, report, analysis."""
    if format not in OUTPUT_FORMATS:
        raise UsageError(f"--format must be one of {', '.join(OUTPUT_FORMATS)}, not {format!r}")
    started = time.perf_counter()
    files, lookups = pretranslate_documents(
        store,
        inputs,
        source_lang=source_lang,
        target_lang=target_lang,
        memory=memory,
        min_score=min_score,
        input_format=input_format,
        encoding=encoding,
        srx=srx,
        glossary=glossary,
        use_glossary=use_glossary,
        mt_fill=mt_fill,
        analysis_floor=analysis_floor,
        progress=progress,
    )
    paths = output_paths(
        [f.name for f in files],
        target_lang=files[0].target_lang,
        fmt=format,
        out=out,
        inputs=[p for p, _ in expand_inputs(inputs)],
    )
    write_bilingual(files, paths, fmt=format)
    memory_name = files[0].memory if files else None
    analysis = analyse(files, memory=memory_name, min_score=min_score)
    report_path = write_report(analysis, report) if report else None
    return PretranslateResult(
        files=files,
        outputs=[str(p) for p in paths],
        analysis=analysis,
        seconds=time.perf_counter() - started,
        report_path=report_path,
        lookups=lookups,
    )


# -- build-target -----------------------------------------------------------------------


@dataclass
class BuildResult:
    """What `build_target` wrote and how much of it was translated."""

    outputs: list[str]
    segments: int = 0
    translated: int = 0

    @property
    def untranslated(self) -> int:
        return self.segments - self.translated

    def to_dict(self) -> dict[str, Any]:
        return {
            "outputs": self.outputs,
            "segments": self.segments,
            "translated": self.translated,
            "untranslated": self.untranslated,
        }


def target_name(name: str, source_lang: str | None, target_lang: str | None) -> str:
    """`article.en.txt` -> `article.es.txt`; without a language part, `article.es.txt`."""
    path = Path(name)
    if target_lang is None:
        return path.name
    parts = path.name.split(".")
    if (
        source_lang is not None
        and len(parts) > 2
        and parts[-2].lower()
        in (
            source_lang.lower(),
            source_lang.split("-")[0].lower(),
        )
    ):
        parts[-2] = target_lang
        return ".".join(parts)
    if len(parts) > 1:
        return ".".join([*parts[:-1], target_lang, parts[-1]])
    return f"{path.name}.{target_lang}"


def build_target(bilingual: str | Path, out: str | Path) -> BuildResult:
    """Rebuild the translated article(s) in their original format from a bilingual file.

    Segments without a target keep their source text. With several documents in the
    file, `out` is a folder and each gets its name with the target language.
    """
    from tm.documents import Document, rebuild
    from tm.pretranslate.bilingual_in import read_bilingual

    docs = read_bilingual(bilingual)
    if not docs:
        raise UsageError(f"{bilingual}: no document in the file")
    out_path = Path(out)
    several = len(docs) > 1 or out_path.is_dir() or str(out).endswith(("/", "\\"))
    result = BuildResult(outputs=[])
    for tdoc in docs:
        dest = (
            out_path / target_name(tdoc.name, tdoc.source_lang, tdoc.target_lang)
            if several
            else out_path
        )
        dest.parent.mkdir(parents=True, exist_ok=True)
        if tdoc.original_format in ("po", "xliff"):
            _build_source(tdoc, dest, result)
            continue
        document = Document.from_json(tdoc.skeleton)
        seg_lang = document.segmentation.lang if document.segmentation else tdoc.source_lang
        if seg_lang is None:
            raise UsageError(f"{bilingual}: the file names no source language")
        if document.segmentation is None:
            document.segments(seg_lang)
        segments = _recorded_segments(document)
        result.segments += len(segments)
        translations = _translations_for(tdoc, segments)
        result.translated += len(translations)
        rebuild(document, translations, dest, target_lang=tdoc.target_lang or seg_lang)
        result.outputs.append(str(dest))
    return result


def _translations_for(
    tdoc: Any, segments: Sequence[Any]
) -> dict[str, tuple[str, tuple[InlineCode, ...]]]:
    """Segment id -> (coded target, codes) from what the translator wrote."""
    from tm.pretranslate.bilingual_in import align_codes, recode_native

    translations: dict[str, tuple[str, tuple[InlineCode, ...]]] = {}
    for seg in segments:
        if tdoc.by_source:
            native = tdoc.by_source.get(native_text(seg.text, seg.codes))
            if native:
                translations[seg.id] = (recode_native(native, seg.codes), tuple(seg.codes))
        elif seg.id in tdoc.targets:
            text, codes = tdoc.targets[seg.id]
            if text.strip():
                translations[seg.id] = align_codes(text, codes, seg.codes)
    return translations


def _build_source(tdoc: Any, dest: Path, result: BuildResult) -> None:
    """A PO/XLIFF input written back with its translations."""
    import json

    from tm.pretranslate.sources import rebuild_source, skeleton_segments

    segments = skeleton_segments(json.loads(tdoc.skeleton))
    translations = _translations_for(tdoc, segments)
    result.segments += len(segments)
    result.translated += len(translations)
    rebuild_source(tdoc.skeleton, translations, dest, target_lang=tdoc.target_lang or "und")
    result.outputs.append(str(dest))


def _recorded_segments(document: Any) -> list[Any]:
    """The document's segments as cut when it was pre-translated (ids match the file)."""
    from tm.documents.model import DocSegment, renumber_codes

    out = []
    assert document.segmentation is not None
    for block in document.blocks:
        for k, (start, end) in enumerate(document.segmentation.spans.get(block.id, ()), 1):
            text, codes = renumber_codes(block.text[start:end], block.codes)
            out.append(
                DocSegment(
                    id=f"{block.id}-s{k}",
                    block_id=block.id,
                    text=text,
                    codes=codes,
                    line=block.line,
                    kind=block.kind,
                    start=start,
                    end=end,
                )
            )
    return out

"""`tm check` use case: gather inputs (files, folders, globs, a memory), run the rules, report.

Bilingual files go through the format readers (`tm.formats.read_units`), articles through
the document reader (`tm.documents.read_document`), a memory through the store; each
becomes `CheckPair`s for `tm.check.Checker`. A file that cannot be read becomes an
`InputError` in the result and the other files are still checked, so one broken file
never hides the findings of the rest.
"""

from __future__ import annotations

import fnmatch
import glob
import itertools
import os
import re
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from tm.check import RULES, Checker, CheckPair, Finding, Severity, suppressed_rules
from tm.check_output import CheckResult, InputError
from tm.checkconfig import read_baseline
from tm.errors import FormatError, NotFoundError, TMError, UsageError
from tm.langs import is_cjk_char, match_key, normalize_tag, same_language
from tm.models import Unit

Progress = Callable[[int, int | None, str], None]

# Articles: only the rules that need no source run on them.
MONOLINGUAL_SUFFIXES = {".txt", ".text", ".md", ".markdown", ".html", ".htm", ".xhtml"}
# What a folder walk picks up (explicit files of any name are tried with detect_format).
BILINGUAL_SUFFIXES = {".po", ".xlf", ".xliff", ".xlf2", ".tmx", ".csv", ".tsv"}
# Inputs where the command line chooses the pair (they may hold many languages).
_PAIR_FROM_OPTIONS = {"tmx", "csv", "tsv", "memory"}
_GLOB_CHARS = set("*?[")


def _noop(done: int, total: int | None, label: str) -> None:
    return None


@dataclass
class CheckOptions:
    """What to check and how; the CLI fills it from options and the config file."""

    paths: Sequence[str] = ()
    glossaries: Sequence[str] | None = None
    source_lang: str | None = None
    target_lang: str | None = None
    rules: Collection[str] | None = None
    severity: Mapping[str, Severity | None] = field(default_factory=dict)
    exclude: Sequence[str] = ()
    memory: str | None = None
    db: str | None = None
    baseline: str | None = None


# -- inputs ------------------------------------------------------------------------------


def _walk(folder: str) -> Iterator[str]:
    """Files under `folder` whose suffix a reader knows, sorted; hidden folders skipped."""
    for parent, dirs, names in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(names):
            suffix = Path(name).suffix.lower()
            if suffix in MONOLINGUAL_SUFFIXES or suffix in BILINGUAL_SUFFIXES:
                yield os.path.join(parent, name)


def _excluded(path: str, patterns: Sequence[str]) -> bool:
    posix = Path(path).as_posix()
    name = Path(path).name
    return any(
        fnmatch.fnmatch(posix, pat)
        or fnmatch.fnmatch(name, pat)
        or posix.startswith(pat.rstrip("/") + "/")
        for pat in patterns
    )


def expand_paths(
    paths: Iterable[str], *, exclude: Sequence[str] = ()
) -> tuple[list[str], list[InputError]]:
    """Files to check from files, folders (recursive) and globs, in a stable order.

    Folders contribute the files whose suffix a reader knows (hidden folders skipped);
    a path that matches nothing is an input error, not silence.
    """
    files: list[str] = []
    errors: list[InputError] = []
    seen: set[str] = set()

    def add(p: str) -> None:
        key = os.path.normpath(p)
        if key not in seen and not _excluded(p, exclude):
            seen.add(key)
            files.append(p)

    for raw in paths:
        if os.path.isfile(raw):
            add(raw)
        elif os.path.isdir(raw):
            for full in _walk(raw):
                add(full)
        elif _GLOB_CHARS & set(raw):
            hits: list[str] = []
            for match in sorted(glob.glob(raw, recursive=True)):
                hits.extend(_walk(match) if os.path.isdir(match) else [match])
            if not hits:
                errors.append(InputError(raw, "no file matches this pattern"))
            for full in hits:
                add(full)
        else:
            errors.append(InputError(raw, "no such file or folder"))
    return files, errors


def unit_pairs(
    unit: Unit,
    *,
    file: str,
    source_lang: str | None = None,
    target_lang: str | None = None,
    prefer_options: bool = False,
    context: str | None = None,
) -> Iterator[CheckPair]:
    """The (source, target) pairs of one unit that the rules should see.

    Bilingual formats (PO, XLIFF) say their languages and those win; for TMX, CSV and
    memories (`prefer_options`) `--source-lang`/`--target-lang` choose the pair asked
    for. Without any source language every ordered pair of the unit's languages is
    checked (a multilingual TMX with `srclang="*all*"`).
    """
    declared = unit.source_lang if unit.source_lang and unit.source_lang != "*all*" else None
    order = (source_lang, declared) if prefer_options else (declared, source_lang)
    sources = []
    for lang in order:
        if lang:
            variant = unit.variant(lang)
            if variant is not None:
                sources = [variant]
                break
    if not sources:
        if any(order):
            return  # the unit lacks the source language asked for
        sources = list(unit.variants)
    for src in sources:
        for tgt in unit.variants:
            if tgt is src or same_language(tgt.lang, src.lang):
                continue
            if prefer_options and target_lang and not same_language(tgt.lang, target_lang):
                continue
            yield CheckPair(
                target=tgt.text,
                target_lang=tgt.lang,
                source=src.text,
                source_lang=src.lang,
                file=file,
                line=unit.line,
                unit=unit.unit_id,
                ignore=suppressed_rules([unit.note, *src.notes, *tgt.notes]),
                context=context,
            )


_PO_LANGUAGE_RE = re.compile(rb'^"Language:[ \t]*([^\\"]+?)[ \t]*\\n"', re.MULTILINE)


def _po_declares_language(path: str) -> bool:
    """Whether a PO header names its language (then the file wins over --target-lang)."""
    with open(path, "rb") as fh:
        head = fh.read(1 << 14)
    return _PO_LANGUAGE_RE.search(head) is not None


def _read_bilingual(
    path: str, *, source_lang: str | None, target_lang: str | None
) -> Iterator[tuple[Unit, str]]:
    from tm.formats import detect_format, read_units

    fmt = detect_format(path)
    if fmt == "po" and target_lang and _po_declares_language(path):
        target_lang = None  # the reader lets an option override the header; we do not
    units = read_units(path, format=fmt, source_lang=source_lang, target_lang=target_lang)
    if fmt in ("csv", "tsv") and source_lang:
        first = next(units, None)
        if first is not None and first.source_lang is None:
            # --source-lang names no column of this file (it was meant for others):
            # read it the file's own way, first language column as the source.
            units = read_units(path, format=fmt, target_lang=target_lang)
        elif first is not None:
            units = itertools.chain([first], units)
    for unit in units:
        yield unit, fmt


# The commonest function words of languages the project translates: enough to tell them
# apart in a paragraph, and instant (simplemma's detector loads a dictionary per language).
_FUNCTION_WORDS = {
    "en": "the and of to in is are that for with as on by this be it from or was were",
    "es": "el la los las de del y que en es un una por con para se su al como más",
    "fr": "le la les des du et est que en un une pour dans par sur au aux qui ne pas",
    "de": "der die das und ist nicht mit von den dem zu ein eine auf im für sich des auch",
    "it": "il lo gli le di del della e che è un una per con non nel sono al",
    "pt": "o os as de do da e que é um uma para com não em no na dos das",
    "nl": "de het een en van is dat op te in met voor niet zijn er",
}
_FUNCTION_SETS = {lang: frozenset(words.split()) for lang, words in _FUNCTION_WORDS.items()}
_WORD_RE = re.compile(r"[^\W\d_]+")


def guess_language(text: str, candidates: Sequence[str]) -> str | None:
    """A best guess at an article's language among the glossary's, when nobody said.

    Chinese is told by its script; the others by their function words, with simplemma's
    detector for languages outside that small table. None when nothing stands out.
    """
    sample = text[:20000]
    letters = [ch for ch in sample if ch.isalpha()]
    if not letters:
        return None
    keys = {match_key(c): c for c in candidates}
    cjk = sum(1 for ch in letters if is_cjk_char(ch))
    if cjk / len(letters) > 0.3:
        return next((keys[k] for k in keys if k.startswith("zh")), None)
    spaced = sorted(k for k in keys if not k.startswith("zh"))
    if len(spaced) <= 1:
        return keys[spaced[0]] if spaced else None
    words = [w.lower() for w in _WORD_RE.findall(sample)]
    known = [k for k in spaced if k in _FUNCTION_SETS]
    if words and len(known) == len(spaced):
        scores = sorted(
            ((sum(w in _FUNCTION_SETS[k] for w in words) / len(words), k) for k in known),
            reverse=True,
        )
        best, runner_up = scores[0], scores[1]
        # A real paragraph has 20-40% function words; demand a clear winner.
        return keys[best[1]] if best[0] >= 0.08 and best[0] >= 1.5 * runner_up[0] else None
    import simplemma

    try:
        found = simplemma.langdetect(sample, lang=tuple(spaced))
    except ValueError:
        return None
    best_lang = [(lang, score) for lang, score in found if lang in keys and score > 0.2]
    return keys[best_lang[0][0]] if best_lang else None


@dataclass(frozen=True)
class ArticleBlock:
    """A paragraph-like block of an article and how its text maps back to the file."""

    text: str
    line: int
    # 1-based column of the block's first character when every offset in `text` maps to
    # the file (plain text; Markdown without inline markup); None otherwise.
    column: int | None
    ignore: frozenset[str] = frozenset()

    def place(self, finding: Finding) -> Finding:
        """The finding with the file line (and column, when known) of what it found."""
        if finding.offset is None:
            return finding
        before = self.text[: finding.offset]
        newlines = before.count("\n")
        column = None
        if self.column is not None:
            column = (
                finding.offset - before.rfind("\n") if newlines else self.column + finding.offset
            )
        return replace(finding, line=self.line + newlines, column=column)


def _marker_lines(text: str) -> list[tuple[int, frozenset[str]]]:
    """(line, rules) of every `tm-check: ignore` marker in an article's raw text."""
    out = []
    for number, line in enumerate(text.splitlines(), start=1):
        if "tm-check:" in line.lower():
            rules = suppressed_rules([line])
            if rules:
                out.append((number, rules))
    return out


def read_article(path: str) -> tuple[str | None, str, list[ArticleBlock]]:
    """An article's declared language, its text and its blocks (tm.documents reads it).

    Suppression markers are found in the raw lines, so they work in every format: a
    marker applies to the block it sits in, else to the next block after it.
    """
    from tm.documents import read_document

    doc = read_document(path)
    raw = Path(path).read_bytes().decode(doc.encoding, errors="replace")
    raw_lines = raw.splitlines()
    markers = _marker_lines(raw)
    blocks: list[ArticleBlock] = []
    for block in doc.blocks:
        text = block.text
        column = None
        exact = doc.format == "text" or (
            doc.format == "markdown" and not block.codes and not any(block.line_prefixes)
        )
        first = text.split("\n", 1)[0]
        if exact and 0 < block.line <= len(raw_lines):
            found = raw_lines[block.line - 1].find(first)
            column = found + 1 if found >= 0 else None
        last_line = block.line + text.count("\n")
        ignore: frozenset[str] = frozenset()
        for line, rules in markers:
            if block.line <= line <= last_line:
                ignore |= rules
        blocks.append(ArticleBlock(text, block.line, column, ignore))
    # A marker outside every block (an HTML comment line) applies to the next block.
    for line, rules in markers:
        if any(b.line <= line <= b.line + b.text.count("\n") for b in blocks):
            continue
        following = next((i for i, b in enumerate(blocks) if b.line > line), None)
        if following is not None:
            b = blocks[following]
            blocks[following] = replace(b, ignore=b.ignore | rules)
    return doc.lang, "\n\n".join(b.text for b in doc.blocks), blocks


def article_pairs(
    path: str, *, lang: str | None, candidates: Sequence[str]
) -> Iterator[tuple[CheckPair, ArticleBlock]]:
    """Blocks of an article as target-only pairs (forbidden/deprecated rules only)."""
    declared, text, blocks = read_article(path)
    language = lang or declared or guess_language(text, candidates)
    if language is None:
        raise FormatError("cannot tell the language of this article; give --target-lang", path=path)
    language = normalize_tag(language)
    for block in blocks:
        pair = CheckPair(
            target=block.text, target_lang=language, file=path, line=block.line, ignore=block.ignore
        )
        yield pair, block


# -- the run -----------------------------------------------------------------------------


def _memory_units(db: str | None, memory: str) -> Iterator[Unit]:
    from tm.services.memory import iter_memory_units
    from tm.store import open_store

    store = open_store(db)
    try:
        yield from iter_memory_units(store, memory=memory)
    finally:
        store.dispose()


def _unit_findings(
    checker: Checker,
    units: Iterable[tuple[Unit, str]],
    *,
    file: str,
    langs: tuple[str | None, str | None],
    result: CheckResult,
) -> Iterator[Finding]:
    """Findings of every pair of `units` (each with its format), counting the units."""
    source_lang, target_lang = langs
    for unit, fmt in units:
        result.units += 1
        for pair in unit_pairs(
            unit,
            file=file,
            source_lang=source_lang,
            target_lang=target_lang,
            prefer_options=fmt in _PAIR_FROM_OPTIONS,
            # Only PO's msgctxt means "may differ": XLIFF ids are per unit.
            context=unit.context_key if fmt == "po" else None,
        ):
            yield from checker.check(pair)


def run_check(options: CheckOptions, *, progress: Progress | None = None) -> CheckResult:
    """Check every input against the glossaries; findings sorted by place.

    Raises UsageError for bad options or glossaries (nothing could be checked); problems
    with one input are recorded in `result.errors` and the run goes on.
    """
    from tm.glossary import load_glossaries

    progress = progress or _noop
    source_lang = normalize_tag(options.source_lang) if options.source_lang else None
    target_lang = normalize_tag(options.target_lang) if options.target_lang else None
    langs = (source_lang, target_lang)
    if not options.paths and not options.memory:
        raise UsageError("nothing to check: give files, folders or globs, or --memory NAME")
    unknown = sorted(set(options.rules or ()) - set(RULES))
    if unknown:
        raise UsageError(f"unknown rule(s) {', '.join(unknown)} (rules: {', '.join(RULES)})")

    baseline = read_baseline(options.baseline) if options.baseline else None
    glossary_set = load_glossaries(list(options.glossaries) if options.glossaries else None)
    checker = Checker(
        glossary_set.matcher,
        glossary_set.concepts,
        severities=options.severity,
        rules=options.rules,
    )
    candidates = glossary_set.languages

    files, errors = expand_paths(options.paths, exclude=options.exclude)
    result = CheckResult(findings=[], errors=errors)
    findings: list[Finding] = []
    total = len(files) + (1 if options.memory else 0)

    for done, path in enumerate(files):
        progress(done, total, path)
        result.files.append(path)
        try:
            if Path(path).suffix.lower() in MONOLINGUAL_SUFFIXES:
                for pair, block in article_pairs(path, lang=target_lang, candidates=candidates):
                    result.units += 1
                    findings.extend(block.place(f) for f in checker.check(pair))
            else:
                units = _read_bilingual(path, source_lang=source_lang, target_lang=target_lang)
                findings.extend(
                    _unit_findings(checker, units, file=path, langs=langs, result=result)
                )
        except FormatError as err:
            line = err.line
            message = err.message + (f" (unit {err.unit})" if err.unit else "")
            result.errors.append(InputError(path, message, line))
        except UsageError as err:
            result.errors.append(InputError(path, str(err)))
        except OSError as err:
            result.errors.append(InputError(path, f"cannot read: {err.strerror or err}"))
        except UnicodeDecodeError as err:
            result.errors.append(InputError(path, f"not valid text in its encoding: {err.reason}"))

    if options.memory:
        label = f"memory:{options.memory}"
        progress(len(files), total, label)
        result.files.append(label)
        try:
            units = ((unit, "memory") for unit in _memory_units(options.db, options.memory))
            findings.extend(_unit_findings(checker, units, file=label, langs=langs, result=result))
        except NotFoundError:
            raise  # an unknown memory is a usage error: nothing of it could be checked
        except TMError as err:
            result.errors.append(InputError(label, str(err)))

    findings.extend(checker.finish())
    progress(total, total, "done")
    findings.sort(key=lambda f: f.sort_key)
    result.suppressed = checker.suppressed

    result.root = baseline.root if baseline is not None else Path.cwd()
    if baseline is not None:
        findings, result.baselined = baseline.split(findings)
    result.findings = findings
    return result

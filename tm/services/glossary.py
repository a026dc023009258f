"""Glossary use cases: list, show, search, edit files, import/export, validate, diff, terms.

Glossaries are files, so "transactions" here are file writes: an edit re-reads the file,
rewrites only the changed `[[concept]]` block, checks the result parses, and replaces
the file atomically (write to a temporary file, then rename), so a failed edit never
leaves a half-written glossary.
"""

from __future__ import annotations

import io
import os
import re
import tempfile
import tomllib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from tm.errors import FormatError, GlossaryError, NotFoundError, UsageError
from tm.glossary.diff import ConceptChange, diff_glossaries
from tm.glossary.loading import (
    glossary_dirs,
    load_glossaries,
    load_glossary,
    read_glossary_file,
    resolve_glossary,
    shipped_glossary_paths,
)
from tm.glossary.model import (
    CONCEPT_ID_RE,
    Finding,
    Glossary,
    GlossarySet,
    languages_in_order,
    stamp_concepts,
)
from tm.glossary.toml_io import (
    format_concept,
    format_glossary,
    loads_toml,
    parse_glossary_toml,
    splice_concepts,
)
from tm.glossary.validate import has_errors, validate_glossary
from tm.langs import match_key, normalize_tag
from tm.models import Concept, Term, TermHit, TermStatus

EXPORT_FORMATS: tuple[str, ...] = ("toml", "tbx", "tbx2008", "csv")
Progress = Callable[[int, int | None, str], None]


# --- plain data for output ------------------------------------------------------------


def term_as_dict(term: Term) -> dict[str, Any]:
    """A term as JSON-ready data (keys as in the TOML format)."""
    out: dict[str, Any] = {"text": term.text, "lang": term.lang, "status": term.status.value}
    if term.part_of_speech:
        out["pos"] = term.part_of_speech
    if term.case_sensitive:
        out["case_sensitive"] = True
    if not term.inflect:
        out["inflect"] = False
    if term.variants:
        out["variants"] = list(term.variants)
    if term.usage_note:
        out["usage"] = term.usage_note
    if term.note:
        out["note"] = term.note
    if term.do_not_translate:
        out["dnt"] = True
    return out


def concept_as_dict(concept: Concept) -> dict[str, Any]:
    """A concept as JSON-ready data."""
    return {
        "id": concept.id,
        "glossary": concept.glossary,
        "subject": concept.subject,
        "source": concept.source,
        "nested": concept.nested,
        "definitions": dict(concept.definitions),
        "notes": dict(concept.notes),
        "terms": [term_as_dict(t) for t in concept.terms],
    }


# --- reading --------------------------------------------------------------------------


def list_concepts(
    specs: Sequence[str] | None = None,
    *,
    subject: str | None = None,
    lang: str | None = None,
    base_dir: str | None = None,
) -> list[Concept]:
    """Concepts of the glossaries, optionally under a subject prefix or having a language."""
    concepts = load_glossaries(specs, base_dir=base_dir).concepts
    if subject:
        prefix = subject.strip("/")
        concepts = [
            c
            for c in concepts
            if c.subject and (c.subject == prefix or c.subject.startswith(prefix + "/"))
        ]
    if lang:
        concepts = [c for c in concepts if c.terms_in(normalize_tag(lang))]
    return concepts


def get_concept(
    specs: Sequence[str] | None, concept_id: str, *, base_dir: str | None = None
) -> Concept:
    concept = load_glossaries(specs, base_dir=base_dir).concept(concept_id)
    if concept is None:
        raise NotFoundError(f"no concept {concept_id!r}")
    return concept


@dataclass
class SearchResult:
    """A concept found by `search`, with the term that led to it and how."""

    concept: Concept
    term: Term
    how: str  # "exact", "substring" or "inflected"

    def as_dict(self) -> dict[str, Any]:
        return {
            "how": self.how,
            "term": term_as_dict(self.term),
            "concept": concept_as_dict(self.concept),
        }


def search_terms(
    specs: Sequence[str] | None,
    query: str,
    *,
    lang: str | None = None,
    base_dir: str | None = None,
    limit: int = 50,
) -> list[SearchResult]:
    """Concepts whose terms equal, contain or (inflected) occur in the query."""
    glossaries = load_glossaries(specs, base_dir=base_dir)
    needle = query.strip().casefold()
    if not needle:
        raise UsageError("empty search query")
    key = match_key(lang) if lang else None
    found: dict[str, SearchResult] = {}
    rank = {"exact": 0, "inflected": 1, "substring": 2}
    for concept in glossaries.concepts:
        for term in concept.terms:
            if key and match_key(term.lang) != key:
                continue
            forms = [term.text.casefold(), *(v.casefold() for v in term.variants)]
            how = (
                "exact"
                if needle in forms
                else "substring"
                if any(needle in f for f in forms)
                else None
            )
            if how and (concept.id not in found or rank[how] < rank[found[concept.id].how]):
                found[concept.id] = SearchResult(concept, term, how)
    # Inflected search needs each language's lemmatiser (a second or so to load): without
    # --lang, only when plain text search found nothing.
    langs = [key] if key else [] if found else [match_key(lg) for lg in glossaries.languages]
    for lg in langs:
        for hit in glossaries.matcher.find(query, lg, longest=False):
            hit_concept = glossaries.concept(hit.concept_id)
            if hit_concept is None or hit_concept.id in found:
                continue
            hit_term = next((t for t in hit_concept.terms_in(lg) if t.text == hit.term), None)
            if hit_term is not None:
                found[hit_concept.id] = SearchResult(hit_concept, hit_term, "inflected")
    results = sorted(found.values(), key=lambda r: (rank[r.how], r.concept.id))
    return results[:limit]


@dataclass
class TermsResult:
    """`tm terms`: a hit in the text and the approved translations of its concept."""

    hit: TermHit
    concept: Concept
    targets: list[Term] = field(default_factory=list)
    forbidden_targets: list[Term] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "start": self.hit.start,
            "end": self.hit.end,
            "text": self.hit.text,
            "concept_id": self.hit.concept_id,
            "term": self.hit.term,
            "status": self.hit.status.value,
            "lang": self.hit.lang,
            "glossary": self.hit.glossary,
            "alternatives": list(self.hit.alternatives),
            "subject": self.concept.subject,
            "targets": [term_as_dict(t) for t in self.targets],
            "forbidden_targets": [term_as_dict(t) for t in self.forbidden_targets],
        }


def find_terms_in_text(
    text: str,
    lang: str,
    *,
    to_lang: str | None = None,
    specs: Sequence[str] | None = None,
    longest: bool = True,
    base_dir: str | None = None,
) -> list[TermsResult]:
    """The concepts in `text` and, with `to_lang`, the terms a translation should use."""
    source = normalize_tag(lang)
    target = normalize_tag(to_lang) if to_lang else None
    glossaries = load_glossaries(specs, base_dir=base_dir)
    matcher = glossaries.matcher
    out = []
    for hit in matcher.find(text, source, longest=longest):
        concept = glossaries.concept(hit.concept_id)
        if concept is None:
            continue
        result = TermsResult(hit, concept)
        if target:
            result.targets = matcher.approved_targets(hit.concept_id, target)
            result.forbidden_targets = [
                t for t in concept.terms_in(target) if t.status is TermStatus.FORBIDDEN
            ]
        out.append(result)
    return out


# --- counts ---------------------------------------------------------------------------


def glossary_stats(
    specs: Sequence[str] | None = None, *, base_dir: str | None = None
) -> list[dict[str, Any]]:
    """Per glossary: concepts, and per language concepts covered and terms by status."""
    out = []
    for glossary in load_glossaries(specs, base_dir=base_dir).glossaries:
        per_lang: dict[str, dict[str, int]] = {}
        for lang in languages_in_order(glossary.concepts, glossary.languages):
            key = match_key(lang)
            counts = {"concepts": 0, "terms": 0} | {s.value: 0 for s in TermStatus}
            for concept in glossary.concepts:
                terms = concept.terms_in(key)
                counts["concepts"] += bool(terms)
                counts["terms"] += len(terms)
                for term in terms:
                    counts[term.status.value] += 1
            per_lang[lang] = counts
        out.append(
            {
                "name": glossary.name,
                "path": str(glossary.path) if glossary.path else None,
                "priority": glossary.priority,
                "concepts": len(glossary.concepts),
                "terms": sum(len(c.terms) for c in glossary.concepts),
                "languages": per_lang,
            }
        )
    return out


# --- editing files --------------------------------------------------------------------


def _write_atomic(path: Path, text: str) -> None:
    """Replace a file in one rename, so readers never see half a glossary."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fileobj:
            fileobj.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def editable_glossary(spec: str | None, *, base_dir: str | None = None) -> Path:
    """The TOML file an edit goes to: the one named, or the only glossary there is."""
    if spec:
        path = resolve_glossary(spec, base_dir=base_dir)
    else:
        paths = shipped_glossary_paths(base_dir)
        if len(paths) != 1:
            names = ", ".join(p.stem for p in paths) or "none"
            raise UsageError(f"say which glossary to edit with --glossary (found: {names})")
        path = paths[0]
    if path.suffix.lower() != ".toml":
        raise UsageError(f"only TOML glossaries can be edited ({path}); import it first")
    return path


def _block_indexes(text: str, path: Path) -> dict[str, int]:
    """Concept id -> position of its `[[concept]]` block (the first, if repeated)."""
    try:
        raw = loads_toml(text).get("concept", [])
    except tomllib.TOMLDecodeError as err:
        raise FormatError(f"not valid TOML: {err}", path=str(path)) from err
    out: dict[str, int] = {}
    for index, item in enumerate(raw if isinstance(raw, list) else []):
        if isinstance(item, dict) and isinstance(item.get("id"), str):
            out.setdefault(item["id"], index)
    return out


def _save_concept(path: Path, concept: Concept, *, new: bool) -> Glossary:
    """Write one concept back into its file (replacing its block, or appending)."""
    text = path.read_text(encoding="utf-8")
    glossary, _ = parse_glossary_toml(text, path=str(path), default_name=path.stem)
    block = format_concept(concept, languages=glossary.languages)
    index = _block_indexes(text, path).get(concept.id)
    if new:
        if index is not None:
            raise GlossaryError(f"concept {concept.id!r} already exists in {path}")
        updated = splice_concepts(text, append=[block])
    else:
        if index is None:
            raise NotFoundError(f"no concept {concept.id!r} in {path}")
        updated = splice_concepts(text, replace={index: block})
    result, findings = parse_glossary_toml(updated, path=str(path), default_name=path.stem)
    broken = [f for f in findings if f.severity == "error" and f.concept_id == concept.id]
    if broken:
        raise GlossaryError(f"refusing to write {path}: {broken[0].message}")
    _write_atomic(path, updated)
    result.path = path
    return result


def _load_for_edit(path: Path, concept_id: str) -> Concept:
    glossary, _ = read_glossary_file(path)
    concept = glossary.concept(concept_id)
    if concept is None:
        raise NotFoundError(f"no concept {concept_id!r} in {path}")
    return concept


def parse_lang_text(value: str) -> tuple[str, str]:
    """`en=breast cancer` -> ("en", "breast cancer"): how commands name a term."""
    lang, sep, text = value.partition("=")
    if not sep or not text.strip():
        raise UsageError(f"expected LANG=TEXT, got {value!r}")
    return normalize_tag(lang.strip()), text.strip()


def add_concept(
    spec: str | None,
    concept_id: str,
    *,
    terms: Sequence[str],
    subject: str | None = None,
    source: str | None = None,
    definitions: Sequence[str] = (),
    base_dir: str | None = None,
) -> Concept:
    """Append a new concept to a glossary file; `terms` are LANG=TEXT (preferred)."""
    if not CONCEPT_ID_RE.match(concept_id):
        raise UsageError(f"concept id {concept_id!r} must match [a-z][a-z0-9._-]*")
    if not terms:
        raise UsageError("a concept needs at least one --term LANG=TEXT")
    path = editable_glossary(spec, base_dir=base_dir)
    concept = Concept(id=concept_id, subject=subject, source=source)
    for value in terms:
        lang, text = parse_lang_text(value)
        concept.terms.append(Term(text=text, lang=lang))
    for value in definitions:
        lang, text = parse_lang_text(value)
        concept.definitions[lang] = text
    glossary = _save_concept(path, concept, new=True)
    return glossary.concept(concept_id) or concept


@dataclass
class TermEdit:
    """Changes to one term (created when missing); None leaves a field as it is."""

    lang: str
    text: str
    status: TermStatus | None = None
    pos: str | None = None
    case_sensitive: bool | None = None
    dnt: bool | None = None
    inflect: bool | None = None
    usage: str | None = None
    note: str | None = None
    variants: Sequence[str] | None = None


def _apply_term_edit(concept: Concept, edit: TermEdit) -> None:
    term = next(
        (
            t
            for t in concept.terms
            if match_key(t.lang) == match_key(edit.lang) and t.text == edit.text
        ),
        None,
    )
    if term is None:
        term = Term(text=edit.text, lang=edit.lang)
        # Keep a language's terms together: insert after its last term.
        same = [i for i, t in enumerate(concept.terms) if match_key(t.lang) == match_key(edit.lang)]
        concept.terms.insert(same[-1] + 1 if same else len(concept.terms), term)
    if edit.status is not None:
        term.status = edit.status
    if edit.pos is not None:
        term.part_of_speech = edit.pos or None
    if edit.case_sensitive is not None:
        term.case_sensitive = edit.case_sensitive
    if edit.dnt is not None:
        term.do_not_translate = edit.dnt
    if edit.inflect is not None:
        term.inflect = edit.inflect
    if edit.usage is not None:
        term.usage_note = edit.usage or None
    if edit.note is not None:
        term.note = edit.note or None
    if edit.variants is not None:
        term.variants = list(edit.variants)


def edit_concept(
    spec: str | None,
    concept_id: str,
    *,
    subject: str | None = None,
    source: str | None = None,
    nested: bool | None = None,
    definitions: Sequence[str] = (),
    notes: Sequence[str] = (),
    term_edits: Sequence[TermEdit] = (),
    remove_terms: Sequence[str] = (),
    base_dir: str | None = None,
) -> Concept:
    """Change a concept in its file; only that concept's block is rewritten."""
    path = editable_glossary(spec, base_dir=base_dir)
    concept = _load_for_edit(path, concept_id)
    if subject is not None:
        concept.subject = subject or None
    if source is not None:
        concept.source = source or None
    if nested is not None:
        concept.nested = nested
    for value in definitions:
        lang, text = parse_lang_text(value)
        concept.definitions[lang] = text
    for value in notes:
        lang, text = parse_lang_text(value)
        concept.notes[lang] = text
    for edit in term_edits:
        _apply_term_edit(concept, edit)
    for value in remove_terms:
        lang, text = parse_lang_text(value)
        before = len(concept.terms)
        concept.terms = [
            t
            for t in concept.terms
            if not (match_key(t.lang) == match_key(lang) and t.text == text)
        ]
        if len(concept.terms) == before:
            raise NotFoundError(f"concept {concept_id!r} has no {lang} term {text!r}")
    if not concept.terms:
        raise GlossaryError(f"refusing to remove the last term of {concept_id!r}")
    glossary = _save_concept(path, concept, new=False)
    return glossary.concept(concept_id) or concept


def set_term_status(
    spec: str | None,
    concept_id: str,
    lang_text: str,
    status: TermStatus,
    *,
    note: str | None = None,
    base_dir: str | None = None,
) -> Concept:
    """`deprecate` / `forbid`: give a term a status (adding it to the concept if new)."""
    lang, text = parse_lang_text(lang_text)
    edit = TermEdit(lang=lang, text=text, status=status, note=note)
    return edit_concept(spec, concept_id, term_edits=[edit], base_dir=base_dir)


# --- formats --------------------------------------------------------------------------


def _format_of(path: Path, fmt: str | None) -> str:
    if fmt:
        return fmt
    suffix = path.suffix.lower()
    if suffix in (".tbx", ".xml"):
        return "tbx"
    if suffix in (".csv", ".tsv"):
        return "csv"
    if suffix == ".toml":
        return "toml"
    raise UsageError(f"cannot tell the format of {path}; pass --format")


def read_any(path: Path, *, fmt: str | None = None) -> Glossary:
    """Read a glossary in any supported format (TOML strictly)."""
    kind = _format_of(path, fmt)
    if kind in ("tbx", "tbx2008"):
        from tm.glossary.tbx_io import read_tbx

        with path.open("rb") as fileobj:
            glossary = read_tbx(fileobj, path=str(path), name=path.stem)
    elif kind == "csv":
        from tm.glossary.csv_io import read_glossary_csv

        with path.open(encoding="utf-8-sig", newline="") as textobj:
            glossary = read_glossary_csv(textobj, path=str(path), name=path.stem)
    else:
        glossary = load_glossary(path)
    glossary.path = path
    return glossary


@dataclass
class ImportSummary:
    """What `import` did to the target file."""

    path: Path
    name: str
    added: int
    replaced: int
    terms: int
    created: bool

    def as_dict(self) -> dict[str, Any]:
        return {
            "path": str(self.path),
            "name": self.name,
            "added": self.added,
            "replaced": self.replaced,
            "terms": self.terms,
            "created": self.created,
        }


def import_glossary(
    source: str | Path,
    *,
    into: str | None = None,
    fmt: str | None = None,
    name: str | None = None,
    priority: int | None = None,
    base_dir: str | None = None,
) -> ImportSummary:
    """Convert a TBX/CSV/TOML file into a TOML glossary, or merge it into an existing one.

    Merging replaces concepts with the same id and appends new ones; the rest of the
    existing file is left as it was.
    """
    source_path = Path(source)
    if not source_path.is_file():
        raise NotFoundError(f"file not found: {source}")
    incoming = read_any(source_path, fmt=fmt)
    if name:
        incoming.name = name
    if priority is not None:
        incoming.priority = priority
    target = _import_target(into, incoming, base_dir=base_dir)
    terms = sum(len(c.terms) for c in incoming.concepts)
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        text = format_glossary(incoming)
        _check_written(text, target)
        _write_atomic(target, text)
        return ImportSummary(target, incoming.name, len(incoming.concepts), 0, terms, True)
    text = target.read_text(encoding="utf-8")
    existing, _ = parse_glossary_toml(text, path=str(target), default_name=target.stem)
    replace: dict[int, str] = {}
    append: list[str] = []
    indexes = _block_indexes(text, target)
    for concept in incoming.concepts:
        index = indexes.get(concept.id)
        block = format_concept(concept, languages=existing.languages or incoming.languages)
        if index is None:
            append.append(block)
        else:
            replace[index] = block
    updated = splice_concepts(text, replace=replace, append=append)
    _check_written(updated, target)
    _write_atomic(target, updated)
    return ImportSummary(target, existing.name, len(append), len(replace), terms, False)


def _import_target(into: str | None, incoming: Glossary, *, base_dir: str | None) -> Path:
    if into is None:
        # "Client oncology terms" (a TBX title) -> client-oncology-terms.toml
        stem = re.sub(r"[^a-z0-9._-]+", "-", incoming.name.lower()).strip("-.") or "glossary"
        return glossary_dirs(base_dir)[0] / f"{stem}.toml"
    if into.lower().endswith(".toml") or os.sep in into:
        return Path(into)
    try:
        return resolve_glossary(into, base_dir=base_dir)
    except NotFoundError:
        return glossary_dirs(base_dir)[0] / f"{into}.toml"


def _check_written(text: str, path: Path) -> None:
    """Refuse to write a file we could not read back (e.g. an id TBX had that we reject)."""
    _, findings = parse_glossary_toml(text, path=str(path))
    errors = [f for f in findings if f.severity == "error"]
    if errors:
        raise GlossaryError(f"the imported glossary would not be valid: {errors[0]}")


def export_glossary(
    specs: Sequence[str] | None,
    fileobj: IO[bytes],
    *,
    fmt: str = "tbx",
    base_dir: str | None = None,
) -> Glossary:
    """Write the glossaries (merged, higher priority first) in one format to a binary stream."""
    glossaries = load_glossaries(specs, base_dir=base_dir)
    glossary = _as_one(glossaries)
    if fmt in ("tbx", "tbx2008"):
        from tm.glossary.tbx_io import write_tbx

        write_tbx(fileobj, glossary, version="v3" if fmt == "tbx" else "2008")
    elif fmt == "csv":
        from tm.glossary.csv_io import write_glossary_csv

        text = io.StringIO()
        write_glossary_csv(text, glossary)
        fileobj.write(text.getvalue().encode("utf-8"))
    elif fmt == "toml":
        fileobj.write(format_glossary(glossary).encode("utf-8"))
    else:
        raise UsageError(f"unknown export format {fmt!r} (use {', '.join(EXPORT_FORMATS)})")
    return glossary


def _as_one(glossaries: GlossarySet) -> Glossary:
    if not glossaries.glossaries:
        raise NotFoundError("no glossary to export")
    if len(glossaries.glossaries) == 1:
        return glossaries.glossaries[0]
    first = glossaries.glossaries[0]
    return Glossary(
        name="+".join(g.name for g in glossaries.glossaries),
        concepts=list(glossaries.concepts),
        languages=list(glossaries.languages),
        priority=first.priority,
        description="Merged: " + ", ".join(g.name for g in glossaries.glossaries),
    )


# --- validate and diff ----------------------------------------------------------------


@dataclass
class ValidationReport:
    """Findings per file, and whether they fail the run."""

    files: list[tuple[Path, Glossary, list[Finding]]]
    strict: bool = False

    @property
    def findings(self) -> list[Finding]:
        return [f for _, _, findings in self.files for f in findings]

    @property
    def failed(self) -> bool:
        return has_errors(self.findings, strict=self.strict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "ok": not self.failed,
            "strict": self.strict,
            "files": [
                {
                    "path": str(path),
                    "name": glossary.name,
                    "concepts": len(glossary.concepts),
                    "terms": sum(len(c.terms) for c in glossary.concepts),
                    "errors": sum(f.severity == "error" for f in findings),
                    "warnings": sum(f.severity == "warning" for f in findings),
                }
                for path, glossary, findings in self.files
            ],
            "findings": [f.as_dict() for f in self.findings],
        }


def validate_glossaries(
    specs: Sequence[str] | None = None,
    *,
    strict: bool = False,
    base_dir: str | None = None,
    progress: Progress | None = None,
) -> ValidationReport:
    """Check glossary files (names or paths; default every shipped one) and report all problems."""
    if specs:
        paths = [resolve_glossary(spec, base_dir=base_dir) for spec in specs]
    else:
        paths = shipped_glossary_paths(base_dir)
        if not paths:
            dirs = ", ".join(str(d) for d in glossary_dirs(base_dir))
            raise NotFoundError(f"no glossary files in {dirs}")
    files = []
    for done, path in enumerate(paths):
        if progress:
            progress(done, len(paths), path.name)
        if path.suffix.lower() == ".toml":
            glossary, findings = read_glossary_file(path)
        else:
            glossary = read_any(path)
            findings = []
        glossary.path = path
        stamp_concepts(glossary)
        files.append((path, glossary, validate_glossary(glossary, findings)))
    if progress:
        progress(len(paths), len(paths), "")
    return ValidationReport(files, strict)


def diff_glossary_files(old: str, new: str, *, base_dir: str | None = None) -> list[ConceptChange]:
    """Changes from one glossary file (any format) to another."""
    old_path = resolve_glossary(old, base_dir=base_dir)
    new_path = resolve_glossary(new, base_dir=base_dir)
    return diff_glossaries(read_any(old_path), read_any(new_path))

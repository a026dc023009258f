"""Finding and loading glossary files by name or path (TOML, and TBX/CSV as read-only).

Where names are looked up: `base_dir` when given, else the directories in
`TM_GLOSSARY_PATH` (separated like PATH), else the repository's `glossaries/` directory.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from tm.errors import FormatError, NotFoundError
from tm.glossary.model import Glossary, GlossarySet, stamp_concepts
from tm.glossary.toml_io import parse_glossary_toml

ENV_PATH = "TM_GLOSSARY_PATH"
GLOSSARY_SUFFIXES = (".toml", ".tbx", ".csv", ".tsv")
# The shipped glossaries live next to the package in the repository checkout.
SHIPPED_DIR = Path(__file__).resolve().parents[2] / "glossaries"


def glossary_dirs(base_dir: str | os.PathLike[str] | None = None) -> list[Path]:
    """Directories searched for glossary names, in order."""
    if base_dir is not None:
        return [Path(base_dir)]
    env = os.environ.get(ENV_PATH)
    if env:
        return [Path(p) for p in env.split(os.pathsep) if p]
    return [SHIPPED_DIR]


def _looks_like_path(spec: str) -> bool:
    return (
        os.sep in spec
        or (os.altsep is not None and os.altsep in spec)
        or spec.lower().endswith(GLOSSARY_SUFFIXES)
    )


def resolve_glossary(spec: str, *, base_dir: str | os.PathLike[str] | None = None) -> Path:
    """The file a `--glossary` value means: a path as given, or NAME.toml in the search dirs."""
    if _looks_like_path(spec) or Path(spec).is_file():
        path = Path(spec)
        if not path.is_file():
            raise NotFoundError(f"glossary file not found: {spec}")
        return path
    dirs = glossary_dirs(base_dir)
    for directory in dirs:
        candidate = directory / f"{spec}.toml"
        if candidate.is_file():
            return candidate
    # A file may declare a name different from its file name.
    for directory in dirs:
        for candidate in sorted(directory.glob("*.toml")):
            glossary = load_glossary(candidate)
            if glossary.name == spec:
                return candidate
    searched = ", ".join(str(d) for d in dirs) or "(no directory)"
    raise NotFoundError(f"no glossary named {spec!r} in {searched}")


def shipped_glossary_paths(base_dir: str | os.PathLike[str] | None = None) -> list[Path]:
    """Every `*.toml` glossary in the search directories (sorted by file name)."""
    paths: list[Path] = []
    for directory in glossary_dirs(base_dir):
        if directory.is_dir():
            paths.extend(sorted(directory.glob("*.toml")))
    return paths


def read_glossary_file(path: str | os.PathLike[str]) -> tuple[Glossary, list]:
    """Parse a TOML glossary file leniently: the glossary and its findings (for validate)."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as err:
        raise FormatError(f"not UTF-8 text: {err}", path=str(path)) from err
    except OSError as err:
        raise NotFoundError(f"cannot read glossary {path}: {err.strerror}") from err
    glossary, findings = parse_glossary_toml(text, path=str(path), default_name=path.stem)
    glossary.path = path
    return glossary, findings


def load_glossary(path: str | os.PathLike[str]) -> Glossary:
    """Load one glossary file (TOML; TBX and CSV by extension), refusing broken ones."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix in (".tbx", ".xml"):
        from tm.glossary.tbx_io import read_tbx

        with path.open("rb") as fileobj:
            glossary = read_tbx(fileobj, path=str(path), name=path.stem)
    elif suffix in (".csv", ".tsv"):
        from tm.glossary.csv_io import read_glossary_csv

        with path.open(encoding="utf-8-sig", newline="") as textobj:
            glossary = read_glossary_csv(textobj, path=str(path), name=path.stem)
    else:
        glossary, findings = read_glossary_file(path)
        errors = [f for f in findings if f.severity == "error"]
        if errors:
            first = errors[0]
            more = (
                f" (and {len(errors) - 1} more; run `tm glossary validate`)"
                if len(errors) > 1
                else ""
            )
            raise FormatError(
                first.message + more, path=str(path), line=first.line, unit=first.concept_id
            )
    glossary.path = path
    stamp_concepts(glossary)
    return glossary


def load_glossaries(
    specs: Sequence[str] | None = None, *, base_dir: str | os.PathLike[str] | None = None
) -> GlossarySet:
    """Glossaries by name or path; None (or empty) means every shipped glossary."""
    if specs:
        paths = [resolve_glossary(spec, base_dir=base_dir) for spec in specs]
    else:
        paths = shipped_glossary_paths(base_dir)
    seen: set[Path] = set()
    glossaries = []
    for path in paths:
        key = path.resolve()
        if key in seen:
            continue
        seen.add(key)
        glossaries.append(load_glossary(path))
    return GlossarySet(glossaries)

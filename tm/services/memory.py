"""Use cases of the memory itself: import, export, statistics, concordance, named memories.

Each function owns its transaction. An import of several files is one transaction: a
broken unit anywhere leaves the database exactly as it was, and the error names the
file and line.
"""

from __future__ import annotations

import getpass
import os
import re
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any, Literal, cast

from sqlalchemy import ColumnElement, Connection, Table, delete, func, insert, select, true, update

from tm.errors import FormatError, NotFoundError, UsageError
from tm.langs import match_key, normalize_tag, uses_spaces
from tm.models import Status, Unit, display_text, strip_codes
from tm.services.bulk import bulk_runtime
from tm.store import fuzzy_index
from tm.store.engine import Store
from tm.store.schema import ImportBatchRow, MemoryRow, UnitRow, VariantRow
from tm.store.units import UnitWriter, WriteCounts, codes_from_json, iter_units

Progress = Callable[[int, int | None, str], None]
DEFAULT_MEMORY = "default"
_MEMORY_NAME_RE = re.compile(r"^[^\x00-\x1f/\\]{1,200}$")

memory_t = cast(Table, MemoryRow.__table__)
unit_t = cast(Table, UnitRow.__table__)
variant_t = cast(Table, VariantRow.__table__)
batch_t = cast(Table, ImportBatchRow.__table__)


def _noop(done: int, total: int | None, label: str) -> None:
    return None


def _now() -> datetime:
    return datetime.now(UTC)


def _current_user() -> str | None:
    try:
        return os.environ.get("TM_AUTHOR") or getpass.getuser()
    except (KeyError, OSError):
        return None


# -- named memories ---------------------------------------------------------------------


@dataclass
class MemoryInfo:
    name: str
    description: str | None
    units: int
    languages: dict[str, int]
    created_at: datetime

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _check_name(name: str) -> str:
    name = name.strip()
    if not _MEMORY_NAME_RE.match(name):
        raise UsageError(
            f"invalid memory name {name!r}: 1-200 characters, no '/' or control characters"
        )
    return name


def memory_id(conn: Connection, name: str, *, create: bool = False) -> int:
    """Id of the memory called `name`; created on demand when `create` is true."""
    name = _check_name(name)
    row = conn.execute(select(memory_t.c.id).where(memory_t.c.name == name)).first()
    if row is not None:
        return int(row[0])
    if not create:
        raise NotFoundError(f"no memory named {name!r} (see `tm memory list`)")
    return int(
        conn.execute(
            insert(memory_t).values(name=name, created_at=_now()).returning(memory_t.c.id)
        ).scalar_one()
    )


def memory_ids(conn: Connection, names: Sequence[str] | str | None) -> list[int] | None:
    """Ids for a memory filter; None means every memory."""
    if names is None:
        return None
    if isinstance(names, str):
        names = [names]
    return [memory_id(conn, n) for n in names]


def create_memory(store: Store, name: str, *, description: str | None = None) -> MemoryInfo:
    with store.transaction() as session:
        conn = session.connection()
        name = _check_name(name)
        if conn.execute(select(memory_t.c.id).where(memory_t.c.name == name)).first():
            raise UsageError(f"a memory named {name!r} already exists")
        conn.execute(insert(memory_t).values(name=name, description=description, created_at=_now()))
    return next(m for m in list_memories(store) if m.name == name)


def rename_memory(store: Store, old: str, new: str) -> None:
    with store.transaction() as session:
        conn = session.connection()
        mid = memory_id(conn, old)
        new = _check_name(new)
        if conn.execute(select(memory_t.c.id).where(memory_t.c.name == new)).first():
            raise UsageError(f"a memory named {new!r} already exists")
        conn.execute(update(memory_t).where(memory_t.c.id == mid).values(name=new))


def delete_memory(store: Store, name: str) -> int:
    """Delete a memory and all its units; returns how many units went with it."""
    with store.transaction() as session:
        conn = session.connection()
        mid = memory_id(conn, name)
        count = conn.execute(select(func.count()).where(unit_t.c.memory_id == mid)).scalar_one()
        ids = [
            r[0] for r in conn.execute(select(variant_t.c.id).where(variant_t.c.memory_id == mid))
        ]
        fuzzy_index.unindex_variants(conn, ids)
        conn.execute(delete(variant_t).where(variant_t.c.memory_id == mid))
        conn.execute(delete(unit_t).where(unit_t.c.memory_id == mid))
        conn.execute(delete(batch_t).where(batch_t.c.memory_id == mid))
        conn.execute(delete(memory_t).where(memory_t.c.id == mid))
    return int(count)


def list_memories(store: Store) -> list[MemoryInfo]:
    with store.session() as session:
        conn = session.connection()
        units: dict[int, int] = dict(
            conn.execute(
                select(unit_t.c.memory_id, func.count()).group_by(unit_t.c.memory_id)
            ).all()
        )
        langs: dict[int, dict[str, int]] = {}
        for mid, lang, n in conn.execute(
            select(variant_t.c.memory_id, variant_t.c.lang, func.count()).group_by(
                variant_t.c.memory_id, variant_t.c.lang
            )
        ):
            langs.setdefault(mid, {})[lang] = n
        return [
            MemoryInfo(
                name=row.name,
                description=row.description,
                units=int(units.get(row.id, 0)),
                languages=dict(sorted(langs.get(row.id, {}).items())),
                created_at=row.created_at,
            )
            for row in conn.execute(select(memory_t).order_by(memory_t.c.name))
        ]


# -- import -----------------------------------------------------------------------------


@dataclass
class FileImport:
    path: str
    format: str
    read: int = 0
    added: int = 0
    merged: int = 0
    skipped: int = 0
    alternatives: int = 0
    languages: list[str] = field(default_factory=list)


@dataclass
class ImportReport:
    memory: str
    files: list[FileImport]
    seconds: float

    @property
    def read(self) -> int:
        return sum(f.read for f in self.files)

    @property
    def added(self) -> int:
        return sum(f.added for f in self.files)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["totals"] = {
            k: sum(getattr(f, k) for f in self.files)
            for k in ("read", "added", "merged", "skipped", "alternatives")
        }
        data["units_per_second"] = round(self.read / self.seconds) if self.seconds else None
        return data


def import_units(
    store: Store,
    units: Iterable[Unit],
    *,
    memory: str = DEFAULT_MEMORY,
    origin_file: str | None = None,
    format: str | None = None,
    status: Status | None = None,
    author: str | None = None,
) -> WriteCounts:
    """Store units that did not come from a file (an API call, a pre-translation job)."""
    with store.transaction() as session:
        conn = session.connection()
        mid = memory_id(conn, memory, create=True)
        batch_id = _new_batch(conn, mid, origin_file, format, author)
        writer = UnitWriter(
            conn,
            memory_id=mid,
            batch_id=batch_id,
            origin_file=origin_file,
            status=status,
            author=author or _current_user(),
        )
        try:
            with bulk_runtime():
                for unit in units:
                    writer.add(unit)
                counts = writer.close()
        finally:
            writer.drain()
        _finish_batch(conn, batch_id, counts)
    return counts


def _new_batch(
    conn: Connection, mid: int, origin: str | None, fmt: str | None, author: str | None
) -> int:
    return int(
        conn.execute(
            insert(batch_t)
            .values(
                memory_id=mid,
                origin_file=origin,
                format=fmt,
                author=author or _current_user(),
                started_at=_now(),
                added=0,
                merged=0,
                skipped=0,
            )
            .returning(batch_t.c.id)
        ).scalar_one()
    )


def _finish_batch(conn: Connection, batch_id: int, counts: WriteCounts) -> None:
    conn.execute(
        update(batch_t)
        .where(batch_t.c.id == batch_id)
        .values(added=counts.added, merged=counts.merged, skipped=counts.skipped)
    )


def import_files(
    store: Store,
    paths: Sequence[str | Path],
    *,
    memory: str = DEFAULT_MEMORY,
    format: str | None = None,
    source_lang: str | None = None,
    target_lang: str | None = None,
    status: Status | None = None,
    fuzzy: Literal["draft", "skip"] = "draft",
    author: str | None = None,
    progress: Progress | None = None,
) -> ImportReport:
    """Import files into `memory` as one transaction (all files or nothing).

    `status` overrides the status the files carry (e.g. `corrected` for a reviewed
    bilingual file coming back from a translator).
    """
    from tm.formats import detect_format, read_units

    progress = progress or _noop
    src = normalize_tag(source_lang) if source_lang else None
    tgt = normalize_tag(target_lang) if target_lang else None
    started = time.perf_counter()
    reports: list[FileImport] = []
    files = [Path(p) for p in paths]
    for path in files:
        if not path.is_file():
            raise UsageError(f"{path}: no such file")
    author = author or _current_user()
    with store.transaction() as session:
        conn = session.connection()
        mid = memory_id(conn, memory, create=True)
        done = 0
        for path in files:
            fmt = format or detect_format(path)
            report = FileImport(path=str(path), format=fmt)
            batch_id = _new_batch(conn, mid, str(path), fmt, author)
            writer = UnitWriter(
                conn,
                memory_id=mid,
                batch_id=batch_id,
                origin_file=path.name,
                status=status,
                author=author,
            )
            label = f"importing {path.name}"
            try:
                with bulk_runtime():
                    for unit in read_units(
                        path, format=fmt, source_lang=src, target_lang=tgt, fuzzy=fuzzy
                    ):
                        writer.add(unit)
                        report.read += 1
                        done += 1
                        if done % 1000 == 0:
                            progress(done, None, label)
                    counts = writer.close()
            except FormatError as err:
                raise err.with_path(str(path)) from err
            finally:
                writer.drain()  # never roll back under a write still running
            _finish_batch(conn, batch_id, counts)
            report.added, report.merged, report.skipped = (
                counts.added,
                counts.merged,
                counts.skipped,
            )
            report.alternatives = counts.alternatives
            report.languages = sorted(counts.languages)
            reports.append(report)
            progress(done, None, label)
    return ImportReport(memory=memory, files=reports, seconds=time.perf_counter() - started)


# -- export -----------------------------------------------------------------------------


@dataclass
class ExportReport:
    path: str
    format: str
    units: int
    seconds: float

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


_EXTENSIONS = {
    ".tmx": "tmx",
    ".po": "po",
    ".pot": "po",
    ".xlf": "xliff",
    ".xliff": "xliff",
    ".csv": "csv",
    ".tsv": "tsv",
}


def export_format_for(path: str | Path, format: str | None) -> str:
    if format:
        return format
    fmt = _EXTENSIONS.get(Path(path).suffix.lower())
    if fmt is None:
        raise UsageError(f"cannot tell the export format from {str(path)!r}: give --format")
    return fmt


def export_memory(
    store: Store,
    out: str | Path | IO[bytes],
    *,
    format: str | None = None,
    memory: str | Sequence[str] | None = None,
    source_lang: str | None = None,
    target_lang: str | None = None,
    progress: Progress | None = None,
) -> ExportReport:
    """Write units to a file; bilingual formats need a language pair, TMX/CSV take all."""
    from tm.formats import write_units

    progress = progress or _noop
    fmt = export_format_for(out if isinstance(out, str | Path) else "", format)
    src = normalize_tag(source_lang) if source_lang else None
    tgt = normalize_tag(target_lang) if target_lang else None
    if fmt in ("po", "xliff", "xliff12", "xliff2") and not (src and tgt):
        raise UsageError(f"{fmt} export is bilingual: give --source-lang and --target-lang")
    started = time.perf_counter()
    count = 0
    with store.session() as session:
        conn = session.connection()
        ids = memory_ids(conn, memory)
        langs = [lang for lang in (src, tgt) if lang]
        all_langs = _languages(conn, ids) if fmt in ("csv", "tsv") and not langs else None

        def units() -> Iterator[Unit]:
            nonlocal count
            for _uid, unit in iter_units(conn, memory_ids=ids, langs=langs or None):
                if src and unit.source_lang != src:
                    unit.source_lang = src
                count += 1
                if count % 1000 == 0:
                    progress(count, None, "exporting")
                yield unit

        write_units(
            out,
            units(),
            format=fmt,
            source_lang=src,
            target_lang=tgt,
            langs=langs or all_langs,
        )
    path = str(out) if isinstance(out, str | Path) else "<stream>"
    return ExportReport(path=path, format=fmt, units=count, seconds=time.perf_counter() - started)


def _languages(conn: Connection, ids: Sequence[int] | None) -> list[str]:
    q = select(variant_t.c.lang, func.count()).group_by(variant_t.c.lang)
    if ids is not None:
        q = q.where(variant_t.c.memory_id.in_(list(ids)))
    return [lang for lang, _n in sorted(conn.execute(q).all(), key=lambda r: -r[1])]


def iter_memory_units(
    store: Store, *, memory: str | Sequence[str] | None = None, langs: Sequence[str] | None = None
) -> Iterator[Unit]:
    """Stream the units of a memory (for checks and exports by other services)."""
    with store.session() as session:
        conn = session.connection()
        ids = memory_ids(conn, memory)
        for _uid, unit in iter_units(conn, memory_ids=ids, langs=langs):
            yield unit


# -- statistics -------------------------------------------------------------------------


def stats(store: Store) -> dict[str, Any]:
    """Units, languages, language pairs and memories: what `tm stats` prints."""
    with store.session() as session:
        conn = session.connection()
        units = conn.execute(select(func.count()).select_from(unit_t)).scalar_one()
        variants = conn.execute(select(func.count()).select_from(variant_t)).scalar_one()
        by_lang: dict[str, int] = dict(
            conn.execute(select(variant_t.c.lang, func.count()).group_by(variant_t.c.lang)).all()
        )
        by_status: dict[str, int] = dict(
            conn.execute(select(unit_t.c.status, func.count()).group_by(unit_t.c.status)).all()
        )
        v1 = variant_t.alias("v1")
        v2 = variant_t.alias("v2")
        pair_rows = conn.execute(
            select(v1.c.lang_key, v2.c.lang_key, func.count(func.distinct(v1.c.unit_id)))
            .select_from(v1.join(v2, v1.c.unit_id == v2.c.unit_id))
            .where(v1.c.lang_key < v2.c.lang_key)
            .group_by(v1.c.lang_key, v2.c.lang_key)
        ).all()
    size = None
    if store.dialect == "sqlite":
        db_path = store.url.split(":///", 1)[-1]
        if os.path.exists(db_path):
            size = os.path.getsize(db_path) + sum(
                os.path.getsize(db_path + s) for s in ("-wal",) if os.path.exists(db_path + s)
            )
    return {
        "database": _redact(store.url),
        "database_bytes": size,
        "units": int(units),
        "variants": int(variants),
        "languages": dict(sorted(by_lang.items(), key=lambda kv: -kv[1])),
        "statuses": by_status,
        "pairs": [
            {"languages": [a, b], "units": int(n)}
            for a, b, n in sorted(pair_rows, key=lambda r: -r[2])
        ],
        "memories": [m.to_dict() for m in list_memories(store)],
    }


def _redact(url: str) -> str:
    return re.sub(r"://([^:/@]+):[^@]*@", r"://\1:***@", url)


# -- concordance ------------------------------------------------------------------------


@dataclass
class ConcordanceHit:
    """A stored segment containing the searched text, with where it matched."""

    unit_id: int
    memory: str
    lang: str
    text: str
    spans: list[tuple[int, int]]
    translations: dict[str, str]
    status: str
    origin_file: str | None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _like_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def concordance(
    store: Store,
    text: str,
    *,
    lang: str,
    memory: str | Sequence[str] | None = None,
    target_langs: Sequence[str] | None = None,
    words: bool = False,
    case_sensitive: bool = False,
    limit: int = 50,
) -> list[ConcordanceHit]:
    """Find stored segments containing `text` (substring) or its words (`words=True`).

    Substring search finds the exact character sequence; word search finds segments
    containing every word of `text` as whole words, in any order (languages written
    without spaces match characters anywhere). Matches are highlighted by `spans`.
    """
    needle = text.strip()
    if not needle:
        raise UsageError("concordance needs some text to search for")
    if limit < 1:
        raise UsageError("--limit must be at least 1")
    key = match_key(lang)
    spaced = uses_spaces(lang)
    pieces = needle.split() if words and spaced else [needle]
    flags = 0 if case_sensitive else re.IGNORECASE
    if words and spaced:
        patterns = [re.compile(rf"(?<!\w){re.escape(p)}(?!\w)", flags) for p in pieces]
    else:
        patterns = [re.compile(re.escape(p), flags) for p in pieces]
    want = {match_key(t) for t in target_langs} if target_langs else None
    hits: list[ConcordanceHit] = []
    with store.session() as session:
        conn = session.connection()
        ids = memory_ids(conn, memory)
        longest = max(pieces, key=len)
        col = variant_t.c.text
        pattern = f"%{_like_escape(longest)}%"
        cond: ColumnElement[bool]
        if store.dialect == "postgresql" and not case_sensitive:
            cond = col.ilike(pattern, escape="\\")
        elif store.dialect != "sqlite" or longest.isascii() or longest.lower() == longest.upper():
            # SQLite's LIKE folds ASCII case only; the regexes below decide exactly.
            cond = col.like(pattern, escape="\\")
        else:
            cond = true()  # non-ASCII text with case on SQLite: the regexes filter
        q = (
            select(
                variant_t.c.unit_id,
                variant_t.c.lang,
                variant_t.c.text,
                variant_t.c.codes,
                unit_t.c.status,
                unit_t.c.origin_file,
                memory_t.c.name,
            )
            .select_from(
                variant_t.join(unit_t, unit_t.c.id == variant_t.c.unit_id).join(
                    memory_t, memory_t.c.id == unit_t.c.memory_id
                )
            )
            .where(variant_t.c.lang_key == key, cond)
            .order_by(variant_t.c.unit_id)
        )
        if ids is not None:
            q = q.where(variant_t.c.memory_id.in_(ids))
        for row in conn.execute(q.execution_options(yield_per=500)):
            plain = strip_codes(row.text)
            spans: list[tuple[int, int]] = []
            for pat in patterns:
                found = [m.span() for m in pat.finditer(plain)]
                if not found:
                    spans = []
                    break
                spans.extend(found)
            if not spans:
                continue
            hits.append(
                ConcordanceHit(
                    unit_id=row.unit_id,
                    memory=row.name,
                    lang=row.lang,
                    text=plain,
                    spans=sorted(spans),
                    translations={},
                    status=row.status,
                    origin_file=row.origin_file,
                )
            )
            if len(hits) >= limit:
                break
        if hits:
            by_unit = {h.unit_id: h for h in hits}
            for uid, vlang, vkey, vtext, vcodes in conn.execute(
                select(
                    variant_t.c.unit_id,
                    variant_t.c.lang,
                    variant_t.c.lang_key,
                    variant_t.c.text,
                    variant_t.c.codes,
                )
                .where(variant_t.c.unit_id.in_(list(by_unit)))
                .order_by(variant_t.c.id)
            ):
                if vkey == key or (want is not None and vkey not in want):
                    continue
                by_unit[uid].translations.setdefault(
                    vlang, display_text(vtext, codes_from_json(vcodes))
                )
    return hits

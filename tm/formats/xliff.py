"""XLIFF 1.2 and 2.x: streaming reader (version from the namespace) and two writers.

Why both versions: CAT tools still exchange 1.2 (OmegaT, Trados, memoQ, Okapi); 2.x is
the current standard. The reader yields one unit per translated `trans-unit` (1.2,
or per `mrk mtype="seg"` when `seg-source` segments it) or per translated `segment`
(2.x). Units without a target are skipped: a TM holds translations.

Status mapping (docs/formats.md): 1.2 `state` final/signed-off -> reviewed (also
`approved="yes"`), translated -> translated, new/needs-* -> draft; 2.x final/reviewed ->
reviewed, translated -> translated, initial -> draft. Our `corrected` is written as
1.2 `state="final" state-qualifier="x-corrected"` and 2.x `state="final"
subState="tm:corrected"`, and read back from the same. Consecutive units of one
`document` share a `<file original=...>`.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Iterator
from typing import IO

from lxml import etree

from tm.errors import FormatError
from tm.formats.common import Progress, join_notes, lang_tag, pick_pair
from tm.formats.inline import (
    NS_XLIFF2,
    NS_XLIFF12,
    DataRefs,
    IdMap,
    read_inline,
    read_original_data,
    write_inline,
)
from tm.formats.xmlsafe import Prolog, release, safe_iterparse
from tm.models import Status, Unit, Variant

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
NS_XLIFF11 = "urn:oasis:names:tc:xliff:document:1.1"
NS_XLIFF10 = "urn:oasis:names:tc:xliff:document:1.0"
_V1_NAMESPACES = (NS_XLIFF12, NS_XLIFF11, NS_XLIFF10, "")
CORRECTED_QUALIFIER = "x-corrected"
CORRECTED_SUBSTATE = "tm:corrected"

STATE12_TO_STATUS = {
    "final": Status.REVIEWED,
    "signed-off": Status.REVIEWED,
    "translated": Status.TRANSLATED,
    "new": Status.DRAFT,
    "needs-translation": Status.DRAFT,
    "needs-adaptation": Status.DRAFT,
    "needs-l10n": Status.DRAFT,
    "needs-review-translation": Status.DRAFT,
    "needs-review-adaptation": Status.DRAFT,
    "needs-review-l10n": Status.DRAFT,
}
STATUS_TO_STATE12 = {
    Status.DRAFT: "needs-review-translation",
    Status.TRANSLATED: "translated",
    Status.REVIEWED: "signed-off",
    Status.CORRECTED: "final",
}
STATE2_TO_STATUS = {
    "initial": Status.DRAFT,
    "translated": Status.TRANSLATED,
    "reviewed": Status.REVIEWED,
    "final": Status.REVIEWED,
}
STATUS_TO_STATE2 = {
    Status.DRAFT: "initial",
    Status.TRANSLATED: "translated",
    Status.REVIEWED: "reviewed",
    Status.CORRECTED: "final",
}

_NMTOKEN_BAD_RE = re.compile(r"[^\w.\-:]")
# Added for pre-translation round trips (tm/pretranslate): where its bilingual files keep
# the neighbouring source segments (XLIFF 1.2 context types, XLIFF 2 metadata module).
NS_MDA = "urn:oasis:names:tc:xliff:metadata:2.0"
_NEIGHBOURS = {"x-prev-source": "prev", "x-next-source": "next"}
_META_NEIGHBOURS = {"prev-source": "prev", "next-source": "next"}


def _tags(*names: str) -> list[str]:
    out: list[str] = []
    for ns in (*_V1_NAMESPACES, NS_XLIFF2):
        out.extend(f"{{{ns}}}{name}" if ns else name for name in names)
    return out


_WATCH = _tags("xliff", "file", "trans-unit", "unit")


def _local(tag: object) -> str:
    return tag.rpartition("}")[2] if isinstance(tag, str) else ""


def _ns(tag: str) -> str:
    return tag[1:].partition("}")[0] if tag[:1] == "{" else ""


class _XliffReader:
    """State of one read: version, languages and document of the current file."""

    def __init__(self, path: str | None) -> None:
        self.path = path
        self.v2 = False
        self.src: str | None = None
        self.tgt: str | None = None
        self.document: str | None = None

    def check_root(self, prolog: Prolog) -> None:
        if (prolog.local_root or "").lower() != "xliff":
            raise FormatError(
                f"not an XLIFF file (root element <{prolog.root}>)", path=self.path, line=1
            )
        ns = prolog.namespace or ""
        if ns not in (*_V1_NAMESPACES, NS_XLIFF2):
            raise FormatError(
                f"unknown XLIFF namespace {ns!r} (expected XLIFF 1.x or 2.x)",
                path=self.path,
                line=1,
            )

    def _lang(self, value: str | None, line: int | None) -> str | None:
        return lang_tag(value, path=self.path, line=line) if value else None

    def start(self, el: etree._Element) -> None:
        local = _local(el.tag)
        line = el.sourceline
        if local == "xliff":
            ns = _ns(el.tag)
            self.v2 = ns == NS_XLIFF2 or (el.get("version") or "").startswith("2")
            if ns not in (*_V1_NAMESPACES, NS_XLIFF2):
                raise FormatError(f"unknown XLIFF namespace {ns!r}", path=self.path, line=line)
            if self.v2:
                self.src = self._lang(el.get("srcLang"), line)
                self.tgt = self._lang(el.get("trgLang"), line)
        elif local == "file":
            self.document = el.get("original") or None
            if not self.v2:
                self.src = self._lang(el.get("source-language"), line)
                self.tgt = self._lang(el.get("target-language"), line)

    def langs(
        self, source: etree._Element, target: etree._Element, line: int | None
    ) -> tuple[str, str]:
        src = self._lang(source.get(XML_LANG), line) or self.src
        tgt = self._lang(target.get(XML_LANG), line) or self.tgt
        if src is None:
            raise FormatError(
                "no source language (source-language / srcLang)", path=self.path, line=line
            )
        if tgt is None:
            raise FormatError(
                "no target language (target-language / trgLang)", path=self.path, line=line
            )
        return src, tgt

    def inline(self, el: etree._Element, data: dict[str, str] | None = None) -> tuple[str, tuple]:
        try:
            return read_inline(el, "xliff2" if self.v2 else "xliff12", data=data)
        except FormatError as err:
            raise FormatError(err.message, path=self.path, line=err.line or el.sourceline) from err

    # XLIFF 1.2 ---------------------------------------------------------------------

    def trans_unit(self, tu: etree._Element) -> Iterator[Unit]:
        line = tu.sourceline
        source = target = seg_source = None
        notes: list[str] = []
        document = self.document
        # Neighbouring source segments written by `tm pretranslate` (context types
        # x-prev-source / x-next-source): stored as the in-context key of the pair.
        neighbours: dict[str, str] = {}
        for child in tu:
            local = _local(child.tag)
            if local == "source":
                source = child
            elif local == "target":
                target = child
            elif local == "seg-source":
                seg_source = child
            elif local == "note":
                notes.append(child.text or "")
            elif local == "context-group":
                for ctx in child:
                    if _local(ctx.tag) == "context" and ctx.get("context-type") == "sourcefile":
                        document = ctx.text or document
                    elif _local(ctx.tag) == "context" and ctx.get("context-type") in _NEIGHBOURS:
                        neighbours[_NEIGHBOURS[ctx.get("context-type", "")]] = ctx.text or ""
        if source is None or target is None:
            return
        status = self._status12(tu, target)
        src, tgt = self.langs(source, target, line)
        unit_id = tu.get("id")
        key = _context_key(tu.get("resname"), unit_id)
        pairs: list[tuple[str | None, etree._Element, etree._Element]]
        seg_marks = _seg_marks(seg_source) if seg_source is not None else {}
        target_marks = _seg_marks(target) if seg_marks else {}
        if seg_marks and target_marks:
            pairs = [
                (mid, seg_marks[mid], target_marks[mid]) for mid in seg_marks if mid in target_marks
            ]
        else:
            pairs = [(None, source, target)]
        for mid, s_el, t_el in pairs:
            t_text, t_codes = self.inline(t_el)
            if not t_text:
                continue
            s_text, s_codes = self.inline(s_el)
            source_variant = Variant(src, s_text, s_codes)
            if mid is None:
                source_variant.prev_text = neighbours.get("prev")
                source_variant.next_text = neighbours.get("next")
            yield Unit(
                variants=[source_variant, Variant(tgt, t_text, t_codes)],
                source_lang=src,
                unit_id=f"{unit_id}#{mid}" if mid is not None else unit_id,
                context_key=f"{key}#{mid}" if mid is not None and key else key,
                document=document,
                status=status,
                note=join_notes(notes),
                line=t_el.sourceline if mid is not None else line,
            )

    def _status12(self, tu: etree._Element, target: etree._Element) -> Status:
        state = target.get("state")
        if state == "final" and target.get("state-qualifier") == CORRECTED_QUALIFIER:
            return Status.CORRECTED
        status = STATE12_TO_STATUS.get(state or "", Status.TRANSLATED)
        if tu.get("approved") == "yes" and status is Status.TRANSLATED:
            return Status.REVIEWED
        return status

    # XLIFF 2.x ---------------------------------------------------------------------

    def unit2(self, unit: etree._Element) -> Iterator[Unit]:
        data: dict[str, str] = {}
        notes: list[str] = []
        segments: list[etree._Element] = []
        neighbours: dict[str, str] = {}
        for child in unit:
            local = _local(child.tag)
            if local == "segment":
                segments.append(child)
            elif local == "metadata" and _ns(child.tag) == NS_MDA:
                # Neighbouring source segments written by `tm pretranslate`
                # (<mda:meta type="prev-source|next-source">): the in-context key.
                for meta in child.iter(f"{{{NS_MDA}}}meta"):
                    kind = _META_NEIGHBOURS.get(meta.get("type") or "")
                    if kind:
                        neighbours.setdefault(kind, meta.text or "")
            elif local == "originalData":
                data = read_original_data(child)
            elif local == "notes":
                notes.extend(n.text or "" for n in child if _local(n.tag) == "note")
        unit_id = unit.get("id")
        key = _context_key(unit.get("name"), unit_id)
        many = len(segments) > 1
        for index, segment in enumerate(segments, 1):
            source = target = None
            for child in segment:
                local = _local(child.tag)
                if local == "source":
                    source = child
                elif local == "target":
                    target = child
            if source is None or target is None:
                continue
            t_text, t_codes = self.inline(target, data)
            if not t_text:
                continue
            s_text, s_codes = self.inline(source, data)
            src, tgt = self.langs(source, target, segment.sourceline)
            seg_id = segment.get("id") or str(index)
            source_variant = Variant(src, s_text, s_codes)
            if not many:
                source_variant.prev_text = neighbours.get("prev")
                source_variant.next_text = neighbours.get("next")
            yield Unit(
                variants=[source_variant, Variant(tgt, t_text, t_codes)],
                source_lang=src,
                unit_id=f"{unit_id}#{seg_id}" if many else unit_id,
                context_key=f"{key}#{seg_id}" if many and key else key,
                document=self.document,
                status=_status2(segment),
                note=join_notes(notes),
                line=segment.sourceline if many else unit.sourceline,
            )


def _context_key(name: str | None, unit_id: str | None) -> str | None:
    """resname/name is the key; without one the id is; an empty one means no key."""
    if name is None:
        return unit_id
    return name or None


def _status2(segment: etree._Element) -> Status:
    state = segment.get("state")
    if state is None:
        return Status.TRANSLATED  # a target without a state: translated, not "initial"
    if state == "final" and segment.get("subState") == CORRECTED_SUBSTATE:
        return Status.CORRECTED
    return STATE2_TO_STATUS.get(state, Status.TRANSLATED)


def _seg_marks(el: etree._Element) -> dict[str, etree._Element]:
    """`mrk mtype="seg"` elements by `mid` (segmented XLIFF 1.2 from Okapi, Trados)."""
    return {
        m.get("mid", ""): m
        for m in el.iter()
        if _local(m.tag) == "mrk" and m.get("mtype") == "seg" and m.get("mid")
    }


def read_xliff(
    fileobj: IO[bytes], *, path: str | None = None, fuzzy: str = "draft"
) -> Iterator[Unit]:
    """Stream translated units of an XLIFF 1.0-1.2 or 2.x file (version auto-detected).

    `fuzzy="skip"` leaves out units the file marks unfinished (status draft: 1.2
    new/needs-*, 2.x initial), like the PO policy; added so a translator's bilingual
    file can be imported with `--status corrected --fuzzy skip` (tm pretranslate).
    """
    if fuzzy == "skip":
        yield from (u for u in read_xliff(fileobj, path=path) if u.status is not Status.DRAFT)
        return
    reader = _XliffReader(path)
    for event, el in safe_iterparse(
        fileobj, ("start", "end"), tag=_WATCH, path=path, on_prolog=reader.check_root
    ):
        local = _local(el.tag)
        if event == "start":
            if local in ("xliff", "file"):
                reader.start(el)
            continue
        if local == "trans-unit" and not reader.v2:
            yield from reader.trans_unit(el)
            release(el)
        elif local == "unit" and reader.v2:
            yield from reader.unit2(el)
            release(el)


# --- writing ------------------------------------------------------------------------


def _text_el(parent: etree._Element, tag: str, text: str, tail: str) -> etree._Element:
    el = etree.SubElement(parent, tag)
    el.text = text
    el.tail = tail
    return el


def _unique_id(
    wanted: str | None, used: set[str], counter: itertools.count[int], nmtoken: bool
) -> str:
    base = wanted or ""
    if nmtoken and base:
        base = _NMTOKEN_BAD_RE.sub("_", base)
    if not base or base in used:
        while True:
            candidate = f"{base}_{next(counter)}" if base else str(next(counter))
            if candidate not in used:
                break
        base = candidate
    used.add(base)
    return base


def _pairs(units: Iterable[Unit], src: str, tgt: str) -> Iterator[tuple[Unit, Variant, Variant]]:
    for unit in units:
        pair = pick_pair(unit, src, tgt)
        if pair is not None:
            yield unit, pair[0], pair[1]


def _wrap_errors(unit: Unit, n: int, err: Exception) -> FormatError:
    message = err.message if isinstance(err, FormatError) else str(err)
    return FormatError(message, unit=unit.unit_id or str(n))


def write_xliff12(
    fileobj: IO[bytes],
    units: Iterable[Unit],
    *,
    source_lang: str,
    target_lang: str,
    progress: Progress | None = None,
) -> int:
    """Write source/target pairs as XLIFF 1.2 (valid against the strict schema).

    Units lacking either language are skipped; returns the number of trans-units.
    """
    src, tgt = lang_tag(source_lang), lang_tag(target_lang)
    x = f"{{{NS_XLIFF12}}}"
    count = 0
    with etree.xmlfile(fileobj, encoding="UTF-8") as xf:
        xf.write_declaration()
        with xf.element(x + "xliff", {"version": "1.2"}, nsmap={None: NS_XLIFF12}):
            groups = itertools.groupby(_pairs(units, src, tgt), key=lambda t: t[0].document)
            wrote_file = False
            for document, group in groups:
                wrote_file = True
                xf.write("\n  ")
                attrib = {
                    "original": document or "",
                    "source-language": src,
                    "target-language": tgt,
                    "datatype": "plaintext",
                }
                with xf.element(x + "file", attrib):
                    xf.write("\n    ")
                    with xf.element(x + "body"):
                        used: set[str] = set()
                        counter = itertools.count(1)
                        for unit, source, target in group:
                            count += 1
                            try:
                                tu = _trans_unit(unit, source, target, used, counter)
                            except (FormatError, ValueError) as err:
                                raise _wrap_errors(unit, count, err) from err
                            xf.write("\n      ")
                            xf.write(tu)
                            if progress is not None and count % 10_000 == 0:
                                progress(count, None, "xliff")
                        xf.write("\n    ")
                    xf.write("\n  ")
            if not wrote_file:
                xf.write("\n  ")
                attrib = {
                    "original": "",
                    "source-language": src,
                    "target-language": tgt,
                    "datatype": "plaintext",
                }
                with xf.element(x + "file", attrib), xf.element(x + "body"):
                    pass
            xf.write("\n")
    if progress is not None:
        progress(count, count, "xliff")
    return count


def _trans_unit(
    unit: Unit, source: Variant, target: Variant, used: set[str], counter: itertools.count[int]
) -> etree._Element:
    x = f"{{{NS_XLIFF12}}}"
    tu = etree.Element(x + "trans-unit", nsmap={None: NS_XLIFF12})
    tu.set("id", _unique_id(unit.unit_id, used, counter, nmtoken=False))
    tu.set(XML_SPACE, "preserve")
    if unit.context_key != tu.get("id"):
        tu.set("resname", unit.context_key or "")
    if unit.status in (Status.REVIEWED, Status.CORRECTED):
        tu.set("approved", "yes")
    tu.text = "\n        "
    ids = IdMap(nmtoken=True)
    s_el = etree.SubElement(tu, x + "source")
    s_el.tail = "\n        "
    write_inline(s_el, source.text, source.codes, "xliff12", ids=ids)
    t_el = etree.SubElement(tu, x + "target", state=STATUS_TO_STATE12[unit.status])
    if unit.status is Status.CORRECTED:
        t_el.set("state-qualifier", CORRECTED_QUALIFIER)
    t_el.tail = "\n      "
    write_inline(t_el, target.text, target.codes, "xliff12", ids=ids)
    if unit.note:
        t_el.tail = "\n        "
        _text_el(tu, x + "note", unit.note, "\n      ")
    return tu


def write_xliff2(
    fileobj: IO[bytes],
    units: Iterable[Unit],
    *,
    source_lang: str,
    target_lang: str,
    progress: Progress | None = None,
) -> int:
    """Write source/target pairs as XLIFF 2.0 (valid against xliff-core-2.0.xsd).

    One `unit` with one `segment` per pair; native code text goes to `originalData`.
    Returns the number of units written.
    """
    src, tgt = lang_tag(source_lang), lang_tag(target_lang)
    x = f"{{{NS_XLIFF2}}}"
    count = 0
    root_attrs = {"version": "2.0", "srcLang": src, "trgLang": tgt}
    with etree.xmlfile(fileobj, encoding="UTF-8") as xf:
        xf.write_declaration()
        with xf.element(x + "xliff", root_attrs, nsmap={None: NS_XLIFF2}):
            groups = itertools.groupby(_pairs(units, src, tgt), key=lambda t: t[0].document)
            file_no = 0
            for document, group in groups:
                file_no += 1
                xf.write("\n  ")
                attrib = {"id": f"f{file_no}"}
                if document is not None:
                    attrib["original"] = document
                with xf.element(x + "file", attrib):
                    used: set[str] = set()
                    counter = itertools.count(1)
                    for unit, source, target in group:
                        count += 1
                        try:
                            el = _unit2(unit, source, target, used, counter)
                        except (FormatError, ValueError) as err:
                            raise _wrap_errors(unit, count, err) from err
                        xf.write("\n    ")
                        xf.write(el)
                        if progress is not None and count % 10_000 == 0:
                            progress(count, None, "xliff")
                    xf.write("\n  ")
            if file_no == 0:
                xf.write("\n  ")
                with xf.element(x + "file", {"id": "f1"}):
                    # The schema wants a unit or group in every file; an empty export
                    # gets an empty group.
                    xf.write(etree.Element(x + "group", {"id": "empty"}, nsmap={None: NS_XLIFF2}))
            xf.write("\n")
    if progress is not None:
        progress(count, count, "xliff")
    return count


def _unit2(
    unit: Unit, source: Variant, target: Variant, used: set[str], counter: itertools.count[int]
) -> etree._Element:
    x = f"{{{NS_XLIFF2}}}"
    el = etree.Element(x + "unit", nsmap={None: NS_XLIFF2})
    el.set("id", _unique_id(unit.unit_id, used, counter, nmtoken=True))
    el.set(XML_SPACE, "preserve")
    if unit.context_key != el.get("id"):
        el.set("name", unit.context_key or "")
    el.text = "\n      "
    if unit.note:
        notes = etree.SubElement(el, x + "notes")
        notes.tail = "\n      "
        _text_el(notes, x + "note", unit.note, "")
    ids = IdMap(nmtoken=True)
    data = DataRefs()
    segment = etree.Element(x + "segment", state=STATUS_TO_STATE2[unit.status])
    if unit.status is Status.CORRECTED:
        segment.set("subState", CORRECTED_SUBSTATE)
    segment.tail = "\n    "
    s_el = etree.SubElement(segment, x + "source")
    write_inline(s_el, source.text, source.codes, "xliff2", ids=ids, data=data)
    t_el = etree.SubElement(segment, x + "target")
    write_inline(t_el, target.text, target.codes, "xliff2", ids=ids, data=data)
    original = data.element()
    if original is not None:
        original.tail = "\n      "
        el.append(original)
    el.append(segment)
    return el

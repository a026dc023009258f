"""TMX 1.1-1.4b: streaming reader and writer around `Unit`.

Why streaming: a vendor TM export can be gigabytes. The reader walks `tu` elements with
a hardened pull parser and frees each one once read; the writer serialises one `tu` at
a time through lxml's incremental `xmlfile`. Both keep memory flat whatever the size.

Fields TMX has no attribute for travel as props (see docs/formats.md): `x-status`,
`x-context`, `x-document` on the tu, `x-prev` / `x-next` on the tuv. OmegaT's `file`,
`id`, `prev`, `next` props are read too. Old tools write TMX 1.1 with `lang=` instead of
`xml:lang` and sometimes upper-case element names; both are accepted.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import IO

from lxml import etree

import tm
from tm.errors import FormatError
from tm.formats.common import (
    OMEGAT_PROPS,
    PROP_CONTEXT,
    PROP_DOCUMENT,
    PROP_NEXT,
    PROP_PREV,
    PROP_STATUS,
    TAG_CACHE,
    Progress,
    format_date,
    join_notes,
    lang_tag,
    parse_date,
    parse_status,
    resolve_source,
)
from tm.formats.inline import PUA_RE, IdMap, read_inline, write_inline
from tm.formats.xmlsafe import Prolog, release, safe_iterparse
from tm.models import Status, Unit, Variant

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
_TAGS = ("header", "tu", "HEADER", "TU", "Header", "Tu")


class _TmxReader:
    """State of one read: the header's source language and the element-name case."""

    def __init__(self, path: str | None, source_lang: str | None) -> None:
        self.path = path
        self.header_src: str | None = (
            lang_tag(source_lang) if source_lang and source_lang != "*all*" else None
        )

    def check_root(self, prolog: Prolog) -> None:
        local = (prolog.local_root or "").lower()
        if local != "tmx":
            raise FormatError(
                f"not a TMX file (root element <{prolog.root}>)", path=self.path, line=1
            )

    def header(self, el: etree._Element) -> None:
        attrs = {k.lower(): v for k, v in el.attrib.items()}
        src = attrs.get("srclang")
        if src and src.strip().lower() != "*all*":
            self.header_src = lang_tag(src, path=self.path, line=el.sourceline)

    def tu(self, el: etree._Element) -> Unit | None:
        path = self.path
        line = el.sourceline
        lower = el.tag != "tu"
        attrib = _attrs(el, lower)
        variants: list[Variant] = []
        notes: list[str] = []
        props: list[tuple[str, str]] = []
        for child in el:
            tag = child.tag
            if not isinstance(tag, str):
                continue
            if lower:
                tag = tag.lower()
            if tag == "tuv":
                variants.append(self.tuv(child, lower))
            elif tag == "prop":
                ptype = _attrs(child, lower).get("type")
                props.append((ptype or "", child.text or ""))
            elif tag == "note":
                notes.append(child.text or "")
        if not variants:
            return None
        unit = Unit(variants=variants, line=line, note=join_notes(notes) if notes else None)
        declared = self.header_src
        if attrib:
            unit.unit_id = attrib.get("tuid")
            src = attrib.get("srclang")
            if src is not None:
                declared = (
                    None if src.strip().lower() == "*all*" else lang_tag(src, path=path, line=line)
                )
            if len(attrib) > (unit.unit_id is not None) + (src is not None):
                _dates(unit, attrib, path, line)
                usage = attrib.get("usagecount")
                if usage:
                    try:
                        unit.usage_count = int(usage)
                    except ValueError as err:
                        raise FormatError(
                            f"bad usagecount {usage!r}", path=path, line=line
                        ) from err
        if declared is not None:
            unit.source_lang = (
                declared if variants[0].lang == declared else resolve_source(declared, variants)
            )
        if props:
            self._unit_props(unit, props, line)
        return unit

    def _unit_props(self, unit: Unit, props: list[tuple[str, str]], line: int | None) -> None:
        kept: list[tuple[str, str]] = []
        omegat: dict[str, str] = {}
        for ptype, value in props:
            if ptype == PROP_STATUS:
                unit.status = parse_status(value, path=self.path, line=line)
            elif ptype == PROP_CONTEXT:
                unit.context_key = value
            elif ptype == PROP_DOCUMENT:
                unit.document = value
            elif ptype in OMEGAT_PROPS:
                omegat[OMEGAT_PROPS[ptype]] = value
            else:
                kept.append((ptype, value))
        unit.props = kept
        if omegat:
            if unit.document is None and "document" in omegat:
                unit.document = omegat["document"]
            if unit.context_key is None and "context" in omegat:
                unit.context_key = omegat["context"]
            source = unit.variant(unit.source_lang) if unit.source_lang else unit.variants[0]
            if source is not None:
                source.prev_text = source.prev_text or omegat.get("prev")
                source.next_text = source.next_text or omegat.get("next")

    def tuv(self, el: etree._Element, lower: bool) -> Variant:
        path = self.path
        attrib = _attrs(el, lower)
        raw_lang = attrib.get(XML_LANG) or attrib.get("lang") or attrib.get("xml:lang")
        if raw_lang is None:
            raise FormatError("tuv without xml:lang", path=path, line=el.sourceline)
        lang = TAG_CACHE.get(raw_lang) or lang_tag(raw_lang, path=path, line=el.sourceline)
        if len(el) == 1 and (el[0].tag == "seg" or (lower and str(el[0].tag).lower() == "seg")):
            seg = el[0]
            variant = Variant(lang, "")
        else:
            variant = Variant(lang, "")
            seg = self._tuv_children(el, variant, lower)
        if len(seg) == 0 and PUA_RE.search(text := seg.text or "") is None:
            variant.text = text
        else:
            try:
                variant.text, variant.codes = read_inline(seg, "tmx")
            except FormatError as err:
                raise FormatError(err.message, path=path, line=err.line or seg.sourceline) from err
        if len(attrib) > 1:
            _dates(variant, attrib, path, el.sourceline)
        return variant

    def _tuv_children(self, el: etree._Element, variant: Variant, lower: bool) -> etree._Element:
        seg = None
        for child in el:
            tag = child.tag
            if not isinstance(tag, str):
                continue
            if lower:
                tag = tag.lower()
            if tag == "seg":
                seg = child
            elif tag == "prop":
                ptype = _attrs(child, lower).get("type") or ""
                value = child.text or ""
                if ptype == PROP_PREV:
                    variant.prev_text = value
                elif ptype == PROP_NEXT:
                    variant.next_text = value
                else:
                    variant.props.append((ptype, value))
            elif tag == "note":
                variant.notes.append(child.text or "")
        if seg is None:
            raise FormatError("tuv without seg", path=self.path, line=el.sourceline)
        return seg


def _attrs(el: etree._Element, lower: bool) -> dict[str, str]:
    """Attributes as a dict (names lower-cased for old upper-case TMX)."""
    if lower:
        return {k.lower() if k[:1] != "{" else k: v for k, v in el.items()}
    return dict(el.items())


def _dates(
    target: Unit | Variant, attrib: dict[str, str], path: str | None, line: int | None
) -> None:
    value = attrib.get("creationdate")
    if value:
        target.created_at = parse_date(value, path=path, line=line)
    value = attrib.get("changedate")
    if value:
        target.changed_at = parse_date(value, path=path, line=line)
    target.created_by = attrib.get("creationid") or target.created_by
    target.changed_by = attrib.get("changeid") or target.changed_by


def read_tmx(
    fileobj: IO[bytes], *, path: str | None = None, source_lang: str | None = None
) -> Iterator[Unit]:
    """Stream the translation units of a TMX file (any version 1.1-1.4b), one per `tu`.

    `source_lang` is used when the header's `srclang` is `*all*` or missing. A `tu`
    without any `tuv` is skipped; a `tuv` with an empty `seg` is kept (empty text).
    """
    reader = _TmxReader(path, source_lang)
    for _event, el in safe_iterparse(
        fileobj, ("end",), tag=_TAGS, path=path, on_prolog=reader.check_root
    ):
        if el.tag in ("tu", "TU", "Tu"):
            unit = reader.tu(el)
            release(el)
            if unit is not None:
                yield unit
        else:
            reader.header(el)
            el.clear(keep_tail=False)


# --- writing ------------------------------------------------------------------------


def _set_dates(el: etree._Element, item: Unit | Variant) -> None:
    if item.created_at is not None:
        el.set("creationdate", format_date(item.created_at))
    if item.created_by:
        el.set("creationid", item.created_by)
    if item.changed_at is not None:
        el.set("changedate", format_date(item.changed_at))
    if item.changed_by:
        el.set("changeid", item.changed_by)


def _sub(parent: etree._Element, tag: str, text: str, indent: str, **attrib: str) -> etree._Element:
    el = etree.SubElement(parent, tag, attrib)
    el.text = text
    el.tail = indent
    return el


def build_tu(unit: Unit, *, header_src: str | None = None) -> etree._Element | None:
    """One `<tu>` element for a unit (None when it has no variant to write)."""
    variants = [v for v in unit.variants if v.lang and v.lang != "*all*"]
    if not variants:
        return None
    tu = etree.Element("tu")
    if unit.unit_id:
        tu.set("tuid", unit.unit_id)
    if unit.source_lang != header_src:
        # "*all*" keeps "no declared source" from turning into the header's language.
        tu.set("srclang", unit.source_lang or "*all*")
    if unit.usage_count:
        tu.set("usagecount", str(unit.usage_count))
    _set_dates(tu, unit)
    ind1, ind2, ind3 = "\n    ", "\n      ", "\n        "
    tu.text = ind2
    if unit.note:
        _sub(tu, "note", unit.note, ind2)
    if unit.context_key is not None:
        _sub(tu, "prop", unit.context_key, ind2, type=PROP_CONTEXT)
    if unit.document is not None:
        _sub(tu, "prop", unit.document, ind2, type=PROP_DOCUMENT)
    if unit.status is not Status.TRANSLATED:
        _sub(tu, "prop", unit.status.value, ind2, type=PROP_STATUS)
    for ptype, value in unit.props:
        _sub(tu, "prop", value, ind2, type=ptype)
    ids = IdMap(nmtoken=False)
    tuv = None
    for variant in variants:
        tuv = etree.SubElement(tu, "tuv", {XML_LANG: variant.lang})
        _set_dates(tuv, variant)
        tuv.text = ind3
        tuv.tail = ind2
        for note in variant.notes:
            _sub(tuv, "note", note, ind3)
        if variant.prev_text is not None:
            _sub(tuv, "prop", variant.prev_text, ind3, type=PROP_PREV)
        if variant.next_text is not None:
            _sub(tuv, "prop", variant.next_text, ind3, type=PROP_NEXT)
        for ptype, value in variant.props:
            _sub(tuv, "prop", value, ind3, type=ptype)
        seg = etree.SubElement(tuv, "seg")
        seg.tail = ind2
        write_inline(seg, variant.text, variant.codes, "tmx", ids=ids)
    if tuv is not None:
        tuv.tail = ind1
    return tu


def write_tmx(
    fileobj: IO[bytes],
    units: Iterable[Unit],
    *,
    source_lang: str | None = None,
    creation_tool: str = "tm-oncology",
    progress: Progress | None = None,
) -> int:
    """Write units as TMX 1.4b (valid against the TMX 1.4 DTD); return how many.

    `source_lang` goes into the header's `srclang` (`*all*` when None); a unit whose
    own source language differs gets a `srclang` on its `tu`.
    """
    header_src = lang_tag(source_lang) if source_lang and source_lang != "*all*" else None
    count = 0
    with etree.xmlfile(fileobj, encoding="UTF-8") as xf:
        xf.write_declaration()
        xf.write_doctype('<!DOCTYPE tmx SYSTEM "tmx14.dtd">')
        with xf.element("tmx", version="1.4"):
            xf.write("\n  ")
            header = etree.Element(
                "header",
                {
                    "creationtool": creation_tool,
                    "creationtoolversion": tm.__version__,
                    "segtype": "sentence",
                    "o-tmf": creation_tool,
                    "adminlang": "en",
                    "srclang": header_src or "*all*",
                    "datatype": "plaintext",
                },
            )
            xf.write(header)
            xf.write("\n  ")
            with xf.element("body"):
                for unit in units:
                    try:
                        tu = build_tu(unit, header_src=header_src)
                    except FormatError as err:
                        raise FormatError(err.message, unit=unit.unit_id or str(count + 1)) from err
                    except ValueError as err:  # lxml refuses text XML cannot carry
                        raise FormatError(str(err), unit=unit.unit_id or str(count + 1)) from err
                    if tu is None:
                        continue
                    xf.write("\n    ")
                    xf.write(tu)
                    count += 1
                    if progress is not None and count % 10_000 == 0:
                        progress(count, None, "tmx")
                xf.write("\n  ")
            xf.write("\n")
    if progress is not None:
        progress(count, count, "tmx")
    return count

"""XLIFF 2.1 bilingual file of a pre-translated job, with matches and glossary modules.

Layout, per the XLIFF 2.1 core and its modules:

* one `<file>` per document; its `<skeleton>` holds the document as JSON
  (`Document.to_json()`) and a file-level `mda:metadata` group names the original
  format, so `tm build-target` rebuilds the article from this file alone;
* one `<unit>` per source segment (id = the document's segment id) with one `<segment>`;
  `state="translated"` when an in-context or exact match was applied (ready to
  confirm), `state="initial"` otherwise; `subState` says why
  (`tm:in-context`, `tm:exact`, `tm:fuzzy`, `tm:adapted`, `tm:repetition`,
  `tm:source-copy`, `tm:no-match`);
* `mtc:matches` (Translation Candidates module) inside the unit: one `mtc:match`
  per candidate with `ref="#<segment id>"`, `type="tm"`, `similarity`, `origin`
  (memory and file) and `subType` (`tm:in-context|exact|fuzzy|adapted`), its own
  `xlf:source`/`xlf:target`;
* `gls:glossary` (Glossary module): one `gls:glossEntry` per concept found in the
  source, `gls:term` (the source term, `source` = glossary name) and one
  `gls:translation` per approved target term;
* `mda:metadata` on the unit: the analysis band, the neighbouring source segments
  (`prev-source`, `next-source`: the in-context key a later import stores) and the
  document name.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import IO

from lxml import etree

from tm.formats.inline import DataRefs, IdMap, write_inline
from tm.pretranslate.model import (
    BilingualFile,
    GlossaryEntry,
    MatchInfo,
    PretranslatedSegment,
    SegmentState,
)
from tm.pretranslate.xmlout import indent_structure, xml_text

XLF = "urn:oasis:names:tc:xliff:document:2.0"
MTC = "urn:oasis:names:tc:xliff:matches:2.0"
GLS = "urn:oasis:names:tc:xliff:glossary:2.0"
MDA = "urn:oasis:names:tc:xliff:metadata:2.0"
NSMAP = {None: XLF, "mtc": MTC, "gls": GLS, "mda": MDA}
# Prefix of our user-defined values (subState, subType): XLIFF 2 asks for "prefix:value".
VALUE_PREFIX = "tm"
META_CATEGORY = "tm-oncology"
# Elements whose content is text: indentation must never add whitespace inside them.
CONTENT_TAGS = frozenset(
    f"{{{ns}}}{tag}"
    for ns, tag in (
        (XLF, "source"),
        (XLF, "target"),
        (XLF, "data"),
        (XLF, "note"),
        (XLF, "skeleton"),
        (MDA, "meta"),
        (GLS, "term"),
        (GLS, "translation"),
        (GLS, "definition"),
    )
)


def _q(ns: str, tag: str) -> str:
    return f"{{{ns}}}{tag}"


def segment_xml_id(seg_id: str) -> str:
    """The `<segment id>`: prefixed so it never collides with inline-code ids in the unit."""
    return f"s-{seg_id}"


def unit_xml_id(seg_id: str) -> str:
    """The `<unit id>`: the document's segment id, made an NMTOKEN if it is not one."""
    return "".join(ch if ch.isalnum() or ch in "-_.:" else "_" for ch in seg_id) or "_"


def sub_state(seg: PretranslatedSegment) -> str:
    """Why the segment is in its state, as an XLIFF `subState` value."""
    if seg.repetition_of is not None and seg.target is not None:
        reason = "repetition"
    elif seg.applied is not None:
        reason = seg.applied.kind
    elif seg.state is SegmentState.SOURCE_COPY:
        reason = "source-copy"
    else:
        reason = "no-match"
    return f"{VALUE_PREFIX}:{reason}"


def _percent(value: float) -> str:
    return f"{min(max(value, 0.0), 100.0):.2f}".rstrip("0").rstrip(".")


def _meta(group: etree._Element, kind: str, value: str | None) -> None:
    if value is None:
        return
    el = etree.SubElement(group, _q(MDA, "meta"), type=kind)
    el.text = xml_text(value)


def _file_element(root: etree._Element, index: int, bf: BilingualFile) -> etree._Element:
    file_el = etree.SubElement(root, _q(XLF, "file"), id=f"f{index}", original=xml_text(bf.name))
    skeleton = etree.SubElement(file_el, _q(XLF, "skeleton"))
    # ASCII JSON: every character survives XML, whatever the document holds.
    skeleton.text = json.dumps(json.loads(bf.skeleton), ensure_ascii=True)
    metadata = etree.SubElement(file_el, _q(MDA, "metadata"))
    group = etree.SubElement(metadata, _q(MDA, "metaGroup"), category=META_CATEGORY)
    _meta(group, "original-format", bf.original_format)
    _meta(group, "document", bf.name)
    _meta(group, "memory", bf.memory)
    return file_el


def _match_element(
    parent: etree._Element, seg: PretranslatedSegment, match: MatchInfo, n: int
) -> None:
    attrs = {
        "id": f"m{n}",
        "ref": "#" + segment_xml_id(seg.id),
        "type": "tm",
        "subType": f"{VALUE_PREFIX}:{match.kind}",
        # similarity: how alike the sources are; matchQuality: our score after the
        # penalties (status, tags, case...). Both 0-100: an in-context 101 is 100 here,
        # its kind is in subType.
        "similarity": _percent(match.similarity if match.similarity else match.score),
        "matchQuality": _percent(match.score),
        "origin": xml_text(match.origin),
    }
    el = etree.SubElement(parent, _q(MTC, "match"), attrs)
    metadata = etree.SubElement(el, _q(MDA, "metadata"))
    group = etree.SubElement(metadata, _q(MDA, "metaGroup"), category=META_CATEGORY)
    _meta(group, "score", f"{match.score:g}")
    _meta(group, "kind", match.kind)
    _meta(group, "memory", match.memory)
    _meta(group, "unit-id", match.unit_id)
    _meta(group, "status", match.status)
    _meta(group, "origin-file", match.origin_file)
    _meta(group, "document", match.document)
    for penalty in match.penalties:
        _meta(group, "penalty", penalty)
    source = etree.Element(_q(XLF, "source"))
    target = etree.Element(_q(XLF, "target"))
    ids, data = IdMap(nmtoken=True), DataRefs()
    write_inline(source, match.source_text, match.source_codes, "xliff2", ids=ids, data=data)
    write_inline(target, match.target_text, match.target_codes, "xliff2", ids=ids, data=data)
    original = data.element()
    if original is not None:
        el.append(original)
    el.append(source)
    el.append(target)


def _glossary_element(unit: etree._Element, seg: PretranslatedSegment) -> None:
    entries = [g for g in seg.glossary if g.targets]
    if not entries:
        return
    glossary = etree.SubElement(unit, _q(GLS, "glossary"))
    for n, entry in enumerate(_unique_concepts(entries), start=1):
        ge = etree.SubElement(
            glossary,
            _q(GLS, "glossEntry"),
            id=f"g{n}",
            ref="#" + segment_xml_id(seg.id),
        )
        term = etree.SubElement(ge, _q(GLS, "term"))
        if entry.glossary:
            term.set("source", entry.glossary)
        term.text = xml_text(entry.source_term)
        for target in entry.targets:
            tr = etree.SubElement(ge, _q(GLS, "translation"))
            if entry.glossary:
                tr.set("source", entry.glossary)
            tr.text = xml_text(target)
        if entry.definition:
            etree.SubElement(ge, _q(GLS, "definition")).text = xml_text(entry.definition)


def _unique_concepts(entries: Sequence[GlossaryEntry]) -> list[GlossaryEntry]:
    seen: set[str] = set()
    out = []
    for entry in entries:
        if entry.concept_id not in seen:
            seen.add(entry.concept_id)
            out.append(entry)
    return out


def _note_text(seg: PretranslatedSegment) -> str | None:
    if seg.repetition_of is not None:
        return f"repetition of segment {seg.repetition_of}"
    if seg.applied is not None:
        m = seg.applied
        action = "confirm" if m.final_ready else "review"
        adapted = " (numbers/placeholders adapted)" if m.kind == "adapted" else ""
        return f"{m.score:g}% {m.kind} match{adapted} from {m.origin}; {action}"
    if seg.state is SegmentState.SOURCE_COPY:
        return "no match: source copied into the target"
    return None


def _unit_element(file_el: etree._Element, seg: PretranslatedSegment, doc_name: str) -> None:
    unit = etree.SubElement(file_el, _q(XLF, "unit"), id=unit_xml_id(seg.id))
    candidates = seg.candidates or ([seg.applied] if seg.applied else [])
    if candidates:
        matches = etree.SubElement(unit, _q(MTC, "matches"))
        for n, match in enumerate(candidates, start=1):
            _match_element(matches, seg, match, n)
    _glossary_element(unit, seg)
    metadata = etree.SubElement(unit, _q(MDA, "metadata"))
    group = etree.SubElement(metadata, _q(MDA, "metaGroup"), category=META_CATEGORY)
    _meta(group, "band", seg.band)
    _meta(group, "pretranslation", seg.state.value)
    _meta(group, "segment-id", seg.id)
    _meta(group, "block-id", seg.block_id)
    _meta(group, "line", str(seg.line) if seg.line is not None else None)
    _meta(group, "document", doc_name)
    _meta(group, "prev-source", seg.prev_text)
    _meta(group, "next-source", seg.next_text)
    _meta(group, "repetition-of", seg.repetition_of)
    note = _note_text(seg)
    if note:
        notes = etree.SubElement(unit, _q(XLF, "notes"))
        etree.SubElement(notes, _q(XLF, "note"), category="tm").text = xml_text(note)
    state = "translated" if seg.state is SegmentState.FINAL_READY else "initial"
    segment = etree.SubElement(
        unit,
        _q(XLF, "segment"),
        id=segment_xml_id(seg.id),
        state=state,
        subState=sub_state(seg),
    )
    ids, data = IdMap(nmtoken=True), DataRefs()
    source = etree.SubElement(segment, _q(XLF, "source"))
    write_inline(source, seg.source, seg.source_codes, "xliff2", ids=ids, data=data)
    if seg.target is not None:
        target = etree.SubElement(segment, _q(XLF, "target"))
        write_inline(target, seg.target, seg.target_codes, "xliff2", ids=ids, data=data)
    original = data.element()
    if original is not None:
        segment.addprevious(original)  # core order: notes, originalData, segment


def build_xliff2(files: Sequence[BilingualFile]) -> etree._ElementTree:
    """The XLIFF 2.1 tree of a job (all files share one language pair)."""
    if not files:
        raise ValueError("an XLIFF file needs at least one document")
    first = files[0]
    root = etree.Element(
        _q(XLF, "xliff"),
        nsmap=NSMAP,
        version="2.1",
        srcLang=first.source_lang,
        trgLang=first.target_lang,
    )
    for index, bf in enumerate(files, start=1):
        file_el = _file_element(root, index, bf)
        for seg in bf.segments:
            _unit_element(file_el, seg, bf.name)
    return etree.ElementTree(root)


def write_xliff2(fileobj: IO[bytes], files: Sequence[BilingualFile]) -> None:
    """Write the XLIFF 2.1 bilingual file of `files` (UTF-8, declaration, indented)."""
    tree = build_xliff2(files)
    indent_structure(tree.getroot(), CONTENT_TAGS)
    tree.write(fileobj, xml_declaration=True, encoding="UTF-8")

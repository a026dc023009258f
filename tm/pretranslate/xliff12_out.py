"""XLIFF 1.2 bilingual file of a pre-translated job (strict schema), for older CAT tools.

Layout: one `<file>` per document, `datatype` naming the original format
(`plaintext`, `x-markdown`, `html`, `po`, ...), the document JSON in
`<header><skl><internal-file form="application/json">`; one `<trans-unit>` per segment
(id = the document's segment id) with:

* `<target state=... state-qualifier=...>`: exact and in-context matches
  `translated` + `exact-match` (and `approved="yes"` on the unit, so tools that read
  unapproved targets as fuzzy agree with the PO output); fuzzy and adapted ones
  `needs-review-translation` + `fuzzy-match`; repetitions take their first occurrence's state with
  `leveraged-inherited`; a copied source `needs-translation`; no match, no target;
* `<alt-trans match-quality="87" origin="memory: file" tool-id="tm-oncology">` per
  candidate, with its own source and target;
* `<note from="tm-oncology">` explaining the match, `<note from="glossary"
  annotates="source">` per glossary concept found (term -> approved targets);
* `<context-group purpose="match">`: the document name (`sourcefile`), line
  (`linenumber`) and the neighbouring source segments (`x-prev-source`,
  `x-next-source`), which an import stores as the in-context key.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import IO

from lxml import etree

from tm.formats.inline import IdMap, write_inline
from tm.pretranslate.model import BilingualFile, MatchInfo, PretranslatedSegment, SegmentState
from tm.pretranslate.xmlout import indent_structure, xml_text

XLF = "urn:oasis:names:tc:xliff:document:1.2"
XML_NS = "http://www.w3.org/XML/1998/namespace"
TOOL_ID = "tm-oncology"
# Document filter name <-> XLIFF 1.2 datatype; anything else travels as "x-<name>".
DATATYPES = {"text": "plaintext", "markdown": "x-markdown", "html": "html", "po": "po"}
CONTENT_TAGS = frozenset(
    f"{{{XLF}}}{tag}" for tag in ("source", "target", "note", "context", "internal-file", "tool")
)


def _q(tag: str) -> str:
    return f"{{{XLF}}}{tag}"


def datatype_for(fmt: str) -> str:
    """The `datatype` attribute that names a document format."""
    return DATATYPES.get(fmt, f"x-{fmt}")


def format_for(datatype: str) -> str:
    """The document format a `datatype` attribute names (inverse of datatype_for)."""
    for fmt, dt in DATATYPES.items():
        if dt == datatype:
            return fmt
    return datatype[2:] if datatype.startswith("x-") else datatype


def _target_state(seg: PretranslatedSegment) -> tuple[str, str | None]:
    if seg.state is SegmentState.SOURCE_COPY:
        return "needs-translation", None
    if seg.state is SegmentState.FINAL_READY:
        state = "translated"
        qualifier = "exact-match"
    else:
        state, qualifier = "needs-review-translation", "fuzzy-match"
    if seg.repetition_of is not None:
        qualifier = "leveraged-inherited"
    return state, qualifier


def _note(parent: etree._Element, text: str, *, source: str, annotates: str | None = None) -> None:
    note = etree.SubElement(parent, _q("note"), {"from": source})
    if annotates:
        note.set("annotates", annotates)
    note.text = xml_text(text)


def _alt_trans(unit: etree._Element, match: MatchInfo, target_lang: str) -> None:
    alt = etree.SubElement(
        unit,
        _q("alt-trans"),
        {
            "match-quality": f"{match.score:g}",
            "origin": xml_text(match.origin),
            "tool-id": TOOL_ID,
            "extradata": match.kind,
        },
    )
    ids = IdMap(nmtoken=True)
    source = etree.SubElement(alt, _q("source"))
    write_inline(source, match.source_text, match.source_codes, "xliff12", ids=ids)
    target = etree.SubElement(alt, _q("target"), {f"{{{XML_NS}}}lang": target_lang})
    write_inline(target, match.target_text, match.target_codes, "xliff12", ids=ids)
    details = [f"{match.kind} match, score {match.score:g}"]
    if match.status:
        details.append(f"status {match.status}")
    if match.document:
        details.append(f"document {match.document}")
    if match.penalties:
        details.append("penalties: " + ", ".join(match.penalties))
    _note(alt, "; ".join(details), source=TOOL_ID)


def _explanation(seg: PretranslatedSegment) -> str | None:
    if seg.repetition_of is not None:
        return f"repetition of segment {seg.repetition_of}"
    if seg.applied is not None:
        m = seg.applied
        action = "confirm" if m.final_ready else "review"
        adapted = ", numbers/placeholders adapted" if m.kind == "adapted" else ""
        return f"{m.score:g}% {m.kind} match (band {seg.band}{adapted}) from {m.origin}; {action}"
    if seg.state is SegmentState.SOURCE_COPY:
        return "no match: source copied into the target"
    return None


def _trans_unit(body: etree._Element, seg: PretranslatedSegment, bf: BilingualFile) -> None:
    unit = etree.SubElement(
        body, _q("trans-unit"), {"id": seg.id, f"{{{XML_NS}}}space": "preserve"}
    )
    if seg.state is SegmentState.FINAL_READY:
        # Tools built on translate-toolkit (Virtaal, Pootle) show every target without
        # approved="yes" as fuzzy; an exact match is not fuzzy, as in the PO output.
        unit.set("approved", "yes")
    ids = IdMap(nmtoken=True)
    source = etree.SubElement(unit, _q("source"))
    write_inline(source, seg.source, seg.source_codes, "xliff12", ids=ids)
    if seg.target is not None:
        state, qualifier = _target_state(seg)
        target = etree.SubElement(unit, _q("target"), state=state)
        if qualifier:
            target.set("state-qualifier", qualifier)
        write_inline(target, seg.target, seg.target_codes, "xliff12", ids=ids)
    explanation = _explanation(seg)
    if explanation:
        _note(unit, explanation, source=TOOL_ID)
    seen: set[str] = set()
    for entry in seg.glossary:
        if entry.concept_id in seen or not entry.targets:
            continue
        seen.add(entry.concept_id)
        where = f" [{entry.glossary}]" if entry.glossary else ""
        _note(
            unit,
            f"{entry.source_term} -> {'; '.join(entry.targets)}{where}",
            source="glossary",
            annotates="source",
        )
    for match in seg.candidates or ([seg.applied] if seg.applied else []):
        _alt_trans(unit, match, bf.target_lang)
    group = etree.SubElement(unit, _q("context-group"), purpose="match")
    contexts = [("sourcefile", bf.name)]
    if seg.line is not None:
        contexts.append(("linenumber", str(seg.line)))
    if seg.prev_text is not None:
        contexts.append(("x-prev-source", seg.prev_text))
    if seg.next_text is not None:
        contexts.append(("x-next-source", seg.next_text))
    if seg.block_id is not None:
        contexts.append(("x-block-id", seg.block_id))
    for kind, value in contexts:
        etree.SubElement(group, _q("context"), {"context-type": kind}).text = xml_text(value)


def build_xliff12(files: Sequence[BilingualFile]) -> etree._ElementTree:
    """The XLIFF 1.2 tree of a job."""
    if not files:
        raise ValueError("an XLIFF file needs at least one document")
    root = etree.Element(_q("xliff"), nsmap={None: XLF}, version="1.2")
    now = datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")
    for bf in files:
        file_el = etree.SubElement(
            root,
            _q("file"),
            {
                "original": bf.name,
                "source-language": bf.source_lang,
                "target-language": bf.target_lang,
                "datatype": datatype_for(bf.original_format),
                "tool-id": TOOL_ID,
                "date": now,
            },
        )
        header = etree.SubElement(file_el, _q("header"))
        skl = etree.SubElement(header, _q("skl"))
        internal = etree.SubElement(skl, _q("internal-file"), form="application/json")
        internal.text = json.dumps(json.loads(bf.skeleton), ensure_ascii=True)
        etree.SubElement(header, _q("tool"), {"tool-id": TOOL_ID, "tool-name": "tm-oncology"})
        if bf.memory:
            _note(header, f"pre-translated from memory {bf.memory}", source=TOOL_ID)
        body = etree.SubElement(file_el, _q("body"))
        for seg in bf.segments:
            _trans_unit(body, seg, bf)
    return etree.ElementTree(root)


def write_xliff12(fileobj: IO[bytes], files: Sequence[BilingualFile]) -> None:
    """Write the XLIFF 1.2 bilingual file of `files`."""
    tree = build_xliff12(files)
    indent_structure(tree.getroot(), CONTENT_TAGS)
    tree.write(fileobj, xml_declaration=True, encoding="UTF-8")

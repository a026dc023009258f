"""Bilingual inputs: PO/POT entries and XLIFF units still to translate, as segments.

Articles (text, Markdown, HTML) go through tm.documents; a PO or XLIFF file is already
segmented by its producer, so each untranslated entry or segment is one segment here:

* PO/POT: every entry with an empty or fuzzy `msgstr` (a POT is all of them), its
  `msgctxt` as the in-context key; plural entries are left out (their forms need a
  person). Translated entries are kept as they are.
* XLIFF 1.2: every `trans-unit` (not `translate="no"`) without a target, `resname` or
  id as the context key. XLIFF 2.x: every `segment` without a target, the unit's `name`
  or id as the key.

The file itself travels in the skeleton JSON (`format` `po` or `xliff`), and
`rebuild_source` writes it back with the translations filled in: the PO with the
`msgstr`s (fuzzy flags of translated entries removed), the XLIFF with `<target>`s
(`state="translated"`).
"""

from __future__ import annotations

import codecs
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polib
from lxml import etree

from tm.errors import FormatError
from tm.formats.inline import (
    NS_XLIFF2,
    NS_XLIFF12,
    DataRefs,
    IdMap,
    protect_text,
    read_inline,
    read_original_data,
    write_inline,
)
from tm.formats.xmlsafe import safe_fromstring
from tm.models import InlineCode, native_text

JSON_VERSION = 1
_CHARSET_RE = re.compile(rb"charset=([\w.:-]+)")
_SUFFIX_FORMAT = {".po": "po", ".pot": "po", ".xlf": "xliff", ".xliff": "xliff", ".xlf2": "xliff"}


@dataclass(frozen=True)
class SourceSegment:
    """A segment to pre-translate, whatever file it came from."""

    id: str
    text: str
    codes: tuple[InlineCode, ...] = ()
    block_id: str | None = None
    line: int | None = None
    prev_text: str | None = None
    next_text: str | None = None
    context_key: str | None = None


@dataclass
class SourceFile:
    """A bilingual input read for pre-translation: its segments and its skeleton JSON."""

    format: str  # "po" | "xliff"
    segments: list[SourceSegment]
    skeleton: str


def bilingual_format(path: str | Path, forced: str | None = None) -> str | None:
    """`po` or `xliff` for bilingual inputs (by `--input-format` or extension), else None."""
    if forced is not None:
        return forced if forced in ("po", "xliff") else None
    return _SUFFIX_FORMAT.get(Path(path).suffix.lower())


def _with_neighbours(segments: list[SourceSegment]) -> list[SourceSegment]:
    out = []
    for i, seg in enumerate(segments):
        out.append(
            SourceSegment(
                seg.id,
                seg.text,
                seg.codes,
                seg.block_id,
                seg.line,
                segments[i - 1].text if i else None,
                segments[i + 1].text if i + 1 < len(segments) else None,
                seg.context_key,
            )
        )
    return out


def _decode(data: bytes, encoding: str | None, path: str) -> str:
    """BOM, then the given encoding, then the XML/PO declared charset, then UTF-8."""
    for bom, name in (
        (codecs.BOM_UTF8, "utf-8"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if data.startswith(bom):
            return data.decode(name).lstrip("\ufeff")
    charset = encoding
    if charset is None:
        m = _CHARSET_RE.search(data[:8192]) or re.search(rb'encoding=["\']([\w.:-]+)', data[:200])
        charset = m.group(1).decode("ascii") if m else "utf-8"
        if charset.upper() == "CHARSET":
            charset = "utf-8"
    try:
        return data.decode(charset)
    except (LookupError, UnicodeDecodeError) as err:
        raise FormatError(f"cannot decode as {charset}: {err}", path=path) from err


def _segments_json(segments: Sequence[SourceSegment]) -> list[dict[str, Any]]:
    return [
        {
            "id": s.id,
            "text": s.text,
            "codes": [[c.role, c.id, c.kind, c.data, [list(a) for a in c.attrs]] for c in s.codes],
        }
        for s in segments
    ]


def skeleton_segments(data: Mapping[str, Any]) -> list[SourceSegment]:
    """The segments a PO/XLIFF skeleton recorded (ids, texts and codes)."""
    return [
        SourceSegment(
            id=str(s["id"]),
            text=str(s["text"]),
            codes=tuple(
                InlineCode(role, str(cid), str(kind), str(cdata), tuple((k, v) for k, v in attrs))
                for role, cid, kind, cdata, attrs in s.get("codes", [])
            ),
        )
        for s in data["segments"]
    ]


# -- PO ---------------------------------------------------------------------------------


def read_po_source(path: str | Path, *, encoding: str | None = None) -> SourceFile:
    """The untranslated (empty or fuzzy) entries of a PO/POT file as segments."""
    name = str(path)
    text = _decode(Path(path).read_bytes(), encoding, name)
    try:
        po = polib.pofile(text, wrapwidth=0)
    except (OSError, ValueError) as err:
        raise FormatError(f"PO syntax error: {err}", path=name) from err
    segments: list[SourceSegment] = []
    places: dict[str, int] = {}
    for index, entry in enumerate(po):
        if entry.obsolete or not entry.msgid or entry.msgid_plural:
            continue
        if entry.msgstr and "fuzzy" not in entry.flags:
            continue
        seg_text, codes = protect_text(entry.msgid)
        seg_id = f"e{index + 1}"
        places[seg_id] = index
        segments.append(
            SourceSegment(seg_id, seg_text, codes, line=entry.linenum, context_key=entry.msgctxt)
        )
    segments = _with_neighbours(segments)
    skeleton = {
        "version": JSON_VERSION,
        "format": "po",
        "content": text,
        "places": places,
        "segments": _segments_json(segments),
    }
    return SourceFile("po", segments, json.dumps(skeleton, ensure_ascii=False))


def _rebuild_po(data: Mapping[str, Any], translations: Mapping[str, str], target_lang: str) -> str:
    po = polib.pofile(str(data["content"]), wrapwidth=0)
    entries = list(po)
    for seg_id, index in data["places"].items():
        value = translations.get(seg_id)
        if value is None:
            continue
        entry = entries[int(index)]
        entry.msgstr = value
        if "fuzzy" in entry.flags:
            entry.flags.remove("fuzzy")
        entry.previous_msgid = None
        entry.previous_msgctxt = None
    po.metadata["Language"] = target_lang.replace("-", "_")
    po.metadata.setdefault("Content-Type", "text/plain; charset=UTF-8")
    po.metadata["Content-Type"] = "text/plain; charset=UTF-8"
    return str(po)


# -- XLIFF ------------------------------------------------------------------------------


def read_xliff_source(path: str | Path) -> SourceFile:
    """The XLIFF 1.2 trans-units / 2.x segments that have no target yet, as segments."""
    name = str(path)
    # XML declares its own encoding (and lxml honours a BOM); `encoding` is for PO only.
    root = safe_fromstring(Path(path).read_bytes(), path=name)
    segments: list[SourceSegment] = []
    places: dict[str, list[Any]] = {}
    if root.tag == f"{{{NS_XLIFF2}}}xliff":
        for f_index, file_el in enumerate(root.iter(f"{{{NS_XLIFF2}}}file")):
            for unit in file_el.iter(f"{{{NS_XLIFF2}}}unit"):
                if unit.get("translate") == "no":
                    continue
                data = read_original_data(unit.find(f"{{{NS_XLIFF2}}}originalData"))
                key = unit.get("name") or unit.get("id")
                for s_index, seg in enumerate(unit.iterchildren(f"{{{NS_XLIFF2}}}segment")):
                    target = seg.find(f"{{{NS_XLIFF2}}}target")
                    source = seg.find(f"{{{NS_XLIFF2}}}source")
                    if source is None or (target is not None and (target.text or len(target))):
                        continue
                    seg_text, codes = read_inline(source, "xliff2", data=data)
                    seg_id = f"u{len(segments) + 1}"
                    places[seg_id] = [f_index, unit.get("id"), s_index]
                    segments.append(
                        SourceSegment(seg_id, seg_text, codes, line=seg.sourceline, context_key=key)
                    )
    elif root.tag == f"{{{NS_XLIFF12}}}xliff":
        for f_index, file_el in enumerate(root.iter(f"{{{NS_XLIFF12}}}file")):
            for tu in file_el.iter(f"{{{NS_XLIFF12}}}trans-unit"):
                if (
                    tu.get("translate") == "no"
                    or tu.find(f"{{{NS_XLIFF12}}}seg-source") is not None
                ):
                    continue
                target = tu.find(f"{{{NS_XLIFF12}}}target")
                source = tu.find(f"{{{NS_XLIFF12}}}source")
                if source is None or (target is not None and (target.text or len(target))):
                    continue
                seg_text, codes = read_inline(source, "xliff12")
                seg_id = f"u{len(segments) + 1}"
                places[seg_id] = [f_index, tu.get("id"), 0]
                segments.append(
                    SourceSegment(
                        seg_id,
                        seg_text,
                        codes,
                        line=tu.sourceline,
                        context_key=tu.get("resname") or tu.get("id"),
                    )
                )
    else:
        raise FormatError(f"not an XLIFF 1.2 or 2.x file (root {root.tag})", path=name)
    segments = _with_neighbours(segments)
    skeleton = {
        "version": JSON_VERSION,
        "format": "xliff",
        "content": etree.tostring(root, encoding="unicode"),
        "places": places,
        "segments": _segments_json(segments),
    }
    return SourceFile("xliff", segments, json.dumps(skeleton, ensure_ascii=False))


def _rebuild_xliff(
    data: Mapping[str, Any],
    translations: Mapping[str, tuple[str, tuple[InlineCode, ...]]],
    target_lang: str,
) -> bytes:
    root = safe_fromstring(str(data["content"]).encode("utf-8"))
    v2 = root.tag == f"{{{NS_XLIFF2}}}xliff"
    ns = NS_XLIFF2 if v2 else NS_XLIFF12
    files = list(root.iter(f"{{{ns}}}file"))
    if v2:
        root.set("trgLang", target_lang)
    for seg_id, (f_index, unit_id, s_index) in data["places"].items():
        if seg_id not in translations:
            continue
        text, codes = translations[seg_id]
        file_el = files[int(f_index)]
        if v2:
            unit = next(u for u in file_el.iter(f"{{{ns}}}unit") if u.get("id") == unit_id)
            segment = list(unit.iterchildren(f"{{{ns}}}segment"))[int(s_index)]
            old = segment.find(f"{{{ns}}}target")
            if old is not None:
                segment.remove(old)
            target = etree.SubElement(segment, f"{{{ns}}}target")
            original = unit.find(f"{{{ns}}}originalData")
            refs = DataRefs()
            existing = read_original_data(original)
            refs.by_content.update({content: did for did, content in existing.items()})
            write_inline(target, text, codes, "xliff2", ids=IdMap(nmtoken=True), data=refs)
            new = {c: d for c, d in refs.by_content.items() if d not in existing}
            if new:
                if original is None:
                    original = etree.Element(f"{{{ns}}}originalData")
                    unit.insert(list(unit).index(unit.find(f"{{{ns}}}segment")), original)
                for content, did in new.items():
                    etree.SubElement(original, f"{{{ns}}}data", id=did).text = content
            segment.set("state", "translated")
        else:
            file_el.set("target-language", target_lang)
            tu = next(t for t in file_el.iter(f"{{{ns}}}trans-unit") if t.get("id") == unit_id)
            old = tu.find(f"{{{ns}}}target")
            if old is not None:
                tu.remove(old)
            target = etree.Element(f"{{{ns}}}target", state="translated")
            tu.find(f"{{{ns}}}source").addnext(target)
            write_inline(target, text, codes, "xliff12", ids=IdMap(nmtoken=True))
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def rebuild_source(
    skeleton: str,
    translations: Mapping[str, tuple[str, tuple[InlineCode, ...]]],
    out: str | Path,
    *,
    target_lang: str,
) -> None:
    """Write the PO/XLIFF input back with the translated segments filled in."""
    data = json.loads(skeleton)
    dest = Path(out)
    if data.get("format") == "po":
        native = {k: native_text(t, c) for k, (t, c) in translations.items()}
        dest.write_text(_rebuild_po(data, native, target_lang), encoding="utf-8")
    else:
        dest.write_bytes(_rebuild_xliff(data, translations, target_lang))

"""Reading a translated bilingual file back for `tm build-target`.

Reads what the pre-translation writers put in (and what a CAT tool keeps when it saves
the file): per document, its name, original format, the document JSON, and the target
text of each segment by segment id. Target inline codes are mapped back onto the source
segment's codes (same id and role, else same native markup), so the rebuilt article gets
its original markup; a code the translator added that the source does not have is dropped.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import polib
from lxml import etree

from tm.errors import FormatError
from tm.formats.inline import read_inline, read_original_data
from tm.formats.xmlsafe import safe_parse
from tm.models import InlineCode, code_char, code_index
from tm.pretranslate.po_out import HEADER_DOCUMENT, HEADER_FORMAT, HEADER_SKELETON, decode_skeleton
from tm.pretranslate.xliff2_out import MDA, META_CATEGORY
from tm.pretranslate.xliff2_out import XLF as XLF2
from tm.pretranslate.xliff12_out import XLF as XLF1
from tm.pretranslate.xliff12_out import format_for


@dataclass
class TranslatedDocument:
    """One document of a bilingual file: what it was and what the translator wrote."""

    name: str
    original_format: str
    skeleton: str
    source_lang: str | None
    target_lang: str | None
    # segment id -> (coded target text, its codes); only segments that have a target
    targets: dict[str, tuple[str, tuple[InlineCode, ...]]] = field(default_factory=dict)
    # PO has no segment ids: native source text -> native target text
    by_source: dict[str, str] = field(default_factory=dict)


def read_bilingual(path: str | Path) -> list[TranslatedDocument]:
    """The documents of a bilingual file written by `tm pretranslate` (XLIFF 2, 1.2, PO)."""
    p = Path(path)
    if not p.is_file():
        raise FormatError("no such file", path=str(p))
    head = p.read_bytes()[:4096].lstrip(b"\xef\xbb\xbf").lstrip()
    if head.startswith(b"<"):
        return _read_xliff(p)
    return _read_po(p)


def _read_xliff(path: Path) -> list[TranslatedDocument]:
    with path.open("rb") as fh:
        try:
            root = safe_parse(fh, path=str(path)).getroot()
        except etree.XMLSyntaxError as err:
            raise FormatError(f"not well-formed XML: {err}", path=str(path)) from err
    if root.tag == f"{{{XLF2}}}xliff":
        return [_xliff2_file(f, root, path) for f in root.iterchildren(f"{{{XLF2}}}file")]
    if root.tag == f"{{{XLF1}}}xliff":
        return [_xliff12_file(f, path) for f in root.iterchildren(f"{{{XLF1}}}file")]
    raise FormatError(f"not an XLIFF 1.2 or 2.x file (root {root.tag})", path=str(path))


def _metas(el: etree._Element | None) -> dict[str, str]:
    out: dict[str, str] = {}
    if el is None:
        return out
    for group in el.iterchildren(f"{{{MDA}}}metaGroup"):
        if group.get("category") != META_CATEGORY:
            continue
        for meta in group.iterchildren(f"{{{MDA}}}meta"):
            out.setdefault(meta.get("type", ""), meta.text or "")
    return out


def _skeleton_or_fail(text: str | None, path: Path, name: str) -> str:
    if not text or not text.strip():
        raise FormatError(
            f"document {name!r} has no embedded skeleton: only files written by "
            "`tm pretranslate` can be rebuilt",
            path=str(path),
        )
    try:
        json.loads(text)
    except ValueError as err:
        raise FormatError(
            f"document {name!r}: skeleton is not JSON ({err})", path=str(path)
        ) from err
    return text


def _xliff2_file(file_el: etree._Element, root: etree._Element, path: Path) -> TranslatedDocument:
    name = file_el.get("original") or file_el.get("id", "document")
    metas = _metas(file_el.find(f"{{{MDA}}}metadata"))
    skeleton = _skeleton_or_fail(file_el.findtext(f"{{{XLF2}}}skeleton"), path, name)
    doc = TranslatedDocument(
        name=metas.get("document") or name,
        original_format=metas.get("original-format") or "text",
        skeleton=skeleton,
        source_lang=root.get("srcLang"),
        target_lang=root.get("trgLang"),
    )
    for unit in file_el.iter(f"{{{XLF2}}}unit"):
        seg_id = _metas(unit.find(f"{{{MDA}}}metadata")).get("segment-id") or unit.get("id", "")
        data = read_original_data(unit.find(f"{{{XLF2}}}originalData"))
        texts: list[str] = []
        codes: list[InlineCode] = []
        seen_target = False
        # A tool may have split the unit into several segments: their targets join.
        for segment in unit.iterchildren(f"{{{XLF2}}}segment", f"{{{XLF2}}}ignorable"):
            target = segment.find(f"{{{XLF2}}}target")
            if target is None:
                continue
            seen_target = True
            text, tcodes = read_inline(target, "xliff2", data=data)
            texts.append(_shift(text, len(codes)))
            codes.extend(tcodes)
        if seen_target:
            doc.targets[seg_id] = ("".join(texts), tuple(codes))
    return doc


def _shift(text: str, offset: int) -> str:
    if not offset:
        return text
    out = []
    for ch in text:
        idx = code_index(ch)
        out.append(ch if idx is None else code_char(idx + offset))
    return "".join(out)


def _xliff12_file(file_el: etree._Element, path: Path) -> TranslatedDocument:
    name = file_el.get("original", "document")
    skeleton = _skeleton_or_fail(
        file_el.findtext(f"{{{XLF1}}}header/{{{XLF1}}}skl/{{{XLF1}}}internal-file"), path, name
    )
    doc = TranslatedDocument(
        name=name,
        original_format=format_for(file_el.get("datatype", "plaintext")),
        skeleton=skeleton,
        source_lang=file_el.get("source-language"),
        target_lang=file_el.get("target-language"),
    )
    for unit in file_el.iter(f"{{{XLF1}}}trans-unit"):
        target = unit.find(f"{{{XLF1}}}target")
        if target is None:
            continue
        doc.targets[unit.get("id", "")] = read_inline(target, "xliff12")
    return doc


def _read_po(path: Path) -> list[TranslatedDocument]:
    try:
        po = polib.pofile(str(path))
    except (OSError, ValueError) as err:
        raise FormatError(f"cannot read PO file: {err}", path=str(path)) from err
    meta = po.metadata
    name = meta.get(HEADER_DOCUMENT, path.stem)
    encoded = meta.get(HEADER_SKELETON)
    if not encoded:
        _skeleton_or_fail(None, path, name)
    try:
        skeleton = decode_skeleton(encoded or "")
    except ValueError as err:
        raise FormatError(f"{HEADER_SKELETON} header is damaged ({err})", path=str(path)) from err
    doc = TranslatedDocument(
        name=name,
        original_format=meta.get(HEADER_FORMAT, "text"),
        skeleton=_skeleton_or_fail(skeleton, path, name),
        source_lang=meta.get("X-Source-Language"),
        target_lang=meta.get("Language"),
    )
    for entry in po:
        if entry.obsolete or not entry.msgstr:
            continue
        doc.by_source[entry.msgid] = entry.msgstr
    return [doc]


def align_codes(
    text: str, codes: Sequence[InlineCode], source_codes: Sequence[InlineCode]
) -> tuple[str, tuple[InlineCode, ...]]:
    """Re-point a target's code characters at the source segment's codes.

    A target code is the source code with the same role and id, else the first unused
    one with the same role and native markup, so the rebuilt article gets the source's
    exact markup even when a CAT tool renumbered the codes. A code with no such twin (the
    translator added it) keeps its own markup and is appended to the list.
    """
    out_codes = list(source_codes)
    used: set[int] = set()

    def twin(code: InlineCode) -> int | None:
        for i, src in enumerate(source_codes):
            if i not in used and code.id and src.role == code.role and src.id == code.id:
                return i
        for i, src in enumerate(source_codes):
            if i not in used and src.role == code.role and src.data == code.data:
                return i
        return None

    out: list[str] = []
    for ch in text:
        idx = code_index(ch)
        if idx is None or idx >= len(codes):
            out.append(ch)
            continue
        found = twin(codes[idx])
        if found is None:
            found = len(out_codes)
            out_codes.append(codes[idx])
        used.add(found)
        out.append(code_char(found))
    return "".join(out), tuple(out_codes)


def recode_native(text: str, source_codes: Sequence[InlineCode]) -> str:
    """Turn native markup in a PO translation back into the source segment's codes.

    Markup the source does not have stays as literal text (PO carries no code data).
    """
    by_length = sorted(
        (i for i, c in enumerate(source_codes) if c.data), key=lambda i: -len(source_codes[i].data)
    )
    used: set[int] = set()
    out: list[str] = []
    pos = 0
    while pos < len(text):
        for i in by_length:
            data = source_codes[i].data
            if i not in used and text.startswith(data, pos):
                used.add(i)
                out.append(code_char(i))
                pos += len(data)
                break
        else:
            out.append(text[pos])
            pos += 1
    return "".join(out)

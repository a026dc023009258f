"""PO bilingual file of one pre-translated document (gettext conventions, `msgfmt -c` clean).

* One entry per distinct source segment: repetitions are merged into the entry of their
  first occurrence, with one `#:` reference per occurrence, as gettext merges identical
  msgids (a PO file may not hold one msgid twice).
* Exact and in-context matches fill `msgstr`; fuzzy and adapted matches fill it and add
  `#, fuzzy` with the matched source as the previous msgid (`#| msgid`), so the
  translator sees what changed; `--mt-fill source` copies the msgid, also fuzzy.
* An extracted comment (`#.`) gives score, band, kind and origin, and one line per
  glossary concept found (term -> approved targets); `#. tm-context:` lines carry the
  neighbouring source segments for the in-context key of a later import.
* The header names the languages and carries what `tm build-target` needs:
  `X-TM-Document` (file name), `X-TM-Format` (document filter) and `X-TM-Skeleton`
  (the document JSON, zlib-compressed, base64).
"""

from __future__ import annotations

import base64
import zlib
from datetime import UTC, datetime
from typing import IO

import polib

from tm.models import native_text
from tm.pretranslate.model import BilingualFile, PretranslatedSegment, SegmentState
from tm.pretranslate.xmlout import xml_text

HEADER_DOCUMENT = "X-TM-Document"
HEADER_FORMAT = "X-TM-Format"
HEADER_SKELETON = "X-TM-Skeleton"
HEADER_SOURCE_LANG = "X-Source-Language"
CONTEXT_PREFIX = "tm-context:"


def encode_skeleton(skeleton: str) -> str:
    """Document JSON as one header-safe line (PO headers are single lines)."""
    return base64.b64encode(zlib.compress(skeleton.encode("utf-8"), 9)).decode("ascii")


def decode_skeleton(value: str) -> str:
    return zlib.decompress(base64.b64decode("".join(value.split()))).decode("utf-8")


def _mirror_newlines(source: str, target: str) -> str:
    """`msgfmt -c` demands msgid and msgstr begin and end alike with a newline."""
    core = target.strip("\n")
    head = "\n" if source.startswith("\n") else ""
    tail = "\n" if source.endswith("\n") and source != "\n" else ""
    return head + core + tail


def _comment(seg: PretranslatedSegment) -> list[str]:
    lines: list[str] = []
    if seg.applied is not None:
        m = seg.applied
        action = "confirm" if m.final_ready else "review"
        adapted = ", numbers/placeholders adapted" if m.kind == "adapted" else ""
        lines.append(
            f"TM {m.score:g}% {m.kind} match (band {seg.band}{adapted}) from {m.origin}; {action}"
        )
    elif seg.state is SegmentState.SOURCE_COPY:
        lines.append("no match: source copied into the translation")
    seen: set[str] = set()
    for entry in seg.glossary:
        if entry.concept_id in seen or not entry.targets:
            continue
        seen.add(entry.concept_id)
        lines.append(f"glossary: {entry.source_term} -> {'; '.join(entry.targets)}")
    if seg.prev_text is not None:
        lines.append(f"{CONTEXT_PREFIX} prev {seg.prev_text}")
    if seg.next_text is not None:
        lines.append(f"{CONTEXT_PREFIX} next {seg.next_text}")
    # Comments are one line each: a newline inside one would end the comment early.
    return [xml_text(line.replace("\n", " ")) for line in lines]


def build_po(bf: BilingualFile) -> polib.POFile:
    """The PO catalog of one document."""
    po = polib.POFile()
    now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M+0000")
    po.metadata = {
        "Project-Id-Version": bf.name,
        "Report-Msgid-Bugs-To": "",
        "POT-Creation-Date": now,
        "PO-Revision-Date": now,
        "Last-Translator": "",
        "Language-Team": "",
        "Language": bf.target_lang,
        "MIME-Version": "1.0",
        "Content-Type": "text/plain; charset=UTF-8",
        "Content-Transfer-Encoding": "8bit",
        "X-Generator": "tm-oncology pretranslate",
        HEADER_SOURCE_LANG: bf.source_lang,
        HEADER_DOCUMENT: bf.name,
        HEADER_FORMAT: bf.original_format,
        HEADER_SKELETON: encode_skeleton(bf.skeleton),
    }
    entries: dict[str, polib.POEntry] = {}
    for seg in bf.segments:
        msgid = native_text(seg.source, seg.source_codes)
        if not msgid.strip():
            continue
        occurrence = (bf.name, str(seg.line) if seg.line is not None else seg.id)
        if msgid in entries:
            entries[msgid].occurrences.append(occurrence)
            continue
        entry = polib.POEntry(msgid=msgid, msgstr="", occurrences=[occurrence])
        if seg.target is not None:
            target = native_text(seg.target, seg.target_codes)
            entry.msgstr = _mirror_newlines(msgid, target)
            if seg.state is not SegmentState.FINAL_READY:
                entry.flags.append("fuzzy")
        if seg.applied is not None and not seg.applied.final_ready:
            previous = native_text(seg.applied.source_text, seg.applied.source_codes)
            if previous != msgid:
                entry.previous_msgid = previous
        entry.comment = "\n".join(_comment(seg))
        entries[msgid] = entry
        po.append(entry)
    return po


def write_po(fileobj: IO[bytes], bf: BilingualFile) -> None:
    """Write the PO bilingual file of one document (UTF-8)."""
    fileobj.write(str(build_po(bf)).encode("utf-8"))

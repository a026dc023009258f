"""TBX import and export: TBX v3 (ISO 30042:2019, TBX-Basic, DCA style) and TBX 2008 (MARTIF).

Reading accepts both (and TBX v3 DCT style, whose elements are named after the data
category): concept -> `conceptEntry`/`termEntry`, language -> `langSec`/`langSet`, term
-> `termSec`/`tig`/`ntig`. Statuses come from `administrativeStatus` or
`normativeAuthorization`; superseded terms become deprecated.

TBX-Basic has no "forbidden" status, no case-sensitivity and no do-not-translate
flag. We write a forbidden term as `deprecatedTerm-admn-sts` (what other tools show as
"do not use") plus `<termNote type="x-status">forbidden</termNote>`; the other extras
are `termNote`s `usageNote`, `x-caseSensitive`, `x-doNotTranslate`, `x-inflect`, and a
concept's `nested` flag is `<admin type="x-nested">`. Variants are extra term sections
with `termType` = `variant`, attached on reading to the term before them.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import IO, Literal

from lxml import etree

from tm.errors import FormatError, LanguageTagError
from tm.formats.xmlsafe import safe_parse
from tm.glossary.model import CONCEPT_ID_RE, Glossary, languages_in_order
from tm.langs import normalize_tag
from tm.models import Concept, Term, TermStatus

TBX3_NS = "urn:iso:std:iso:30042:ed-2"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
TBX3_SCHEMA_PI = (
    'href="https://raw.githubusercontent.com/LTAC-Global/TBX-Basic_dialect/master/DCA/'
    'TBXcoreStructV03_TBX-Basic_integrated.rng" type="application/xml" '
    'schematypens="http://relaxng.org/ns/structure/1.0"'
)

TbxVersion = Literal["v3", "2008"]

_WRITE_STATUS = {
    TermStatus.PREFERRED: "preferredTerm-admn-sts",
    TermStatus.ADMITTED: "admittedTerm-admn-sts",
    TermStatus.DEPRECATED: "deprecatedTerm-admn-sts",
    TermStatus.FORBIDDEN: "deprecatedTerm-admn-sts",
}
# administrativeStatus and normativeAuthorization values (with or without -admn-sts).
_READ_STATUS = {
    "preferredterm": TermStatus.PREFERRED,
    "preferred": TermStatus.PREFERRED,
    "standardizedterm": TermStatus.PREFERRED,
    "legalterm": TermStatus.PREFERRED,
    "regulatedterm": TermStatus.PREFERRED,
    "admittedterm": TermStatus.ADMITTED,
    "admitted": TermStatus.ADMITTED,
    "deprecatedterm": TermStatus.DEPRECATED,
    "deprecated": TermStatus.DEPRECATED,
    "supersededterm": TermStatus.DEPRECATED,
    "superseded": TermStatus.DEPRECATED,
    "forbiddenterm": TermStatus.FORBIDDEN,
    "forbidden": TermStatus.FORBIDDEN,
    "prohibitedterm": TermStatus.FORBIDDEN,
}
_YES = {"yes", "true", "1"}


def _local(el: etree._Element) -> str:
    return etree.QName(el).localname if isinstance(el.tag, str) else ""


def _category(el: etree._Element) -> str:
    """Data category of an element: the `type` of descrip/termNote/admin, or (DCT) its name."""
    name = _local(el)
    if name in ("descrip", "termNote", "admin", "xref", "ref", "transac"):
        return el.get("type", "")
    return name


def _text(el: etree._Element) -> str:
    return "".join(el.itertext()).strip()


def _parse_status(value: str) -> TermStatus | None:
    key = value.strip().lower().removesuffix("-admn-sts").replace(" ", "")
    return _READ_STATUS.get(key)


def _safe_id(raw: str | None, number: int, used: set[str]) -> str:
    """A concept id in our alphabet from whatever the TBX had (kept as is when valid)."""
    if raw and CONCEPT_ID_RE.match(raw):
        base = raw
    else:
        slug = re.sub(r"[^a-z0-9._-]+", "-", (raw or "").lower()).strip("-")
        base = slug if slug and slug[0].isalpha() else f"c{slug or number}"
    candidate, n = base, 2
    while candidate in used:
        candidate = f"{base}-{n}"
        n += 1
    used.add(candidate)
    return candidate


class _TbxReader:
    def __init__(self, path: str | None, name: str | None) -> None:
        self.path = path
        self.name = name

    def fail(self, message: str, el: etree._Element | None = None) -> FormatError:
        line = el.sourceline if el is not None else None
        return FormatError(message, path=self.path, line=line)

    def lang(self, el: etree._Element, default: str | None) -> str:
        raw = el.get(XML_LANG) or default
        if not raw:
            raise self.fail(f"<{_local(el)}> without xml:lang", el)
        try:
            return normalize_tag(raw)
        except LanguageTagError as err:
            raise self.fail(str(err), el) from err

    def read(self, fileobj: IO[bytes]) -> Glossary:
        root = safe_parse(fileobj, path=self.path).getroot()
        kind = _local(root)
        if kind not in ("tbx", "martif"):
            raise self.fail(f"not a TBX file: root element is <{kind}>", root)
        default_lang = root.get(XML_LANG)
        glossary = Glossary(name="")
        for el in root.iter():
            name = _local(el)
            if name == "title" and _text(el) and not glossary.name:
                glossary.name = _text(el)
            elif (
                name == "p"
                and el.getparent() is not None
                and _local(el.getparent()) == "sourceDesc"
            ):
                glossary.description = glossary.description or _text(el) or None
        used: set[str] = set()
        entries = [el for el in root.iter() if _local(el) in ("conceptEntry", "termEntry")]
        for number, entry in enumerate(entries, start=1):
            glossary.concepts.append(self.concept(entry, number, used, default_lang))
        glossary.name = glossary.name or self.name or "glossary"
        glossary.languages = languages_in_order(glossary.concepts)
        return glossary

    def concept(
        self, entry: etree._Element, number: int, used: set[str], default_lang: str | None
    ) -> Concept:
        concept = Concept(id=_safe_id(entry.get("id"), number, used), line=entry.sourceline)
        for child in entry:
            name = _local(child)
            if name in ("langSec", "langSet"):
                self.lang_section(concept, child)
            else:
                self.concept_info(concept, child, default_lang)
        return concept

    def concept_info(self, concept: Concept, el: etree._Element, default_lang: str | None) -> None:
        for item in _flatten(el):
            category = _category(item)
            text = _text(item)
            if not text:
                continue
            if category == "subjectField":
                concept.subject = concept.subject or text
            elif category == "source":
                concept.source = concept.source or text
            elif category == "x-nested":
                concept.nested = text.lower() in _YES
            elif category in ("definition", "note"):
                lang = normalize_tag(item.get(XML_LANG) or default_lang or "und")
                target = concept.definitions if category == "definition" else concept.notes
                target.setdefault(lang, text)

    def lang_section(self, concept: Concept, section: etree._Element) -> None:
        lang = self.lang(section, None)
        last_term: Term | None = None
        for child in section:
            name = _local(child)
            if name in ("termSec", "tig", "ntig"):
                term, is_variant = self.term(child, lang)
                if is_variant and last_term is not None:
                    last_term.variants.append(term.text)
                    continue
                concept.terms.append(term)
                last_term = term
                continue
            for item in _flatten(child):
                category = _category(item)
                text = _text(item)
                if not text:
                    continue
                if category == "definition":
                    concept.definitions.setdefault(lang, text)
                elif category == "note":
                    concept.notes.setdefault(lang, text)
                elif category == "source":
                    concept.source = concept.source or text

    def term(self, section: etree._Element, lang: str) -> tuple[Term, bool]:
        term_el = next((el for el in section.iter() if _local(el) == "term"), None)
        if term_el is None or not _text(term_el):
            raise self.fail(f"<{_local(section)}> without a <term>", section)
        term = Term(text=_text(term_el), lang=lang)
        admin_status: TermStatus | None = None
        normative: TermStatus | None = None
        extension: TermStatus | None = None
        is_variant = False
        notes: list[str] = []
        for item in (el for child in section for el in _flatten(child)):
            if item is term_el:
                continue
            category = _category(item)
            value = _text(item)
            if category == "administrativeStatus":
                admin_status = _parse_status(value)
                if admin_status is None:
                    raise self.fail(f"unknown administrativeStatus {value!r}", item)
            elif category == "normativeAuthorization":
                normative = _parse_status(value)
                if normative is None:
                    raise self.fail(f"unknown normativeAuthorization {value!r}", item)
            elif category == "x-status":
                extension = _parse_status(value)
            elif category == "partOfSpeech":
                term.part_of_speech = value or None
            elif category == "termType":
                is_variant = value.lower() == "variant"
            elif category == "usageNote":
                term.usage_note = value or None
            elif category == "x-caseSensitive":
                term.case_sensitive = value.lower() in _YES
            elif category == "x-doNotTranslate":
                term.do_not_translate = value.lower() in _YES
            elif category == "x-inflect":
                term.inflect = value.lower() in _YES
            elif category == "note" and value:
                notes.append(value)
        term.status = extension or admin_status or normative or TermStatus.PREFERRED
        term.note = "\n".join(notes) or None
        return term, is_variant


def _flatten(el: etree._Element) -> Iterator[etree._Element]:
    """The element itself, or the members of a *Grp (descripGrp, termNoteGrp ...)."""
    name = _local(el)
    if name.endswith("Grp"):
        for child in el:
            yield from _flatten(child)
    elif name:
        yield el


def read_tbx(fileobj: IO[bytes], *, path: str | None = None, name: str | None = None) -> Glossary:
    """Read a TBX v3 or TBX 2008 (MARTIF) file into a Glossary.

    The glossary is named by the header's `<title>`, else `name`, else "glossary".
    """
    return _TbxReader(path, name).read(fileobj)


# --- writing --------------------------------------------------------------------------


def _sub(parent: etree._Element, tag: str, text: str | None = None, **attrs: str) -> etree._Element:
    el = etree.SubElement(parent, tag)
    for key, value in attrs.items():
        el.set(XML_LANG if key == "lang" else key, value)
    if text is not None:
        el.text = text
    return el


def write_tbx(
    fileobj: IO[bytes], glossary: Glossary, *, version: TbxVersion = "v3", lang: str | None = None
) -> None:
    """Write a glossary as TBX v3 (TBX-Basic, DCA) or TBX 2008 (MARTIF, TBX-Basic).

    Every term of every language is written, with status, part of speech and notes;
    definitions and notes go on the language section (a language that has a definition
    but no term cannot be written: TBX requires a term in each language section).
    """
    languages = languages_in_order(glossary.concepts, glossary.languages)
    doc_lang = lang or (languages[0] if languages else "en")
    v3 = version == "v3"
    ns = f"{{{TBX3_NS}}}" if v3 else ""
    if v3:
        root = etree.Element(f"{ns}tbx", nsmap={None: TBX3_NS})
        root.set("type", "TBX-Basic")
        root.set("style", "dca")
    else:
        root = etree.Element("martif")
        root.set("type", "TBX-Basic")
    root.set(XML_LANG, doc_lang)
    header = _sub(root, f"{ns}{'tbxHeader' if v3 else 'martifHeader'}")
    file_desc = _sub(header, f"{ns}fileDesc")
    title_stmt = _sub(file_desc, f"{ns}titleStmt")
    _sub(title_stmt, f"{ns}title", glossary.name)
    source_desc = _sub(file_desc, f"{ns}sourceDesc")
    _sub(source_desc, f"{ns}p", glossary.description or f"Glossary {glossary.name}")
    if not v3:
        encoding = _sub(header, "encodingDesc")
        _sub(encoding, "p", "TBXBasicXCSV02.xcs", type="XCSURI")
    body = _sub(_sub(root, f"{ns}text"), f"{ns}body")
    for concept in glossary.concepts:
        _write_concept(body, concept, languages, ns=ns, v3=v3)
    tree = etree.ElementTree(root)
    if v3:
        root.addprevious(etree.ProcessingInstruction("xml-model", TBX3_SCHEMA_PI))
    tree.write(fileobj, encoding="UTF-8", xml_declaration=True, pretty_print=True)


def _write_concept(
    body: etree._Element, concept: Concept, languages: list[str], *, ns: str, v3: bool
) -> None:
    entry = _sub(body, f"{ns}{'conceptEntry' if v3 else 'termEntry'}", id=concept.id)
    if concept.subject:
        _sub(entry, f"{ns}descrip", concept.subject, type="subjectField")
    if concept.source:
        _sub(entry, f"{ns}admin", concept.source, type="source")
    if concept.nested:
        _sub(entry, f"{ns}admin", "yes", type="x-nested")
    for lang in languages:
        terms = [t for t in concept.terms if t.lang == lang]
        if not terms:
            continue
        section = _sub(entry, f"{ns}{'langSec' if v3 else 'langSet'}", lang=lang)
        if lang in concept.definitions:
            _sub(section, f"{ns}descrip", concept.definitions[lang], type="definition")
        if lang in concept.notes:
            _sub(section, f"{ns}note", concept.notes[lang])
        for term in terms:
            _write_term(section, term, term.text, ns=ns, v3=v3, variant=False)
            for variant in term.variants:
                _write_term(section, term, variant, ns=ns, v3=v3, variant=True)


def _write_term(
    section: etree._Element, term: Term, text: str, *, ns: str, v3: bool, variant: bool
) -> None:
    # TBX 2008 wants term, then termNotes, then notes inside <tig>; v3 the same order.
    tig = _sub(section, f"{ns}{'termSec' if v3 else 'tig'}")
    _sub(tig, f"{ns}term", text)
    notes: list[tuple[str, str]] = []
    if term.part_of_speech:
        notes.append(("partOfSpeech", term.part_of_speech))
    notes.append(("administrativeStatus", _WRITE_STATUS[term.status]))
    if term.status is TermStatus.FORBIDDEN:
        notes.append(("x-status", "forbidden"))
    if variant:
        notes.append(("termType", "variant"))
    if term.usage_note and not variant:
        notes.append(("usageNote", term.usage_note))
    if term.case_sensitive:
        notes.append(("x-caseSensitive", "yes"))
    if term.do_not_translate:
        notes.append(("x-doNotTranslate", "yes"))
    if not term.inflect:
        notes.append(("x-inflect", "no"))
    for kind, value in notes:
        _sub(tig, f"{ns}termNote", value, type=kind)
    if term.note and not variant:
        _sub(tig, f"{ns}note", term.note)

"""Hardened XML parsing: hostile documents are refused fast, legitimate DOCTYPEs pass."""

from __future__ import annotations

import io
import time
from pathlib import Path

import pytest

from tm.errors import FormatError, UnsafeXMLError
from tm.formats import read_units
from tm.formats.xmlsafe import (
    safe_fromstring,
    safe_iterparse,
    safe_parse,
    safe_parser,
    scan_prolog,
)

DATA = Path(__file__).parent / "data" / "formats"


@pytest.mark.parametrize(
    ("name", "line"),
    [
        ("xml_billion_laughs.tmx", 3),
        ("xml_xxe_passwd.tmx", 3),
        ("xml_xxe_parameter.xlf", 4),
    ],
    ids=["billion-laughs", "external-entity-file", "parameter-entity-url"],
)
def test_entity_declarations_are_refused_quickly_naming_the_file(name: str, line: int) -> None:
    started = time.perf_counter()
    with pytest.raises(UnsafeXMLError) as info:
        list(read_units(DATA / name))
    assert time.perf_counter() - started < 0.5
    assert info.value.path == str(DATA / name)
    assert info.value.line == line
    assert "entities" in str(info.value)


def test_external_entity_content_never_reaches_the_units() -> None:
    """Even the low-level parse refuses: /etc/passwd is never read into a tree."""
    data = (DATA / "xml_xxe_passwd.tmx").read_bytes()
    with pytest.raises(UnsafeXMLError):
        safe_fromstring(data, path="x.tmx")
    with pytest.raises(UnsafeXMLError):
        list(safe_iterparse(io.BytesIO(data), path="x.tmx"))


def test_entity_hidden_after_a_comment_inside_the_subset_is_found() -> None:
    doc = b'<?xml version="1.0"?>\n<!DOCTYPE x [\n<!-- <y> -->\n<!ENTITY a "b">\n]>\n<x>&a;</x>'
    with pytest.raises(UnsafeXMLError) as info:
        safe_fromstring(doc)
    assert info.value.line == 4


def test_utf16_entity_declaration_is_refused() -> None:
    doc = '<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE x [<!ENTITY a "b">]><x>&a;</x>'
    with pytest.raises(UnsafeXMLError):
        safe_fromstring(doc.encode("utf-16"))


def test_doctype_naming_an_external_dtd_is_accepted_without_fetching_it() -> None:
    # The DTD's URL does not resolve: a fetch would fail or hang; it must not happen.
    units = list(read_units(DATA / "xml_doctype_system_only.tmx"))
    assert [v.text for v in units[0].variants] == ["ok", "gut"]


def test_omegat_doctype_is_accepted() -> None:
    units = list(read_units(DATA / "omegat_tmx11.tmx"))
    assert len(units) == 2


def test_syntax_error_names_file_and_line() -> None:
    with pytest.raises(FormatError) as info:
        list(read_units(DATA / "tmx_broken_line7.tmx"))
    assert info.value.line == 7
    assert "tmx_broken_line7.tmx:7" in str(info.value)
    assert "XML syntax error" in str(info.value)


def test_undefined_entity_reports_its_own_line() -> None:
    # With entity resolution off, libxml2's push parser hides this behind a generic
    # message; the reader must still point at the line.
    doc = b"<tmx>\n<body>\n<tu>&nbsp;</tu></body></tmx>"
    with pytest.raises(FormatError) as info:
        list(safe_iterparse(io.BytesIO(doc), path="a.tmx"))
    assert info.value.line == 3
    assert "nbsp" in info.value.message


def test_empty_document_is_a_format_error() -> None:
    with pytest.raises(FormatError, match="empty file"):
        list(safe_iterparse(io.BytesIO(b"  \n"), path="empty.tmx"))


def test_safe_parser_cannot_be_loosened() -> None:
    with pytest.raises(ValueError, match="resolve_entities"):
        safe_parser(resolve_entities=True)
    assert safe_parser(remove_comments=True) is not None


def test_safe_parse_reads_a_harmless_document() -> None:
    tree = safe_parse(io.BytesIO(b"<a><b>text</b></a>"))
    assert tree.getroot().findtext("b") == "text"


@pytest.mark.parametrize(
    ("head", "root", "namespace", "version"),
    [
        (b'<?xml version="1.0"?><tmx version="1.4">', "tmx", None, "1.4"),
        (
            b'\xef\xbb\xbf<!-- c --><xliff xmlns="urn:oasis:names:tc:xliff:document:2.0" '
            b'version="2.1">',
            "xliff",
            "urn:oasis:names:tc:xliff:document:2.0",
            "2.1",
        ),
        (b'<x:xliff xmlns:x="urn:a" version="1.2">', "x:xliff", "urn:a", "1.2"),
    ],
    ids=["tmx", "xliff2-bom-comment", "prefixed-root"],
)
def test_prolog_scan_finds_root_namespace_and_version(
    head: bytes, root: str, namespace: str | None, version: str
) -> None:
    prolog = scan_prolog(head, final=True)
    assert prolog is not None
    assert (prolog.root, prolog.namespace, prolog.version) == (root, namespace, version)

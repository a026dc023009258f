"""Pretty-printing for the bilingual XML writers that never touches text content."""

from __future__ import annotations

import re
from collections.abc import Container

from lxml import etree

# Characters XML 1.0 cannot carry at all (segment text writes them as <cp>; labels and
# metadata show a replacement character instead).
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_text(value: str) -> str:
    """`value` safe as XML text: characters XML forbids become U+FFFD."""
    return _XML_INVALID.sub("\ufffd", value)


def indent_structure(
    root: etree._Element, content_tags: Container[str], *, space: str = "  "
) -> None:
    """Indent structural elements only: whitespace inside text content would change it."""

    def walk(el: etree._Element, level: int) -> None:
        if el.tag in content_tags or not len(el):
            return
        if el.text and el.text.strip():
            return  # mixed content we do not own: leave it exactly as it is
        inner = "\n" + space * (level + 1)
        el.text = inner
        for child in el:
            walk(child, level + 1)
            child.tail = inner if not (child.tail and child.tail.strip()) else child.tail
        last = el[-1]
        if not (last.tail and last.tail.strip()):
            last.tail = "\n" + space * level

    walk(root, 0)
    root.tail = None

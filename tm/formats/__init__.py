"""File formats of the translation memory: TMX, XLIFF 1.2/2.x, PO, CSV/TSV.

Each format is a pair of functions around `tm.models.Unit` (`read_x(fileobj) ->
Iterator[Unit]`, `write_x(fileobj, units) -> int`); `read_units` / `write_units` work on
paths and detect the format. No database here: services call these.
XML is always parsed through `tm.formats.xmlsafe` (no entities, no network).
"""

from tm.formats.csvtsv import read_csv, write_csv
from tm.formats.detect import FORMATS, detect_format, format_from_extension
from tm.formats.files import WRITE_FORMATS, read_units, write_units
from tm.formats.po import read_po, write_po
from tm.formats.tmx import read_tmx, write_tmx
from tm.formats.xliff import read_xliff, write_xliff2, write_xliff12

__all__ = [
    "FORMATS",
    "WRITE_FORMATS",
    "detect_format",
    "format_from_extension",
    "read_csv",
    "read_po",
    "read_tmx",
    "read_units",
    "read_xliff",
    "write_csv",
    "write_po",
    "write_tmx",
    "write_units",
    "write_xliff2",
    "write_xliff12",
]

"""Domain errors, so every shell (CLI, HTTP) can map them to one exit code or status.

Exit codes follow the README: 0 success, 1 findings or failure, 2 usage or input error.
"""

from __future__ import annotations

import copy


class TMError(Exception):
    """Base of every error the library raises on purpose; carries its exit code."""

    exit_code = 1


class UsageError(TMError):
    """The caller asked for something impossible (unknown memory, bad option value)."""

    exit_code = 2


class NotFoundError(UsageError):
    """A named thing (memory, concept, glossary) does not exist."""


class LanguageTagError(UsageError):
    """A language tag is not well-formed BCP 47."""


class FormatError(TMError):
    """A file could not be read: names the file, the line (or unit) and what is wrong.

    Mirrors babel's PoFileError: the position travels with the error so the message a
    user sees always points at the place to fix.
    """

    exit_code = 2

    def __init__(
        self,
        message: str,
        *,
        path: str | None = None,
        line: int | None = None,
        unit: str | None = None,
    ) -> None:
        self.message = message
        self.path = path
        self.line = line
        self.unit = unit
        super().__init__(str(self))

    def __str__(self) -> str:
        where = self.path or "<input>"
        if self.line is not None:
            where += f":{self.line}"
        if self.unit is not None:
            where += f" (unit {self.unit})"
        return f"{where}: {self.message}"

    def with_path(self, path: str) -> FormatError:
        """Return the same error attributed to `path` (readers often see only a stream)."""
        if self.path:
            return self
        clone = copy.copy(self)  # keeps the subclass (UnsafeXMLError stays one)
        clone.path = path
        clone.args = (str(clone),)
        return clone


class UnknownFormatError(FormatError):
    """The file's format could not be recognised from its content or name."""


class UnsafeXMLError(FormatError):
    """The XML uses DTD entities, external references or other constructs we refuse."""


class GlossaryError(TMError):
    """A glossary file or operation is invalid."""

    exit_code = 2

"""Glossaries as files: the model, TOML/TBX/CSV readers and writers, validation and diff.

Entry points other areas use: `load_glossaries(specs) -> GlossarySet` (names or paths,
None = every shipped glossary) and `load_glossary(path) -> Glossary`.
"""

from tm.glossary.loading import (
    ENV_PATH,
    glossary_dirs,
    load_glossaries,
    load_glossary,
    resolve_glossary,
    shipped_glossary_paths,
)
from tm.glossary.model import Finding, Glossary, GlossarySet

__all__ = [
    "ENV_PATH",
    "Finding",
    "Glossary",
    "GlossarySet",
    "glossary_dirs",
    "load_glossaries",
    "load_glossary",
    "resolve_glossary",
    "shipped_glossary_paths",
]

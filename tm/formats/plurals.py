"""Gettext `Plural-Forms` per language, so exported PO files compile with `msgfmt -c`.

Values are the well-known gettext ones (the GNU gettext manual's table); a language not
listed gets the two-form English rule, which msgfmt accepts for any language.
"""

from __future__ import annotations

import re

_ONE = "nplurals=1; plural=0;"
_EN = "nplurals=2; plural=(n != 1);"
_FR = "nplurals=2; plural=(n > 1);"
_SLAVIC_EAST = (
    "nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n%10>=2 && n%10<=4 && "
    "(n%100<10 || n%100>=20) ? 1 : 2);"
)

PLURAL_FORMS: dict[str, str] = {
    **dict.fromkeys(("ja", "ko", "zh", "vi", "th", "id", "ms", "lo", "km", "my", "bo"), _ONE),
    **dict.fromkeys(
        (
            "en",
            "de",
            "nl",
            "sv",
            "da",
            "no",
            "nb",
            "nn",
            "fo",
            "es",
            "it",
            "bg",
            "el",
            "fi",
            "et",
            "he",
            "eo",
            "hu",
            "tr",
            "ca",
            "eu",
            "gl",
            "af",
            "sq",
            "hi",
            "bn",
            "ur",
            "fa",
            "sw",
            "ta",
            "te",
            "ml",
            "kn",
            "mr",
            "gu",
            "pa",
            "ne",
            "si",
            "az",
            "ka",
            "hy",
            "kk",
            "uz",
            "mn",
            "is",
            "lb",
        ),
        _EN,
    ),
    **dict.fromkeys(("fr", "pt-BR", "oc", "ti", "ln"), _FR),
    "pt": _EN,
    **dict.fromkeys(("ru", "uk", "be", "sr", "hr", "bs"), _SLAVIC_EAST),
    "cs": "nplurals=3; plural=(n==1) ? 0 : (n>=2 && n<=4) ? 1 : 2;",
    "sk": "nplurals=3; plural=(n==1) ? 0 : (n>=2 && n<=4) ? 1 : 2;",
    "pl": (
        "nplurals=3; plural=(n==1 ? 0 : n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2);"
    ),
    "lt": (
        "nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n%10>=2 && (n%100<10 || n%100>=20) "
        "? 1 : 2);"
    ),
    "lv": "nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n != 0 ? 1 : 2);",
    "ro": "nplurals=3; plural=(n==1 ? 0 : (n==0 || (n%100 > 0 && n%100 < 20)) ? 1 : 2);",
    "ga": "nplurals=3; plural=(n==1 ? 0 : n==2 ? 1 : 2);",
    "sl": "nplurals=4; plural=(n%100==1 ? 0 : n%100==2 ? 1 : n%100==3 || n%100==4 ? 2 : 3);",
    "mk": "nplurals=2; plural=(n==1 || n%10==1 ? 0 : 1);",
    "ar": (
        "nplurals=6; plural=(n==0 ? 0 : n==1 ? 1 : n==2 ? 2 : n%100>=3 && n%100<=10 ? 3 : "
        "n%100>=11 ? 4 : 5);"
    ),
}

_NPLURALS_RE = re.compile(r"nplurals\s*=\s*(\d+)")


def plural_forms(lang: str) -> str:
    """The Plural-Forms header value for a normalised language tag."""
    parts = lang.split("-")
    for key in ("-".join(parts[:2]), parts[0]):
        if key in PLURAL_FORMS:
            return PLURAL_FORMS[key]
    return _EN


def nplurals(header_value: str | None) -> int | None:
    """Number of plural forms a Plural-Forms header declares (None if it does not)."""
    if not header_value:
        return None
    m = _NPLURALS_RE.search(header_value)
    return int(m.group(1)) if m else None

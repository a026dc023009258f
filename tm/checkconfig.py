"""`tm check` configuration (.tm.toml / pyproject.toml) and baselines.

Configuration lets a repository say once which files and glossaries CI checks and how
strict each rule is, so the CI line stays `tm check`. Baselines let a team adopt the
check on a large existing corpus: record today's findings, fail only on new ones.

A finding's fingerprint hashes what identifies it to a person (rule, file, concept,
terms, and the source/target segment text) and not its line, so a baseline survives
edits elsewhere in the file; a finding counts as "known" as many times as it was
recorded (a multiset), so a second copy of a known mistake is still new.
"""

from __future__ import annotations

import hashlib
import json
import os
import tomllib
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tm.check import RULES, Finding, Severity, parse_severity
from tm.errors import UsageError
from tm.normalize import exact_key

CONFIG_FILE = ".tm.toml"
BASELINE_VERSION = 1

# Keys accepted in [check] (.tm.toml) / [tool.tm.check] (pyproject.toml); `_` may stand
# for `-`. Unknown keys are an error: a typo must not silently weaken CI.
_KEYS = {
    "glossary",
    "paths",
    "exclude",
    "source-lang",
    "target-lang",
    "fail-on",
    "rules",
    "severity",
    "baseline",
}


@dataclass
class CheckConfig:
    """Settings from a config file; paths in it are resolved against the file's folder."""

    glossaries: list[str] = field(default_factory=list)
    paths: list[str] = field(default_factory=list)
    exclude: list[str] = field(default_factory=list)
    source_lang: str | None = None
    target_lang: str | None = None
    fail_on: Severity | None = Severity.ERROR
    rules: list[str] | None = None
    severity: dict[str, Severity | None] = field(default_factory=dict)
    baseline: str | None = None
    origin: str | None = None  # the file these came from, for messages


def _strings(value: Any, key: str, origin: str) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return list(value)
    raise UsageError(f"{origin}: `{key}` must be a string or a list of strings")


def _check_rules(names: Iterable[str], origin: str, key: str) -> None:
    unknown = [n for n in names if n not in RULES]
    if unknown:
        raise UsageError(
            f"{origin}: unknown rule(s) in `{key}`: {', '.join(unknown)} "
            f"(rules: {', '.join(RULES)})"
        )


def parse_fail_on(value: str) -> Severity | None:
    """`--fail-on` / `fail-on`: error, warning, note, or never."""
    if value.strip().lower() == "never":
        return None
    try:
        return parse_severity(value)  # `off` also means never
    except ValueError as err:
        raise UsageError(f"--fail-on: {err}; or never") from err


def parse_config(data: Mapping[str, Any], *, base_dir: Path, origin: str) -> CheckConfig:
    """Build a CheckConfig from the `[check]` table of a config file (already parsed)."""
    raw = {str(k).replace("_", "-"): v for k, v in data.items()}
    unknown = sorted(set(raw) - _KEYS)
    if unknown:
        raise UsageError(
            f"{origin}: unknown key(s) {', '.join(unknown)} (known: {', '.join(sorted(_KEYS))})"
        )
    cfg = CheckConfig(origin=origin)

    def rel(p: str) -> str:
        # Paths in the file are relative to it; reported relative to the working folder
        # when they lie under it, so findings read `locale/es.po`, not an absolute path.
        full = p if os.path.isabs(p) else os.path.normpath(base_dir / p)
        here = os.getcwd()
        inside = os.path.commonpath([here, full]) == here
        return os.path.relpath(full, here) if inside else full

    if "glossary" in raw:
        cfg.glossaries = [
            rel(g) if ("/" in g or g.lower().endswith((".toml", ".tbx", ".csv", ".tsv"))) else g
            for g in _strings(raw["glossary"], "glossary", origin)
        ]
    if "paths" in raw:
        cfg.paths = [rel(p) for p in _strings(raw["paths"], "paths", origin)]
    if "exclude" in raw:
        cfg.exclude = _strings(raw["exclude"], "exclude", origin)
    for key, attr in (("source-lang", "source_lang"), ("target-lang", "target_lang")):
        if key in raw:
            if not isinstance(raw[key], str):
                raise UsageError(f"{origin}: `{key}` must be a string")
            setattr(cfg, attr, raw[key])
    if "fail-on" in raw:
        if not isinstance(raw["fail-on"], str):
            raise UsageError(f"{origin}: `fail-on` must be a string")
        cfg.fail_on = parse_fail_on(raw["fail-on"])
    if "rules" in raw:
        cfg.rules = _strings(raw["rules"], "rules", origin)
        _check_rules(cfg.rules, origin, "rules")
    if "severity" in raw:
        table = raw["severity"]
        if not isinstance(table, Mapping):
            raise UsageError(f"{origin}: `severity` must be a table of rule = level")
        _check_rules(table, origin, "severity")
        for rule, level in table.items():
            try:
                cfg.severity[rule] = parse_severity(str(level))
            except ValueError as err:
                raise UsageError(f"{origin}: severity.{rule}: {err}") from err
    if "baseline" in raw:
        if not isinstance(raw["baseline"], str):
            raise UsageError(f"{origin}: `baseline` must be a string")
        cfg.baseline = rel(raw["baseline"])
    return cfg


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except tomllib.TOMLDecodeError as err:
        raise UsageError(f"{path}: not valid TOML: {err}") from err
    except OSError as err:
        raise UsageError(f"cannot read config {path}: {err.strerror}") from err


def load_config(path: str | Path) -> CheckConfig:
    """Read one config file: `.tm.toml` ([check]) or `pyproject.toml` ([tool.tm.check])."""
    path = Path(path)
    data = _read_toml(path)
    if path.name == "pyproject.toml":
        table = data.get("tool", {}).get("tm", {}).get("check", {})
    else:
        table = data.get("check", {})
    if not isinstance(table, Mapping):
        raise UsageError(f"{path}: the check settings must be a table")
    return parse_config(table, base_dir=path.resolve().parent, origin=str(path))


def find_config(start: str | Path | None = None) -> Path | None:
    """The nearest `.tm.toml`, or `pyproject.toml` with a [tool.tm.check] table, upwards."""
    here = Path(start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        candidate = folder / CONFIG_FILE
        if candidate.is_file():
            return candidate
        pyproject = folder / "pyproject.toml"
        if pyproject.is_file():
            data = _read_toml(pyproject)
            if "check" in data.get("tool", {}).get("tm", {}):
                return pyproject
    return None


# -- fingerprints and baselines ------------------------------------------------------


def stable_path(file: str | None, root: Path | None) -> str:
    """The file as recorded in fingerprints: relative to `root` when it lies under it."""
    if not file:
        return ""
    if file.startswith("memory:"):
        return file
    absolute = Path(os.path.abspath(file))
    if root is not None:
        try:
            return absolute.relative_to(root.resolve()).as_posix()
        except ValueError:
            pass
    return absolute.as_posix()


def fingerprint(finding: Finding, *, root: Path | None = None) -> str:
    """A line-independent id of a finding (see module doc); 32 hex digits."""
    parts = (
        finding.rule,
        stable_path(finding.file, root),
        finding.concept or "",
        (finding.source_term or "").casefold(),
        (finding.found or "").casefold(),
        exact_key(finding.source_text or "").casefold(),
        exact_key(finding.target_text).casefold(),
    )
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()[:32]


@dataclass
class Baseline:
    """Recorded fingerprints (with counts) of findings a team accepted for now."""

    counts: Counter[str]
    root: Path

    def split(self, findings: Sequence[Finding]) -> tuple[list[Finding], int]:
        """(findings not in the baseline, how many were) — each record used once."""
        left = Counter(self.counts)
        new: list[Finding] = []
        known = 0
        for f in findings:
            fp = fingerprint(f, root=self.root)
            if left[fp] > 0:
                left[fp] -= 1
                known += 1
            else:
                new.append(f)
        return new, known


def read_baseline(path: str | Path) -> Baseline:
    """Load a baseline written by `--write-baseline`; its folder is the fingerprint root."""
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as err:
        raise UsageError(
            f"baseline {path} does not exist (write one with --write-baseline)"
        ) from err
    except (OSError, ValueError) as err:
        raise UsageError(f"cannot read baseline {path}: {err}") from err
    if not isinstance(data, dict) or data.get("version") != BASELINE_VERSION:
        raise UsageError(f"{path}: not a tm check baseline (version {BASELINE_VERSION})")
    counts: Counter[str] = Counter()
    for item in data.get("findings", []):
        if not isinstance(item, dict) or not isinstance(item.get("fingerprint"), str):
            raise UsageError(f"{path}: every baseline entry needs a fingerprint")
        counts[item["fingerprint"]] += 1
    return Baseline(counts=counts, root=path.resolve().parent)


def baseline_document(findings: Sequence[Finding], *, root: Path) -> dict[str, Any]:
    """The baseline file's content: fingerprints plus enough context to review the diff."""
    entries = [
        {
            "fingerprint": fingerprint(f, root=root),
            "rule": f.rule,
            "file": stable_path(f.file, root),
            "concept": f.concept,
            "found": f.found,
            "message": f.message,
        }
        for f in findings
    ]
    entries.sort(key=lambda e: (e["file"], e["rule"], e["fingerprint"]))
    return {"version": BASELINE_VERSION, "tool": "tm check", "findings": entries}


def write_baseline(path: str | Path, findings: Sequence[Finding]) -> int:
    """Write the baseline for `findings` (sorted, one entry per finding); returns the count."""
    path = Path(path)
    root = path.resolve().parent
    doc = baseline_document(findings, root=root)
    try:
        path.write_text(json.dumps(doc, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    except OSError as err:
        raise UsageError(f"cannot write baseline {path}: {err.strerror}") from err
    return len(doc["findings"])

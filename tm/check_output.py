"""Renderers for `tm check` results: text, JSON, JUnit XML, SARIF 2.1.0, GitHub annotations.

Pure functions from a `CheckResult` to a string, so every format is tested without a
terminal and the CLI only picks one and prints it. Colour in the text format is plain
ANSI, switched on by the caller (the library does not know whether it writes to a tty).
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePath
from typing import Any

from lxml import etree

from tm.check import RULES, Finding, Severity
from tm.checkconfig import fingerprint

FORMATS = ("text", "json", "junit", "sarif", "github")

JSON_VERSION = 1
TOOL_NAME = "tm check"
SARIF_SCHEMA_URI = (
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
)
FINGERPRINT_KEY = "tmCheck/v1"


@dataclass(frozen=True)
class InputError:
    """A file (or memory) that could not be checked, with the reason; others still are."""

    file: str
    message: str
    line: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"file": self.file, "line": self.line, "message": self.message}


@dataclass
class CheckResult:
    """Everything a run produced, for any renderer and for the exit code."""

    findings: list[Finding]
    files: list[str] = field(default_factory=list)  # every input checked (files, memories)
    units: int = 0
    errors: list[InputError] = field(default_factory=list)
    suppressed: int = 0  # findings silenced by inline markers
    baselined: int = 0  # findings already recorded in the baseline
    root: Path | None = None  # what fingerprints make file paths relative to

    def summary(self) -> dict[str, Any]:
        """Counts for the JSON `summary` object (stable keys, see docs/check.md)."""
        by_rule = Counter(f.rule for f in self.findings)
        by_severity = Counter(f.severity.value for f in self.findings)
        return {
            "findings": len(self.findings),
            "by_rule": {rule: by_rule.get(rule, 0) for rule in RULES},
            "by_severity": {s.value: by_severity.get(s.value, 0) for s in Severity},
            "files": len(self.files),
            "units": self.units,
            "errors": len(self.errors),
            "suppressed": self.suppressed,
            "baselined": self.baselined,
        }

    def fingerprint(self, finding: Finding) -> str:
        """The finding's baseline id (see tm.checkconfig.fingerprint)."""
        return fingerprint(finding, root=self.root)


def failing(findings: Sequence[Finding], fail_on: Severity | None) -> list[Finding]:
    """Findings at or above the `--fail-on` level (`None` = never fail)."""
    if fail_on is None:
        return []
    return [f for f in findings if f.severity.rank >= fail_on.rank]


def exit_code(result: CheckResult, fail_on: Severity | None) -> int:
    """2 when an input could not be read (results are incomplete), 1 on failing findings."""
    if result.errors:
        return 2
    return 1 if failing(result.findings, fail_on) else 0


# -- text --------------------------------------------------------------------------------

_ANSI = {
    "error": "\x1b[1;31m",
    "warning": "\x1b[1;33m",
    "note": "\x1b[1;36m",
    "path": "\x1b[1m",
    "rule": "\x1b[2m",
    "found": "\x1b[31m",
    "use": "\x1b[32m",
    "reset": "\x1b[0m",
}


def _location(file: str | None, line: int | None, column: int | None, unit: str | None) -> str:
    where = file or "<input>"
    if line is not None:
        where += f":{line}"
        if column is not None:
            where += f":{column}"
    if unit is not None and line is None:
        where += f" [{unit}]"
    return where


def _position(f: Finding) -> str:
    """Where in its file a finding is, without the file: `line 12:5`, `unit abc`, or ''."""
    if f.line is not None:
        return f"line {f.line}" + (f":{f.column}" if f.column is not None else "")
    return f"unit {f.unit}" if f.unit is not None else ""


def render_text(result: CheckResult, *, color: bool = False) -> str:
    """One line per finding (file:line, severity, rule, message), then a summary line."""

    def paint(kind: str, text: str) -> str:
        return f"{_ANSI[kind]}{text}{_ANSI['reset']}" if color else text

    lines: list[str] = []
    for f in result.findings:
        head = paint("path", _location(f.file, f.line, f.column, f.unit))
        sev = paint(f.severity.value, f.severity.value)
        parts = [f"{head}: {sev} {paint('rule', '[' + f.rule + ']')} {f.message}"]
        details = []
        if f.source_term:
            details.append(f"source: {f.source_term}")
        if f.found and f.rule != "inconsistent-translation":
            details.append(f"found: {paint('found', f.found)}")
        if f.expected:
            details.append("use: " + paint("use", " | ".join(f.expected)))
        if details:
            parts.append("    " + "; ".join(details))
        if f.note:
            parts.append(f"    why: {f.note}")
        lines.extend(parts)
    for err in result.errors:
        where = paint("path", _location(err.file, err.line, None, None))
        lines.append(f"{where}: {paint('error', 'input error')} {err.message}")
    s = result.summary()
    counts = ", ".join(
        f"{n} {sev}" + ("s" if n != 1 else "") for sev, n in s["by_severity"].items() if n
    )
    tail = (
        f"{s['findings']} finding(s)"
        + (f" ({counts})" if counts else "")
        + f" in {s['files']} file(s), {s['units']} unit(s) checked"
    )
    extra = []
    if result.suppressed:
        extra.append(f"{result.suppressed} suppressed inline")
    if result.baselined:
        extra.append(f"{result.baselined} in baseline")
    if result.errors:
        extra.append(f"{len(result.errors)} input error(s)")
    if extra:
        tail += "; " + ", ".join(extra)
    lines.append(tail)
    return "\n".join(lines) + "\n"


# -- JSON --------------------------------------------------------------------------------


def to_json_data(result: CheckResult) -> dict[str, Any]:
    """The documented JSON object: `findings`, `summary`, `errors`, `version`."""
    findings = []
    for f in result.findings:
        item = f.to_dict()
        item["fingerprint"] = result.fingerprint(f)
        findings.append(item)
    return {
        "version": JSON_VERSION,
        "tool": TOOL_NAME,
        "findings": findings,
        "summary": result.summary(),
        "errors": [e.to_dict() for e in result.errors],
    }


def render_json(result: CheckResult) -> str:
    return json.dumps(to_json_data(result), ensure_ascii=False, indent=2) + "\n"


# -- JUnit -------------------------------------------------------------------------------


def render_junit(result: CheckResult, *, fail_on: Severity | None = Severity.ERROR) -> str:
    """JUnit XML: one testsuite per checked file, one testcase per finding.

    Findings at or above `fail_on` are <failure>s; lower ones pass with the finding in
    <system-out>, so a CI test tab shows warnings without failing the build on them. A
    file without findings is one passing testcase, so the report lists what was checked.
    """
    by_file: dict[str, list[Finding]] = {name: [] for name in result.files}
    for f in result.findings:
        by_file.setdefault(f.file or "<input>", []).append(f)
    errors_by_file: dict[str, list[InputError]] = {}
    for e in result.errors:
        errors_by_file.setdefault(e.file, []).append(e)
        by_file.setdefault(e.file, [])
    fail_ids = {id(f) for f in failing(result.findings, fail_on)}

    root = etree.Element("testsuites", name=TOOL_NAME)
    total_tests = total_failures = total_errors = 0
    for name, findings in by_file.items():
        suite = etree.SubElement(root, "testsuite", name=name)
        tests = failures = errors = 0
        for f in findings:
            tests += 1
            case = etree.SubElement(
                suite,
                "testcase",
                classname=name,
                name=f"{f.rule} {_position(f)}".strip(),
            )
            body = f"{_location(f.file, f.line, f.column, f.unit)}: {f.message}"
            if id(f) in fail_ids:
                failures += 1
                fail = etree.SubElement(case, "failure", message=f.message, type=f.rule)
                fail.text = body
            else:
                out = etree.SubElement(case, "system-out")
                out.text = f"{f.severity.value}: {body}"
        for e in errors_by_file.get(name, []):
            tests += 1
            errors += 1
            case = etree.SubElement(suite, "testcase", classname=name, name="read")
            err = etree.SubElement(case, "error", message=e.message, type="input-error")
            err.text = e.message
        if tests == 0:
            tests = 1
            etree.SubElement(suite, "testcase", classname=name, name="glossary compliance")
        suite.set("tests", str(tests))
        suite.set("failures", str(failures))
        suite.set("errors", str(errors))
        total_tests += tests
        total_failures += failures
        total_errors += errors
    root.set("tests", str(total_tests))
    root.set("failures", str(total_failures))
    root.set("errors", str(total_errors))
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True).decode(
        "utf-8"
    )


# -- SARIF -------------------------------------------------------------------------------

_SARIF_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.NOTE: "note"}


def _artifact(file: str) -> dict[str, str]:
    """A SARIF artifactLocation: relative paths against %SRCROOT%, memories as `memory:NAME`."""
    if file.startswith("memory:"):
        return {"uri": file}
    path = PurePath(file)
    if path.is_absolute():
        return {"uri": path.as_uri()}
    return {"uri": path.as_posix(), "uriBaseId": "%SRCROOT%"}


def render_sarif(result: CheckResult, *, tool_version: str = "0") -> str:
    """SARIF 2.1.0 log with one run; rules carry their default level and one-line help."""
    rule_ids = list(RULES)
    rules = [
        {
            "id": r.id,
            "name": "".join(part.title() for part in r.id.split("-")),
            "shortDescription": {"text": r.summary},
            "fullDescription": {"text": r.summary},
            "defaultConfiguration": {"level": _SARIF_LEVEL[r.severity]},
        }
        for r in RULES.values()
    ]
    results = []
    for f in result.findings:
        item: dict[str, Any] = {
            "ruleId": f.rule,
            "ruleIndex": rule_ids.index(f.rule),
            "level": _SARIF_LEVEL[f.severity],
            "message": {"text": f.message},
        }
        location: dict[str, Any] = {}
        if f.file:
            physical: dict[str, Any] = {"artifactLocation": _artifact(f.file)}
            if f.line is not None and f.line >= 1:
                region: dict[str, Any] = {"startLine": f.line}
                if f.column is not None and f.column >= 1:
                    region["startColumn"] = f.column
                    if f.found:
                        region["endColumn"] = f.column + len(f.found)
                physical["region"] = region
            location["physicalLocation"] = physical
        if f.unit is not None:
            location["logicalLocations"] = [{"name": f.unit, "kind": "object"}]
        if location:
            item["locations"] = [location]
        item["partialFingerprints"] = {FINGERPRINT_KEY: result.fingerprint(f)}
        item["properties"] = {
            "concept": f.concept,
            "sourceTerm": f.source_term,
            "found": f.found,
            "expected": list(f.expected),
            "sourceLang": f.source_lang,
            "targetLang": f.target_lang,
            "note": f.note,
        }
        results.append(item)
    notifications = [
        {
            "level": "error",
            "message": {"text": e.message},
            "locations": [{"physicalLocation": {"artifactLocation": _artifact(e.file)}}],
        }
        for e in result.errors
    ]
    run: dict[str, Any] = {
        "tool": {
            "driver": {
                "name": TOOL_NAME,
                "version": tool_version,
                "rules": rules,
            }
        },
        "invocations": [
            {
                "executionSuccessful": not result.errors,
                "toolExecutionNotifications": notifications,
            }
        ],
        "results": results,
        "originalUriBaseIds": {
            "%SRCROOT%": {"description": {"text": "The directory tm check ran in."}}
        },
    }
    log = {"$schema": SARIF_SCHEMA_URI, "version": "2.1.0", "runs": [run]}
    return json.dumps(log, ensure_ascii=False, indent=2) + "\n"


# -- GitHub Actions ----------------------------------------------------------------------

_GITHUB_COMMAND = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.NOTE: "notice"}


def _gh_escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _gh_escape_property(text: str) -> str:
    return _gh_escape_data(text).replace(":", "%3A").replace(",", "%2C")


def render_github(result: CheckResult) -> str:
    """Workflow commands (`::error file=...,line=...::message`) GitHub shows on the diff."""
    lines = []
    for f in result.findings:
        props = []
        message = f.message
        in_repo = bool(f.file) and not (f.file or "").startswith("memory:")
        if in_repo:
            props.append(f"file={_gh_escape_property(f.file or '')}")
            if f.line is not None:
                props.append(f"line={f.line}")
            if f.column is not None:
                props.append(f"col={f.column}")
        props.append(f"title={_gh_escape_property('tm check ' + f.rule)}")
        # Where the annotation cannot point (no line, or a stored memory), say it in words.
        where = [] if in_repo else [f.file or "<input>"]
        if f.unit is not None and (f.line is None or not in_repo):
            where.append(f.unit)
        if where:
            message = f"[{' '.join(where)}] {message}"
        if f.note:
            message += f"\n{f.note}"
        lines.append(
            f"::{_GITHUB_COMMAND[f.severity]} {','.join(props)}::{_gh_escape_data(message)}"
        )
    for e in result.errors:
        props = [f"file={_gh_escape_property(e.file)}"]
        if e.line is not None:
            props.append(f"line={e.line}")
        props.append("title=tm check input error")
        lines.append(f"::error {','.join(props)}::{_gh_escape_data(e.message)}")
    s = result.summary()
    lines.append(
        f"tm check: {s['findings']} finding(s) in {s['files']} file(s), {s['units']} unit(s)"
    )
    return "\n".join(lines) + "\n"


def render(
    result: CheckResult,
    format: str,
    *,
    color: bool = False,
    fail_on: Severity | None = Severity.ERROR,
    tool_version: str = "0",
) -> str:
    """Render `result` in one of FORMATS."""
    if format == "text":
        return render_text(result, color=color)
    if format == "json":
        return render_json(result)
    if format == "junit":
        return render_junit(result, fail_on=fail_on)
    if format == "sarif":
        return render_sarif(result, tool_version=tool_version)
    if format == "github":
        return render_github(result)
    raise ValueError(f"unknown format {format!r} (use one of: {', '.join(FORMATS)})")

"""`tm check`: glossary compliance for CI, a thin shell over `tm.services.check`."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Annotated

import typer

from cli.common import DbOption, QuietOption, err_console, handle_errors, progress_bar
from tm import __version__
from tm.check import RULES, Severity, parse_severity
from tm.check_output import FORMATS, CheckResult, exit_code, render
from tm.checkconfig import CheckConfig, find_config, load_config, parse_fail_on, write_baseline
from tm.errors import UsageError
from tm.services.check import CheckOptions, run_check


def _split(values: list[str] | None) -> list[str]:
    """`--rules a,b --rules c` -> [a, b, c]."""
    return [v.strip() for item in values or [] for v in item.split(",") if v.strip()]


def _severity_overrides(values: list[str]) -> dict[str, Severity | None]:
    out: dict[str, Severity | None] = {}
    for item in values:
        rule, sep, level = item.partition("=")
        rule = rule.strip()
        if not sep or rule not in RULES:
            raise UsageError(
                f"--severity takes RULE=LEVEL with a rule of {', '.join(RULES)}; got {item!r}"
            )
        try:
            out[rule] = parse_severity(level)
        except ValueError as err:
            raise UsageError(f"--severity {rule}: {err}") from err
    return out


def _print_input_errors(result: CheckResult) -> None:
    for problem in result.errors:
        err_console.print(f"[bold red]error:[/] {problem.file}: {problem.message}", highlight=False)


def _default_format() -> str:
    # In a GitHub Actions log the annotations are what a reviewer sees on the diff.
    if os.environ.get("GITHUB_ACTIONS") == "true" and not sys.stdout.isatty():
        return "github"
    return "text"


def _use_color() -> bool:
    if os.environ.get("NO_COLOR"):
        return False
    return bool(os.environ.get("FORCE_COLOR")) or sys.stdout.isatty()


def check_command(
    paths: Annotated[
        list[str] | None,
        typer.Argument(
            help="Files, folders (searched recursively) or quoted globs: PO, XLIFF 1.2/2.x, "
            "TMX, CSV/TSV, and text/Markdown/HTML articles. Default: `paths` from the config."
        ),
    ] = None,
    glossary: Annotated[
        list[str] | None,
        typer.Option(
            "--glossary", "-g", help="Glossary name or file (repeatable). Default: all shipped."
        ),
    ] = None,
    source_lang: Annotated[
        str | None,
        typer.Option(
            "--source-lang", "--from", help="Source language where the file does not say."
        ),
    ] = None,
    target_lang: Annotated[
        str | None,
        typer.Option(
            "--target-lang",
            "--to",
            help="Target language where the file does not say (and of articles); "
            "for TMX/CSV the pair to check.",
        ),
    ] = None,
    format: Annotated[
        str | None,
        typer.Option(
            "--format",
            "-f",
            help="text (default), json, junit, sarif or github (the default inside "
            "GitHub Actions).",
        ),
    ] = None,
    fail_on: Annotated[
        str | None,
        typer.Option(help="Exit 1 on findings at or above: error (default), warning, never."),
    ] = None,
    baseline: Annotated[
        Path | None,
        typer.Option(help="Report and fail only on findings not recorded in this baseline."),
    ] = None,
    write_baseline_to: Annotated[
        Path | None,
        typer.Option("--write-baseline", help="Record every current finding in FILE and exit 0."),
    ] = None,
    rules: Annotated[
        list[str] | None,
        typer.Option(help=f"Only these rules (comma-separated, repeatable): {', '.join(RULES)}."),
    ] = None,
    severity: Annotated[
        list[str] | None,
        typer.Option(help="Override a rule's severity: RULE=error|warning|note|off."),
    ] = None,
    exclude: Annotated[
        list[str] | None, typer.Option(help="Skip files matching this glob (repeatable).")
    ] = None,
    memory: Annotated[
        str | None,
        typer.Option("--memory", "-m", help="Also check every unit of this stored memory."),
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="Write the report to FILE instead of stdout."),
    ] = None,
    config: Annotated[
        Path | None,
        typer.Option(help="Config file (default: nearest .tm.toml or pyproject.toml)."),
    ] = None,
    no_config: Annotated[
        bool, typer.Option("--no-config", help="Ignore .tm.toml and pyproject.toml settings.")
    ] = False,
    db: DbOption = None,
    quiet: QuietOption = False,
) -> None:
    """Check translations against the glossary; exit 1 on findings, 2 on input errors.

    Rules: missing-term, forbidden-term (error); deprecated-term, inconsistent-translation,
    untranslated-term (warning). Silence one unit with a `tm-check: ignore RULE` PO
    translator comment or XLIFF note. Works from glossary files alone; only --memory
    needs the database.

    Example: tm check locale/ --glossary glossaries/oncology.toml --format sarif -o tm.sarif

    Example: tm check seeds/*.txt --target-lang en --glossary oncology
    """
    cfg = CheckConfig()
    if not no_config:
        cfg_path = config or find_config()
        if cfg_path is not None:
            cfg = load_config(cfg_path)
    fmt = format or _default_format()
    if fmt not in FORMATS:
        raise UsageError(f"unknown --format {fmt!r} (use one of: {', '.join(FORMATS)})")
    fail_level = parse_fail_on(fail_on) if fail_on is not None else cfg.fail_on
    rule_names = _split(rules) or cfg.rules
    baseline_path = None if write_baseline_to else (baseline or cfg.baseline)
    options = CheckOptions(
        paths=list(paths or cfg.paths),
        glossaries=glossary or cfg.glossaries or None,
        source_lang=source_lang or cfg.source_lang,
        target_lang=target_lang or cfg.target_lang,
        rules=rule_names,
        severity={**cfg.severity, **_severity_overrides(severity or [])},
        exclude=[*cfg.exclude, *(exclude or [])],
        memory=memory,
        db=db,
        baseline=str(baseline_path) if baseline_path else None,
    )
    with progress_bar("checking", quiet=quiet) as progress:
        result = run_check(options, progress=progress)

    if write_baseline_to is not None:
        count = write_baseline(write_baseline_to, result.findings)
        _print_input_errors(result)
        if not quiet:
            err_console.print(f"recorded {count} finding(s) in {write_baseline_to}")
        raise typer.Exit(2 if result.errors else 0)

    report = render(
        result,
        fmt,
        color=fmt == "text" and output is None and _use_color(),
        fail_on=fail_level,
        tool_version=__version__,
    )
    if output is not None:
        try:
            output.write_text(report, encoding="utf-8")
        except OSError as err:
            raise UsageError(f"cannot write {output}: {err.strerror}") from err
    else:
        sys.stdout.write(report)
    if fmt not in ("text", "github"):
        _print_input_errors(result)  # machine formats carry them inside; tell the person too
    raise typer.Exit(exit_code(result, fail_level))


def register(app: typer.Typer) -> None:
    """Add `tm check` to the `tm` app."""
    app.command("check")(handle_errors(check_command))

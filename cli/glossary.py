"""Glossary commands: `tm glossary list|show|search|stats|add|edit|deprecate|forbid|import|
export|validate|diff` and the top-level `tm terms`. Each parses options, calls one function
of tm.services.glossary and prints text or JSON."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from cli.common import JsonOption, QuietOption, console, handle_errors, print_json, progress_bar
from tm.errors import UsageError
from tm.models import Concept, TermStatus
from tm.services import glossary as service

glossary_app = typer.Typer(
    help="Glossaries (glossaries/*.toml): browse, edit, import/export TBX and CSV, validate.\n\n"
    "Example: tm glossary show tamoxifen",
    no_args_is_help=True,
)

GlossaryOption = Annotated[
    list[str] | None,
    typer.Option(
        "--glossary",
        "-g",
        help="Glossary name (looked up in TM_GLOSSARY_PATH or glossaries/) or file path; "
        "repeat for several. Default: every shipped glossary.",
    ),
]
EditGlossaryOption = Annotated[
    str | None,
    typer.Option(
        "--glossary",
        "-g",
        help="Glossary file to edit (name or path); may be omitted when there is only one.",
    ),
]


def _status(value: str | None) -> TermStatus | None:
    if value is None:
        return None
    try:
        return TermStatus(value.strip().lower())
    except ValueError as err:
        allowed = ", ".join(s.value for s in TermStatus)
        raise UsageError(f"unknown status {value!r} (use {allowed})") from err


def _print_concept(concept: Concept) -> None:
    console.print(f"[bold]{concept.id}[/]  ({concept.glossary or '-'})", highlight=False)
    if concept.subject:
        typer.echo(f"  subject: {concept.subject}")
    if concept.source:
        typer.echo(f"  source:  {concept.source}")
    if concept.nested:
        typer.echo("  nested:  reported inside longer terms too")
    for lang, text in concept.definitions.items():
        typer.echo(f"  definition [{lang}]: {text}")
    for lang, text in concept.notes.items():
        typer.echo(f"  note [{lang}]: {text}")
    for term in concept.terms:
        flags = [term.status.value]
        if term.part_of_speech:
            flags.append(term.part_of_speech)
        if term.case_sensitive:
            flags.append("case-sensitive")
        if not term.inflect:
            flags.append("no inflection")
        if term.do_not_translate:
            flags.append("do not translate")
        line = f"  {term.lang:8} {term.text}  ({', '.join(flags)})"
        if term.variants:
            line += f"  variants: {', '.join(term.variants)}"
        typer.echo(line)
        for label, value in (("usage", term.usage_note), ("note", term.note)):
            if value:
                typer.echo(f"             {label}: {value}")


@glossary_app.command("list")
@handle_errors
def list_command(
    glossary: GlossaryOption = None,
    subject: Annotated[
        str | None, typer.Option(help="Only concepts under this subject (prefix match).")
    ] = None,
    lang: Annotated[
        str | None, typer.Option(help="Only concepts with a term in this language.")
    ] = None,
    json_out: JsonOption = False,
) -> None:
    """List concepts with their preferred terms.

    Example: tm glossary list --subject breast-cancer --lang es
    """
    concepts = service.list_concepts(glossary, subject=subject, lang=lang)
    if json_out:
        print_json([service.concept_as_dict(c) for c in concepts])
        return
    table = Table("id", "subject", "preferred terms")
    for concept in concepts:
        shown: dict[str, str] = {}
        for term in concept.terms:
            if term.status is TermStatus.PREFERRED and (not lang or term.lang.startswith(lang)):
                shown.setdefault(term.lang, term.text)
        table.add_row(
            concept.id, concept.subject or "", "; ".join(f"{k}: {v}" for k, v in shown.items())
        )
    console.print(table)
    typer.echo(f"{len(concepts)} concept(s)")


@glossary_app.command("show")
@handle_errors
def show_command(
    concept_id: Annotated[str, typer.Argument(help="Concept id.")],
    glossary: GlossaryOption = None,
    json_out: JsonOption = False,
) -> None:
    """Show one concept: subject, definitions, notes and every term with its status.

    Example: tm glossary show her2-positive --json
    """
    concept = service.get_concept(glossary, concept_id)
    if json_out:
        print_json(service.concept_as_dict(concept))
    else:
        _print_concept(concept)


@glossary_app.command("search")
@handle_errors
def search_command(
    query: Annotated[str, typer.Argument(help="Text to look for (any inflected form).")],
    lang: Annotated[str | None, typer.Option(help="Only terms in this language.")] = None,
    glossary: GlossaryOption = None,
    json_out: JsonOption = False,
) -> None:
    """Find concepts by term: exact, inflected (`lymph nodes`) or part of a term.

    Example: tm glossary search "ganglios linfáticos" --lang es
    """
    results = service.search_terms(glossary, query, lang=lang)
    if json_out:
        print_json([r.as_dict() for r in results])
        return
    for result in results:
        typer.echo(
            f"{result.concept.id:30} {result.term.lang:8} {result.term.text}  "
            f"({result.term.status.value}, {result.how})"
        )
    if not results:
        typer.echo("no match")


@glossary_app.command("stats")
@handle_errors
def stats_command(glossary: GlossaryOption = None, json_out: JsonOption = False) -> None:
    """Concept and term counts per glossary and language, by status.

    Example: tm glossary stats --json
    """
    stats = service.glossary_stats(glossary)
    if json_out:
        print_json(stats)
        return
    for item in stats:
        console.print(
            f"[bold]{item['name']}[/] ({item['path']}): {item['concepts']} concepts, "
            f"{item['terms']} terms, priority {item['priority']}",
            highlight=False,
        )
        table = Table("lang", "concepts", "terms", *(s.value for s in TermStatus))
        for lang, counts in item["languages"].items():
            table.add_row(
                lang,
                *(str(counts[k]) for k in ("concepts", "terms", *(s.value for s in TermStatus))),
            )
        console.print(table)


@glossary_app.command("add")
@handle_errors
def add_command(
    concept_id: Annotated[str, typer.Argument(help="New concept id ([a-z][a-z0-9._-]*).")],
    term: Annotated[
        list[str], typer.Option("--term", "-t", help="Preferred term as LANG=TEXT; repeat.")
    ],
    subject: Annotated[
        str | None, typer.Option(help="Subject, e.g. breast-cancer/surgery.")
    ] = None,
    source: Annotated[str | None, typer.Option(help="Reference the concept comes from.")] = None,
    definition: Annotated[
        list[str] | None, typer.Option(help="Definition as LANG=TEXT; repeat.")
    ] = None,
    glossary: EditGlossaryOption = None,
    json_out: JsonOption = False,
) -> None:
    """Add a concept to a glossary file (appended as a new [[concept]] block).

    Example: tm glossary add sentinel-node -t en="sentinel lymph node" -t es="ganglio centinela"
    """
    concept = service.add_concept(
        glossary,
        concept_id,
        terms=term,
        subject=subject,
        source=source,
        definitions=definition or [],
    )
    if json_out:
        print_json(service.concept_as_dict(concept))
    else:
        typer.echo(f"added {concept.id} to {concept.glossary}")


@glossary_app.command("edit")
@handle_errors
def edit_command(
    concept_id: Annotated[str, typer.Argument(help="Concept id.")],
    subject: Annotated[str | None, typer.Option(help="New subject ('' clears it).")] = None,
    source: Annotated[str | None, typer.Option(help="New source ('' clears it).")] = None,
    nested: Annotated[
        bool | None, typer.Option("--nested/--no-nested", help="Report inside longer terms too.")
    ] = None,
    definition: Annotated[
        list[str] | None, typer.Option(help="Set a definition: LANG=TEXT.")
    ] = None,
    note: Annotated[list[str] | None, typer.Option(help="Set a concept note: LANG=TEXT.")] = None,
    term: Annotated[
        str | None,
        typer.Option(
            "--term", "-t", help="The term the term options apply to, LANG=TEXT (added if new)."
        ),
    ] = None,
    status: Annotated[
        str | None, typer.Option(help="Term status: preferred, admitted, deprecated, forbidden.")
    ] = None,
    pos: Annotated[
        str | None, typer.Option(help="Term part of speech (noun, verb, adjective ...).")
    ] = None,
    case_sensitive: Annotated[
        bool | None,
        typer.Option("--case-sensitive/--case-insensitive", help="Match the term with case."),
    ] = None,
    dnt: Annotated[
        bool | None, typer.Option("--dnt/--no-dnt", help="Do not translate the term.")
    ] = None,
    inflect: Annotated[
        bool | None, typer.Option("--inflect/--no-inflect", help="Recognise inflected forms.")
    ] = None,
    usage: Annotated[str | None, typer.Option(help="Term usage note.")] = None,
    term_note: Annotated[
        str | None, typer.Option(help="Term note (why it is forbidden ...).")
    ] = None,
    variant: Annotated[
        list[str] | None, typer.Option(help="Replace the term's variants; repeat.")
    ] = None,
    remove_term: Annotated[list[str] | None, typer.Option(help="Remove a term: LANG=TEXT.")] = None,
    glossary: EditGlossaryOption = None,
    json_out: JsonOption = False,
) -> None:
    """Change a concept in its glossary file; only that concept's block is rewritten.

    Example: tm glossary edit tamoxifen -t es=tamoxifeno --usage "INN; lower case"
    """
    term_options = [status, pos, case_sensitive, dnt, inflect, usage, term_note, variant]
    edits: list[service.TermEdit] = []
    if term is not None:
        lang, text = service.parse_lang_text(term)
        edits.append(
            service.TermEdit(
                lang=lang,
                text=text,
                status=_status(status),
                pos=pos,
                case_sensitive=case_sensitive,
                dnt=dnt,
                inflect=inflect,
                usage=usage,
                note=term_note,
                variants=variant,
            )
        )
    elif any(o is not None for o in term_options):
        raise UsageError("term options need --term LANG=TEXT to say which term")
    concept = service.edit_concept(
        glossary,
        concept_id,
        subject=subject,
        source=source,
        nested=nested,
        definitions=definition or [],
        notes=note or [],
        term_edits=edits,
        remove_terms=remove_term or [],
    )
    if json_out:
        print_json(service.concept_as_dict(concept))
    else:
        typer.echo(f"updated {concept.id}")


def _status_command(status: TermStatus, verb: str) -> Callable[..., None]:
    def command(
        concept_id: Annotated[str, typer.Argument(help="Concept id.")],
        term: Annotated[str, typer.Argument(help="The term as LANG=TEXT (added if new).")],
        note: Annotated[
            str | None, typer.Option(help="Why (shown to translators and in checks).")
        ] = None,
        glossary: EditGlossaryOption = None,
        json_out: JsonOption = False,
    ) -> None:
        concept = service.set_term_status(glossary, concept_id, term, status, note=note)
        if json_out:
            print_json(service.concept_as_dict(concept))
        else:
            typer.echo(f"{verb} {term} in {concept.id}")

    return handle_errors(command)


glossary_app.command(
    "deprecate",
    help="Mark a term deprecated (added to the concept if new): `tm check` suggests the "
    "preferred term instead.\n\nExample: tm glossary deprecate tumour en=neoplasm",
)(_status_command(TermStatus.DEPRECATED, "deprecated"))
glossary_app.command(
    "forbid",
    help="Mark a term forbidden (added to the concept if new): `tm check` reports it as an "
    "error.\n\nExample: tm glossary forbid tamoxifen en=mosaic --note 'MT error in seed 000'",
)(_status_command(TermStatus.FORBIDDEN, "forbade"))


@glossary_app.command("import")
@handle_errors
def import_command(
    file: Annotated[Path, typer.Argument(help="TBX (v3 or 2008), CSV or TOML file.")],
    into: Annotated[
        str | None,
        typer.Option(
            help="Target glossary (name or .toml path); merged if it exists. "
            "Default: glossaries/NAME.toml with the file's name."
        ),
    ] = None,
    format: Annotated[
        str | None, typer.Option("--format", help="tbx, csv or toml (default: by extension).")
    ] = None,
    name: Annotated[str | None, typer.Option(help="Glossary name for a new file.")] = None,
    priority: Annotated[
        int | None, typer.Option(help="Priority for a new file (client: 200).")
    ] = None,
    json_out: JsonOption = False,
) -> None:
    """Import a TBX or CSV glossary into a TOML glossary file.

    Concepts with an id already in the target are replaced; new ones are appended.

    Example: tm glossary import client.tbx --into client --priority 200
    """
    summary = service.import_glossary(file, into=into, fmt=format, name=name, priority=priority)
    if json_out:
        print_json(summary.as_dict())
        return
    verb = "created" if summary.created else "updated"
    typer.echo(
        f"{verb} {summary.path}: {summary.added} concept(s) added, {summary.replaced} replaced, "
        f"{summary.terms} term(s) read"
    )


@glossary_app.command("export")
@handle_errors
def export_command(
    output: Annotated[
        str, typer.Option("--output", "-o", help="Output file, or - for stdout.")
    ] = "-",
    format: Annotated[
        str, typer.Option("--format", help="tbx (v3, TBX-Basic), tbx2008 (MARTIF), csv or toml.")
    ] = "tbx",
    glossary: GlossaryOption = None,
    json_out: JsonOption = False,
) -> None:
    """Export glossaries (merged when several) as TBX v3, TBX 2008, CSV or TOML.

    Example: tm glossary export -g oncology --format tbx2008 -o oncology.tbx
    """
    if format not in service.EXPORT_FORMATS:
        raise UsageError(f"unknown format {format!r} (use {', '.join(service.EXPORT_FORMATS)})")
    if output == "-":
        exported = service.export_glossary(glossary, sys.stdout.buffer, fmt=format)
        sys.stdout.flush()
    else:
        with open(output, "wb") as fileobj:
            exported = service.export_glossary(glossary, fileobj, fmt=format)
    if output != "-":
        summary = {
            "path": output,
            "format": format,
            "concepts": len(exported.concepts),
            "terms": sum(len(c.terms) for c in exported.concepts),
        }
        if json_out:
            print_json(summary)
        else:
            typer.echo(
                f"wrote {summary['concepts']} concept(s), {summary['terms']} term(s) to {output}"
            )


@glossary_app.command("validate")
@handle_errors
def validate_command(
    glossaries: Annotated[
        list[str] | None, typer.Argument(help="Glossary names or files (default: all shipped).")
    ] = None,
    strict: Annotated[bool, typer.Option(help="Warnings fail too.")] = False,
    json_out: JsonOption = False,
    quiet: QuietOption = False,
) -> None:
    """Check glossary files: conflicting statuses, duplicates, missing languages, bad tags.

    Exit 1 when there are errors (or warnings with --strict).

    Example: tm glossary validate glossaries/oncology.toml --strict
    """
    with progress_bar("validating", quiet=quiet) as progress:
        report = service.validate_glossaries(glossaries, strict=strict, progress=progress)
    if json_out:
        print_json(report.as_dict())
    else:
        for finding in report.findings:
            typer.echo(str(finding))
        for path, checked, findings in report.files:
            errors = sum(f.severity == "error" for f in findings)
            typer.echo(
                f"{path}: {len(checked.concepts)} concepts, "
                f"{sum(len(c.terms) for c in checked.concepts)} terms, "
                f"{errors} error(s), {len(findings) - errors} warning(s)"
            )
    if report.failed:
        raise typer.Exit(1)


@glossary_app.command("diff")
@handle_errors
def diff_command(
    old: Annotated[str, typer.Argument(help="Old glossary (name or file, any format).")],
    new: Annotated[str, typer.Argument(help="New glossary (name or file, any format).")],
    json_out: JsonOption = False,
) -> None:
    """Show concepts added, removed and changed (terms, statuses, definitions).

    Exit 1 when the glossaries differ, like diff(1).

    Example: tm glossary diff old/oncology.toml glossaries/oncology.toml
    """
    changes = service.diff_glossary_files(old, new)
    if json_out:
        print_json([c.as_dict() for c in changes])
    else:
        marks = {"added": "+", "removed": "-", "changed": "~"}
        for change in changes:
            typer.echo(f"{marks[change.kind]} {change.concept_id}")
            for detail in change.details:
                typer.echo(f"    {detail}")
        if not changes:
            typer.echo("no differences")
    if changes:
        raise typer.Exit(1)


@handle_errors
def terms_command(
    text: Annotated[str, typer.Argument(help="Text to scan (use - to read stdin).")],
    lang: Annotated[str, typer.Option("--lang", "-l", help="Language of the text.")],
    to: Annotated[
        str | None, typer.Option("--to", help="Show approved translations in this language.")
    ] = None,
    glossary: GlossaryOption = None,
    all_hits: Annotated[
        bool, typer.Option("--all", help="Also terms inside longer terms (no longest-match).")
    ] = False,
    json_out: JsonOption = False,
) -> None:
    """Find glossary concepts in a text, with their approved translations.

    Example: tm terms "Fernmetastasen und Lymphknoten" --lang de --to en
    """
    if text == "-":
        text = sys.stdin.read()
    results = service.find_terms_in_text(
        text, lang, to_lang=to, specs=glossary, longest=not all_hits
    )
    if json_out:
        print_json([r.as_dict() for r in results])
        return
    for result in results:
        hit = result.hit
        line = f"{hit.start}-{hit.end}  {hit.text!r}  {hit.concept_id}"
        line += f" [{hit.term}, {hit.status.value}]"
        if to:
            approved = ", ".join(
                t.text + (" (dnt)" if t.do_not_translate else "") for t in result.targets
            )
            line += f"  -> {approved or '(no approved term)'}"
            if result.forbidden_targets:
                line += "  not: " + ", ".join(t.text for t in result.forbidden_targets)
        typer.echo(line)
    if not results:
        typer.echo("no glossary terms found")


def register(app: typer.Typer) -> None:
    """Add `tm glossary ...` and `tm terms` to the `tm` app."""
    app.add_typer(glossary_app, name="glossary")
    app.command("terms")(terms_command)

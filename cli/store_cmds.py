"""Store commands: `tm db`, `tm import`, `tm export`, `tm concordance`, `tm stats`, `tm memory`."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated, Literal

import typer
from rich.table import Table
from rich.text import Text

from cli.common import (
    DbOption,
    JsonOption,
    MemoryOption,
    QuietOption,
    console,
    handle_errors,
    print_json,
    progress_bar,
)
from tm.errors import UsageError
from tm.models import Status
from tm.services import memory as memory_service
from tm.store import open_store, resolve_url
from tm.store.engine import Store

db_app = typer.Typer(help="Database set-up: migrations and location.", no_args_is_help=True)
memory_app = typer.Typer(
    help="Named memories (e.g. `oncology`, `general`): list, create, rename, delete.\n\n"
    "Example: tm memory create oncology --description 'Corrected breast cancer pairs'",
    no_args_is_help=True,
)


def _status(value: str | None) -> Status | None:
    if value is None:
        return None
    try:
        return Status.parse(value)
    except ValueError as err:
        raise UsageError(str(err)) from err


@db_app.command("upgrade")
@handle_errors
def db_upgrade(db: DbOption = None) -> None:
    """Create or migrate the database schema to the latest version.

    Commands that use the database also do this on first use.

    Example: tm db upgrade --db postgresql://postgres@127.0.0.1/tm
    """
    store = open_store(db, migrate=False)
    before = store.current_revision()
    store.upgrade()
    after = store.current_revision()
    console.print(f"database {resolve_url(db)}: schema {before or 'empty'} -> {after}")


@db_app.command("path")
@handle_errors
def db_path(db: DbOption = None) -> None:
    """Print the database URL in use (the default is a per-user SQLite file).

    Example: tm db path
    """
    typer.echo(resolve_url(db))


def import_command(
    files: Annotated[
        list[Path], typer.Argument(help="TMX, PO/POT, XLIFF 1.2/2.x, CSV or TSV files.")
    ],
    memory: Annotated[
        str, typer.Option("--memory", "-m", help="Memory to import into (created if missing).")
    ] = memory_service.DEFAULT_MEMORY,
    source_lang: Annotated[
        str | None,
        typer.Option(
            "--source-lang", "--from", help="Source language when the file does not say (PO)."
        ),
    ] = None,
    target_lang: Annotated[
        str | None,
        typer.Option(
            "--target-lang", "--to", help="Target language when the file does not say (PO)."
        ),
    ] = None,
    status: Annotated[
        str | None,
        typer.Option(
            help="Override the review status: draft, translated, reviewed or corrected "
            "(use corrected for a reviewed bilingual file coming back from a translator)."
        ),
    ] = None,
    fuzzy: Annotated[
        str, typer.Option(help="PO `#, fuzzy` entries: import as 'draft' or 'skip' them.")
    ] = "draft",
    format: Annotated[
        str | None, typer.Option("--format", help="Force a format instead of detecting it.")
    ] = None,
    db: DbOption = None,
    json_out: JsonOption = False,
    quiet: QuietOption = False,
) -> None:
    """Import translation units into a memory; all files in one transaction.

    A broken file leaves the database exactly as it was. Importing the same pair twice
    adds nothing; a different translation of a stored source is kept as an alternative.

    Example: tm import examples/oncology-sample.tmx --memory oncology
    """
    if fuzzy not in ("draft", "skip"):
        raise UsageError("--fuzzy must be 'draft' or 'skip'")
    fuzzy_mode: Literal["draft", "skip"] = "skip" if fuzzy == "skip" else "draft"
    store = open_store(db)
    with progress_bar("importing", quiet=quiet) as progress:
        report = memory_service.import_files(
            store,
            files,
            memory=memory,
            format=format,
            source_lang=source_lang,
            target_lang=target_lang,
            status=_status(status),
            fuzzy=fuzzy_mode,
            progress=progress,
        )
    if json_out:
        print_json(report.to_dict())
        return
    if quiet:
        return
    for f in report.files:
        console.print(
            f"{f.path} ({f.format}): {f.read} read, {f.added} added, {f.merged} merged, "
            f"{f.skipped} duplicates skipped, {f.alternatives} alternative translations; "
            f"languages {', '.join(f.languages) or '-'}",
            highlight=False,
        )
    rate = f" ({report.read / report.seconds:,.0f} units/s)" if report.seconds > 0 else ""
    console.print(
        f"memory {report.memory!r}: {report.added} units added in {report.seconds:.2f} s{rate}",
        highlight=False,
    )


def export_command(
    out: Annotated[Path, typer.Argument(help="Output file; the format follows the extension.")],
    format: Annotated[
        str | None,
        typer.Option(
            help="tmx, po, xliff (1.2), xliff2, csv or tsv (default: from the extension)."
        ),
    ] = None,
    memory: MemoryOption = None,
    source_lang: Annotated[
        str | None, typer.Option("--source-lang", "--from", help="Source language.")
    ] = None,
    target_lang: Annotated[
        str | None, typer.Option("--target-lang", "--to", help="Target language.")
    ] = None,
    db: DbOption = None,
    json_out: JsonOption = False,
    quiet: QuietOption = False,
) -> None:
    """Export a memory (or all) to TMX 1.4b, PO, XLIFF 1.2/2.0, CSV or TSV.

    TMX and CSV keep every language unless a pair is given; PO and XLIFF need one.

    Example: tm export oncology-en-es.po --memory oncology --from en --to es
    """
    store = open_store(db)
    with progress_bar("exporting", quiet=quiet) as progress:
        report = memory_service.export_memory(
            store,
            out,
            format=format,
            memory=memory,
            source_lang=source_lang,
            target_lang=target_lang,
            progress=progress,
        )
    if json_out:
        print_json(report.to_dict())
    elif not quiet:
        console.print(
            f"wrote {report.units} units to {report.path} ({report.format}) "
            f"in {report.seconds:.2f} s",
            highlight=False,
        )


def concordance_command(
    text: Annotated[str, typer.Argument(help="Text to search for.")],
    lang: Annotated[str, typer.Option("--lang", "-l", help="Language of the text searched.")],
    to: Annotated[
        list[str] | None, typer.Option("--to", help="Show only these target languages.")
    ] = None,
    words: Annotated[
        bool,
        typer.Option(
            "--words", help="Match every word as a whole word, in any order (default: substring)."
        ),
    ] = False,
    case_sensitive: Annotated[bool, typer.Option("--case-sensitive", help="Match case.")] = False,
    limit: Annotated[int, typer.Option(help="Most results to show.")] = 20,
    memory: MemoryOption = None,
    db: DbOption = None,
    json_out: JsonOption = False,
) -> None:
    """Search stored segments for a word or phrase and show them with their translations.

    Example: tm concordance "lymph node" --lang en --to es --to de
    """
    store = open_store(db)
    hits = memory_service.concordance(
        store,
        text,
        lang=lang,
        memory=memory,
        target_langs=to,
        words=words,
        case_sensitive=case_sensitive,
        limit=limit,
    )
    if json_out:
        print_json({"query": text, "lang": lang, "hits": [h.to_dict() for h in hits]})
        return
    if not hits:
        console.print(f"no segment in {lang} contains {text!r}", highlight=False)
        raise typer.Exit(1)
    for hit in hits:
        line = Text(f"[{hit.memory} #{hit.unit_id} {hit.status}] ", style="dim")
        pos = 0
        body = Text()
        for start, end in hit.spans:
            if start < pos:
                continue
            body.append(hit.text[pos:start])
            body.append(hit.text[start:end], style="bold yellow")
            pos = end
        body.append(hit.text[pos:])
        console.print(line + body)
        for tlang, ttext in hit.translations.items():
            console.print(Text(f"    {tlang}: ", style="cyan") + Text(ttext))


def stats_command(db: DbOption = None, json_out: JsonOption = False) -> None:
    """Units, languages, language pairs and memories in the database.

    Example: tm stats --json
    """
    store = open_store(db)
    data = memory_service.stats(store)
    if json_out:
        print_json(data)
        return
    console.print(f"database: {data['database']}", highlight=False)
    if data["database_bytes"] is not None:
        console.print(f"size: {data['database_bytes'] / 1e6:.1f} MB")
    console.print(f"units: {data['units']}  variants: {data['variants']}")
    console.print("statuses: " + ", ".join(f"{k} {v}" for k, v in sorted(data["statuses"].items())))
    table = Table("language", "segments")
    for lang, n in data["languages"].items():
        table.add_row(lang, str(n))
    console.print(table)
    pairs = Table("pair", "units")
    for p in data["pairs"]:
        pairs.add_row(" <-> ".join(p["languages"]), str(p["units"]))
    console.print(pairs)
    _print_memories(data["memories"])


def _print_memories(memories: list[dict[str, object]]) -> None:
    table = Table("memory", "units", "languages", "description")
    for m in memories:
        langs = m["languages"]
        assert isinstance(langs, dict)
        table.add_row(
            str(m["name"]), str(m["units"]), ", ".join(langs), str(m["description"] or "")
        )
    console.print(table)


@memory_app.command("list")
@handle_errors
def memory_list(db: DbOption = None, json_out: JsonOption = False) -> None:
    """List memories with their unit counts and languages.

    Example: tm memory list --json
    """
    memories = [m.to_dict() for m in memory_service.list_memories(open_store(db))]
    if json_out:
        print_json(memories)
    else:
        _print_memories(memories)


@memory_app.command("create")
@handle_errors
def memory_create(
    name: Annotated[str, typer.Argument(help="Name of the new memory.")],
    description: Annotated[str | None, typer.Option(help="What the memory holds.")] = None,
    db: DbOption = None,
    json_out: JsonOption = False,
) -> None:
    """Create an empty named memory.

    Example: tm memory create oncology --description "Corrected oncology pairs"
    """
    info = memory_service.create_memory(open_store(db), name, description=description)
    if json_out:
        print_json(info.to_dict())
    else:
        console.print(f"created memory {info.name!r}", highlight=False)


@memory_app.command("rename")
@handle_errors
def memory_rename(
    old: Annotated[str, typer.Argument(help="Current name.")],
    new: Annotated[str, typer.Argument(help="New name.")],
    db: DbOption = None,
) -> None:
    """Rename a memory.

    Example: tm memory rename default oncology
    """
    memory_service.rename_memory(open_store(db), old, new)
    console.print(f"renamed {old!r} to {new!r}", highlight=False)


@memory_app.command("delete")
@handle_errors
def memory_delete(
    name: Annotated[str, typer.Argument(help="Memory to delete with all its units.")],
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")] = False,
    db: DbOption = None,
    json_out: JsonOption = False,
) -> None:
    """Delete a memory and every unit in it.

    Example: tm memory delete scratch --yes
    """
    store: Store = open_store(db)
    if not yes:
        typer.confirm(f"Delete memory {name!r} and all its units?", abort=True)
    started = time.perf_counter()
    count = memory_service.delete_memory(store, name)
    if json_out:
        print_json({"deleted": name, "units": count})
    else:
        console.print(
            f"deleted memory {name!r} ({count} units) in {time.perf_counter() - started:.2f} s",
            highlight=False,
        )


def register(app: typer.Typer) -> None:
    """Add this module's commands to the `tm` app."""
    app.add_typer(db_app, name="db")
    app.add_typer(memory_app, name="memory")
    app.command("import")(handle_errors(import_command))
    app.command("export")(handle_errors(export_command))
    app.command("concordance")(handle_errors(concordance_command))
    app.command("stats")(handle_errors(stats_command))

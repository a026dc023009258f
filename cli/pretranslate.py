"""`tm pretranslate` and `tm build-target`: a translator's job in, the target article out."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

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
from tm.pretranslate.report import render_text
from tm.services import pretranslate as service
from tm.store import open_store


@handle_errors
def pretranslate_command(
    inputs: Annotated[
        list[Path],
        typer.Argument(
            help="Articles or folders: plain text, Markdown, HTML, PO/POT, XLIFF 1.2/2.x."
        ),
    ],
    source_lang: Annotated[str, typer.Option("--from", help="Source language (BCP 47).")],
    target_lang: Annotated[str, typer.Option("--to", help="Target language (BCP 47).")],
    memory: MemoryOption = None,
    min_score: Annotated[
        int,
        typer.Option(help="Lowest score whose match is applied as the target (0-100)."),
    ] = 75,
    format: Annotated[
        str, typer.Option("--format", help="Bilingual output: xliff2 (2.1), xliff12 or po.")
    ] = "xliff2",
    out: Annotated[
        Path | None,
        typer.Option(
            help="Output file (one input) or folder. Default: INPUT.<to>.xlf beside a single "
            "input, ./pretranslated-<to>/ for several."
        ),
    ] = None,
    report: Annotated[
        Path | None,
        typer.Option(help="Write the analysis report: .html (a page), .json, or text."),
    ] = None,
    srx: Annotated[
        Path | None, typer.Option(help="SRX 2.0 segmentation rules instead of the built-in ones.")
    ] = None,
    glossary: Annotated[
        list[str] | None,
        typer.Option(
            "--glossary",
            "-g",
            help="Glossary name or file whose terms to attach (repeatable; default: every "
            "shipped glossary).",
        ),
    ] = None,
    no_glossary: Annotated[
        bool, typer.Option("--no-glossary", help="Attach no glossary terms.")
    ] = False,
    analysis_floor: Annotated[
        int,
        typer.Option(
            help="Lowest score looked up for the report (50 fills the 50-74 band; set it to "
            "--min-score for a faster run without that band)."
        ),
    ] = 50,
    mt_fill: Annotated[
        str,
        typer.Option(help="Unmatched segments: 'none' (empty target) or 'source' (copy it)."),
    ] = "none",
    input_format: Annotated[
        str | None,
        typer.Option("--input-format", help="Force the document format (text, markdown, ...)."),
    ] = None,
    encoding: Annotated[
        str | None, typer.Option(help="Input encoding (default: detected; BOM honoured).")
    ] = None,
    db: DbOption = None,
    json_out: JsonOption = False,
    quiet: QuietOption = False,
) -> None:
    """Pre-translate articles from the memory into bilingual files, with an analysis.

    Every segment is looked up; the best match at or above --min-score fills the target (in-context and 100% ready to confirm, fuzzy ones to review), repetitions are propagated, glossary terms are attached. The analysis counts segments, words and characters per match band, as CAT tools do.

    Example: tm pretranslate article.en.txt --from en --to es --memory oncology --report analysis.html
    """  # noqa: E501  (Typer shows docstring lines as they are: one line per paragraph)
    store = open_store(db)
    with progress_bar("pre-translating", quiet=quiet or json_out) as progress:
        result = service.pretranslate(
            store,
            inputs,
            source_lang=source_lang,
            target_lang=target_lang,
            memory=memory,
            min_score=min_score,
            format=format,
            out=out,
            report=report,
            input_format=input_format,
            encoding=encoding,
            srx=srx,
            glossary=glossary or None,
            use_glossary=not no_glossary,
            mt_fill=mt_fill,
            analysis_floor=analysis_floor,
            progress=progress,
        )
    if json_out:
        print_json(result.to_dict())
        return
    if not quiet:
        typer.echo(render_text(result.analysis), nl=False)
        typer.echo("")
    for path in result.outputs:
        console.print(f"wrote {path}", highlight=False)
    if result.report_path:
        console.print(f"report {result.report_path}", highlight=False)


@handle_errors
def build_target_command(
    bilingual: Annotated[
        Path, typer.Argument(help="Translated bilingual file written by `tm pretranslate`.")
    ],
    out: Annotated[
        Path,
        typer.Argument(help="Target article (a folder when the file holds several documents)."),
    ],
    json_out: JsonOption = False,
    quiet: QuietOption = False,
) -> None:
    """Rebuild the target-language article in its original format from a bilingual file.

    Segments without a translation keep their source text (and are counted).

    Example: tm build-target article.en.txt.es.xlf article.es.txt
    """
    result = service.build_target(bilingual, out)
    if json_out:
        print_json(result.to_dict())
        return
    for path in result.outputs:
        console.print(f"wrote {path}", highlight=False)
    if result.untranslated and not quiet:
        console.print(
            f"{result.untranslated} segment(s) had no translation and kept the source text",
            highlight=False,
        )


def register(app: typer.Typer) -> None:
    """Add `tm pretranslate` and `tm build-target` to the `tm` app."""
    app.command("pretranslate")(pretranslate_command)
    app.command("build-target")(build_target_command)

"""`tm lookup` (ranked fuzzy matches with a coloured diff) and `tm index rebuild`."""

from __future__ import annotations

from typing import Annotated

import typer
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
from tm.match import DEFAULT_BANDS, Bands, LookupContext, Match
from tm.models import display_text
from tm.services import lookup as lookup_service
from tm.store import open_store

index_app = typer.Typer(
    help="The fuzzy-match candidate index (kept up to date by imports; rebuild to recover).\n\n"
    "Example: tm index rebuild",
    no_args_is_help=True,
)

# How the diff shows a match source against the query: struck-out red for words only in
# the match, green for words the query has instead.
_DIFF_STYLES = {"equal": "", "delete": "red strike", "insert": "bold green"}


def _bands(spec: str | None) -> Bands:
    if not spec:
        return DEFAULT_BANDS
    try:
        return Bands.parse(spec)
    except ValueError as err:
        raise UsageError(str(err)) from err


# Without colour (a pipe, NO_COLOR) the diff is written the way wdiff does it.
_DIFF_MARKS = {"equal": ("", ""), "delete": ("[-", "-]"), "insert": ("{+", "+}")}


def render_match(rank: int, match: Match, *, color: bool = True) -> Text:
    """One match as people read it: score, band, kind, diffed source, target, provenance."""
    out = Text()
    score_style = (
        "bold green" if match.score >= 100 else "bold yellow" if match.score >= 85 else "bold"
    )
    out.append(f"{rank}. ", style="dim")
    out.append(f"{match.score:>3}", style=score_style)
    out.append(f"  {match.band:<8} {match.kind}", style="cyan")
    if match.penalties:
        out.append("  (" + ", ".join(f"{n} -{p}" for n, p in match.penalties) + ")", style="dim")
    out.append("\n   source: ")
    for op, piece in match.diff:
        shown = display_text(piece, match.source_codes)
        if color:
            out.append(shown, style=_DIFF_STYLES.get(op, ""))
        else:
            before, after = _DIFF_MARKS.get(op, ("", ""))
            out.append(before + shown + after)
    out.append("\n   target: ")
    out.append(display_text(match.target_text, match.target_codes))
    facts = [
        f"memory {match.memory}" if match.memory else None,
        f"unit {match.unit_id}" if match.unit_id is not None else None,
        match.status,
        match.origin_file,
        f"changed {match.changed_at:%Y-%m-%d}" if match.changed_at else None,
        f"by {match.changed_by}" if match.changed_by else None,
        f"{match.alternatives} other translation(s)" if match.alternatives else None,
    ]
    out.append("\n   " + " · ".join(f for f in facts if f), style="dim")
    return out


def lookup_command(
    text: Annotated[str, typer.Argument(help="The segment to find matches for.")],
    source_lang: Annotated[str, typer.Option("--from", help="Language of TEXT (BCP 47).")],
    target_lang: Annotated[str, typer.Option("--to", help="Language of the translations.")],
    memory: MemoryOption = None,
    min_score: Annotated[
        int, typer.Option("--min-score", help="Lowest score shown (0-101).", envvar="TM_MIN_SCORE")
    ] = 75,
    limit: Annotated[int, typer.Option("--limit", "-n", help="Most matches shown.")] = 5,
    context_key: Annotated[
        str | None,
        typer.Option("--context", help="Context key (PO msgctxt, XLIFF id) for 101 matches."),
    ] = None,
    prev_text: Annotated[
        str | None, typer.Option("--prev", help="Previous segment of the document.")
    ] = None,
    next_text: Annotated[
        str | None, typer.Option("--next", help="Next segment of the document.")
    ] = None,
    bands: Annotated[
        str | None,
        typer.Option(
            help="Band lower bounds, comma-separated (default 101,100,95,85,75,50).",
            envvar="TM_BANDS",
        ),
    ] = None,
    db: DbOption = None,
    json_out: JsonOption = False,
) -> None:
    """Find translation-memory matches for a segment, best first, with a word diff.

    Scores: 101 in-context, 100 exact, 99 and below fuzzy (word edits; characters
    for Chinese, Japanese, Thai), minus named penalties.

    Matches that differ only in numbers or placeholders are adapted to the query.

    Example: tm lookup 'Take 20 mg daily.' --from en --to es --memory oncology
    """
    band_spec = _bands(bands)
    context = None
    if context_key is not None or prev_text is not None or next_text is not None:
        context = LookupContext(prev_text, next_text, context_key)
    store = open_store(db)
    matches = lookup_service.lookup(
        store,
        text,
        source_lang=source_lang,
        target_lang=target_lang,
        memory=memory,
        min_score=min_score,
        limit=limit,
        context=context,
        bands=band_spec,
    )
    if json_out:
        print_json({"query": text, "matches": [m.to_dict() for m in matches]})
        return
    if not matches:
        console.print(f"no match scoring {min_score} or more", style="dim")
        return
    for rank, match in enumerate(matches, 1):
        color = console.is_terminal and not console.no_color
        console.print(render_match(rank, match, color=color), highlight=False)


@index_app.command("rebuild")
@handle_errors
def index_rebuild(
    db: DbOption = None, json_out: JsonOption = False, quiet: QuietOption = False
) -> None:
    """Recompute the fuzzy-match index from every stored segment, in one transaction.

    Needed only to recover (a database edited by hand, a tokenizer upgrade); imports
    and edits keep the index current.

    Example: tm index rebuild --db tm.sqlite3
    """
    store = open_store(db)
    with progress_bar("rebuilding the index", quiet=quiet) as progress:
        stats = lookup_service.rebuild_index(store, progress=progress)
    if json_out:
        print_json(stats.to_dict())
        return
    console.print(
        f"indexed {stats.variants:,} segments ({stats.postings:,} postings, "
        f"{stats.tokens:,} distinct tokens) in {stats.seconds:.1f} s"
    )


def register(app: typer.Typer) -> None:
    """Add this module's commands to the `tm` app."""
    app.command("lookup")(handle_errors(lookup_command))
    app.add_typer(index_app, name="index")

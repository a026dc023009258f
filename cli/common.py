"""What every command shares: the database option, output modes, progress and errors.

One place turns domain errors into messages and exit codes (0 success, 1 findings or
failure, 2 usage or input error), so commands stay a few lines each.
"""

from __future__ import annotations

import functools
import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Annotated, Any, TypeVar

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from tm.errors import TMError

F = TypeVar("F", bound=Callable[..., Any])

DbOption = Annotated[
    str | None,
    typer.Option(
        "--db",
        envvar="TM_DATABASE_URL",
        help="Database URL (sqlite:///path, postgresql://user@host/db) or an SQLite file path. "
        "Default: a per-user SQLite file (see `tm db path`).",
        show_envvar=True,
    ),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print machine-readable JSON.")]
QuietOption = Annotated[
    bool, typer.Option("--quiet", "-q", help="No progress bar or chatter; errors only.")
]
MemoryOption = Annotated[
    str | None, typer.Option("--memory", "-m", help="Named memory (default: all, or 'default').")
]

console = Console()
err_console = Console(stderr=True)


def handle_errors(func: F) -> F:
    """Turn TMError into a one-line message on stderr and its exit code."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except TMError as err:
            err_console.print(f"[bold red]error:[/] {err}", highlight=False, markup=True)
            raise typer.Exit(err.exit_code) from err
        except KeyboardInterrupt:
            err_console.print("interrupted; nothing was committed")
            raise typer.Exit(130) from None

    return wrapper  # type: ignore[return-value]


def print_json(data: Any) -> None:
    """JSON on stdout, UTF-8, stable key order for diffs in scripts."""
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n")


def progress_enabled(quiet: bool) -> bool:
    """Progress bars only for a person at a terminal: quiet when piped or asked."""
    return not quiet and sys.stderr.isatty()


ProgressCallback = Callable[[int, int | None, str], None]


@contextmanager
def progress_bar(description: str, *, quiet: bool) -> Iterator[ProgressCallback]:
    """Yield a callback `(done, total, label)` the library reports progress through."""
    if not progress_enabled(quiet):
        yield lambda done, total, label: None
        return
    with Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        console=err_console,
        transient=True,
    ) as progress:
        task = progress.add_task(description, total=None)

        def update(done: int, total: int | None, label: str) -> None:
            progress.update(task, completed=done, total=total, description=label or description)

        yield update

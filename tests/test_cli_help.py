"""Every command explains itself: help text with an example, and `--json` where it reports."""

from __future__ import annotations

from typing import Any

import pytest
import typer.main
from typer.testing import CliRunner

from cli.main import app

runner = CliRunner()


def _walk(group: Any, prefix: tuple[str, ...] = ()) -> list[tuple[tuple[str, ...], Any]]:
    """Every command and sub-command path, read from the app's command tree."""
    found = []
    for name, cmd in sorted(getattr(group, "commands", {}).items()):
        path = (*prefix, name)
        found.append((path, cmd))
        found.extend(_walk(cmd, path))
    return found


COMMANDS = _walk(typer.main.get_command(app))


@pytest.mark.parametrize("path,cmd", COMMANDS, ids=[" ".join(p) for p, _ in COMMANDS])
def test_every_command_has_help_with_an_example(path: tuple[str, ...], cmd: Any) -> None:
    result = runner.invoke(app, [*path, "--help"])
    assert result.exit_code == 0, result.output
    assert (cmd.help or "").strip(), f"`tm {' '.join(path)}` has no help text"
    if not getattr(cmd, "commands", None):
        assert "Example" in (cmd.help or ""), f"`tm {' '.join(path)}` help has no example"


def test_the_foundation_commands_exist() -> None:
    names = {" ".join(p) for p, _ in COMMANDS}
    assert {
        "db upgrade",
        "import",
        "export",
        "concordance",
        "stats",
        "memory list",
        "memory create",
        "memory delete",
        "memory rename",
    } <= names

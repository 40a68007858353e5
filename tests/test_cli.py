"""The command line: every command has help and is documented in the README."""

from __future__ import annotations

import click
import pytest
from click.testing import CliRunner

from triggermap import __version__
from triggermap.cli import main

from .conftest import ROOT


def all_commands(group: click.Group, prefix: str = "triggermap") -> list[tuple[str, click.Command]]:
    found = []
    for name, command in group.commands.items():
        path = f"{prefix} {name}"
        found.append((path, command))
        if isinstance(command, click.Group):
            found.extend(all_commands(command, path))
    return found


COMMANDS = all_commands(main)


@pytest.mark.parametrize(("path", "command"), COMMANDS, ids=[p for p, _ in COMMANDS])
def test_every_command_has_help_and_is_in_the_readme(path: str, command: click.Command):
    assert (command.help or "").strip(), f"{path} has no help text"
    args = [*path.split()[1:], "--help"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    assert f"`{path}" in (ROOT / "README.md").read_text(), f"{path} is not documented in README.md"


def test_version():
    result = CliRunner().invoke(main, ["--version"])
    assert result.exit_code == 0
    assert __version__ in result.output


def test_render_refuses_an_unknown_muscle_with_a_message(tmp_path):
    result = CliRunner().invoke(
        main,
        [
            "render",
            "--view",
            "anterior",
            "--highlight",
            "no_such_muscle",
            "-o",
            str(tmp_path / "x.png"),
        ],
    )
    assert result.exit_code != 0
    assert "no_such_muscle" in result.output
    assert "Traceback" not in result.output

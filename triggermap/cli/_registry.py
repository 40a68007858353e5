"""The list of command modules of the CLI package, and adding their commands to the main group."""

from __future__ import annotations

import importlib

import click

#: Modules of this package whose `COMMANDS` (a list of click commands) join the main group.
COMMAND_MODULES: tuple[str, ...] = ("patients", "exports", "audit", "encryption", "study")


def add_all(main: click.Group) -> None:
    """Add every listed module's commands to `main`."""
    for name in COMMAND_MODULES:
        module = importlib.import_module(f"triggermap.cli.{name}")
        for command in module.COMMANDS:
            main.add_command(command)

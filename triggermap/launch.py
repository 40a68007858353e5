"""The `triggermap` program's entry point: the application at once, or the command line.

Started with no arguments (how a desktop launcher starts it) the application opens without
loading the command line's library and commands, which would add a fifth to its start-up;
with any argument the click command line takes over.
"""

from __future__ import annotations

import sys


def main() -> None:
    """Run the application (no arguments) or the command line (any argument)."""
    if len(sys.argv) == 1:
        from triggermap.ui.app import run_application

        sys.exit(run_application(None))
    from triggermap.cli import main as command_line

    command_line()

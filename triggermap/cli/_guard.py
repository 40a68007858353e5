"""The command line's last defence: an unexpected error ends a command with one sentence and an
entry in the error log (services.error_log), never with a traceback on the user's screen.

A traceback is no use to a clinician and may show patient data (a ValueError's message can quote
a stored date or name); the log keeps what a developer needs and nothing that identifies anyone.
"""

from __future__ import annotations

import errno
from pathlib import Path
from typing import Any, NoReturn

import click

#: Exit status after an unexpected error: EX_SOFTWARE of sysexits.h ("internal software
#: error"), apart from click's 1 (a refusal, click.ClickException) and 2 (a usage error).
UNEXPECTED_ERROR_EXIT = 70

# click's own ways of ending a command: click reports them exactly as it always has (an
# EOFError at a prompt is click's "Aborted!")
_CLICK_ENDINGS = (click.ClickException, click.exceptions.Abort, click.exceptions.Exit, EOFError)


class GuardedGroup(click.Group):
    """A click group that ends any unexpected exception of its commands with one sentence on
    stderr, the details in the error log, and exit status UNEXPECTED_ERROR_EXIT.

    Groups made with `@group.group()` are GuardedGroups too, so the sentence names the command
    that failed ("patients list"); a plain group added below is still covered by the one above.
    """

    group_class = type  # click: subgroups are made with this group's own class

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except _CLICK_ENDINGS:
            raise
        except OSError as error:
            if error.errno == errno.EPIPE:
                raise  # a closed pipe (`| head`): click's main() ends quietly, as before
            _end_unexpected(ctx, error)
        except Exception as error:
            _end_unexpected(ctx, error)


def _end_unexpected(ctx: click.Context, error: Exception) -> NoReturn:
    # imported here: only a failing run pays for them
    from triggermap.services.data_dir import user_data_dir
    from triggermap.services.error_log import record_unexpected_error

    command = _command_name(ctx)
    chosen = ctx.find_root().obj
    data_dir = chosen if isinstance(chosen, Path) else user_data_dir(None)
    try:
        log = record_unexpected_error(data_dir, error, command or "triggermap")
    except Exception:  # the log is a courtesy: a second failure must not show either
        details = "its details could not be written to the error log"
    else:
        details = f"details are in {log}"
    what = f"finish `{command}`" if command else "finish"
    click.echo(f"triggermap could not {what}: an unexpected error; {details}.", err=True)
    raise click.exceptions.Exit(UNEXPECTED_ERROR_EXIT) from None


def _command_name(ctx: click.Context) -> str:
    """The failing command as typed after the program's name ("patients list"), or "" when the
    program itself (no command) failed. Command names only: never an argument."""
    names = []
    current: click.Context | None = ctx
    while current is not None and current.parent is not None:
        names.append(current.info_name or "")
        current = current.parent
    names.reverse()
    if ctx.invoked_subcommand:
        names.append(ctx.invoked_subcommand)
    return " ".join(name for name in names if name)

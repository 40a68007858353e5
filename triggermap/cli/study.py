"""The `study` command: open the learning mode, where students practise referral patterns."""

from __future__ import annotations

import click

from triggermap.geometry.errors import AtlasError
from triggermap.services.context import AppContext
from triggermap.storage.errors import CatalogueUnavailable


@click.command()
def study() -> None:
    """Open the learning mode: practise referral patterns with spaced repetition.

    Progress is kept per learner in study.db in the data directory (see --data-dir),
    apart from patient records.
    """
    # imported here: triggermap.cli imports this module while it is being set up
    from triggermap.cli import chosen_data_dir
    from triggermap.ui.display_check import missing_display_reason

    reason = missing_display_reason()
    if reason:
        click.echo(reason, err=True)
        raise SystemExit(2)
    context = AppContext.default(chosen_data_dir(click.get_current_context()))
    try:
        context.atlas  # noqa: B018
        context.catalogue  # noqa: B018
    except (AtlasError, CatalogueUnavailable) as error:
        raise click.ClickException(str(error)) from error
    from triggermap.ui.study import run_study_window

    raise SystemExit(run_study_window(context))


COMMANDS = [study]

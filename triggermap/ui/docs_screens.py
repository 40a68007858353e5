"""Every screenshot under docs/screens/, from one call (the `triggermap screens` command)."""

from __future__ import annotations

import tempfile
from dataclasses import replace
from pathlib import Path

from triggermap.services.context import AppContext
from triggermap.ui.explorer_screens import save_explorer_screens
from triggermap.ui.render import headless_application


def save_all_screens(context: AppContext, directory: Path) -> list[Path]:
    """Write the explorer, learning-mode and patient screenshots; returns the files written.

    Learning and patient screens run against a temporary data directory, so a user's own
    progress and patient records are never read or changed.
    """
    headless_application()
    from triggermap.ui.patients.screens import save_patient_screens
    from triggermap.ui.study.screens import save_study_screens

    written = save_explorer_screens(context, directory)
    with tempfile.TemporaryDirectory(prefix="triggermap-screens-") as scratch:
        private = replace(context, data_dir=Path(scratch))
        written += save_study_screens(private, directory)
        written += save_patient_screens(private, directory)
    return written

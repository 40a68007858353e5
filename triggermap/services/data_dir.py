"""Where a user's own data lives: patient records and study progress, never in the checkout."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

#: Environment variable that overrides the data directory (tests and portable set-ups use it).
DATA_DIR_VARIABLE = "TRIGGERMAP_DATA_DIR"


def user_data_dir(chosen: Path | None = None) -> Path:
    """The data directory: `chosen` (the --data-dir option) if given, else $TRIGGERMAP_DATA_DIR,
    else the platform's per-user data directory. Not created here."""
    if chosen is not None:
        return Path(chosen).expanduser()
    from_environment = os.environ.get(DATA_DIR_VARIABLE, "").strip()
    if from_environment:
        return Path(from_environment).expanduser()
    return Path(platformdirs.user_data_dir("triggermap", appauthor=False))

"""Every benchmark runs in directories of its own: the user's data, layout and caches are
never read or written (TRIGGERMAP_DATA_DIR, XDG_CONFIG_HOME, XDG_CACHE_HOME point into a
temporary directory that is removed at exit, and child processes inherit them)."""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from pathlib import Path


def use_own_directories() -> Path:
    """Point the data, config and cache directories of this process and its children into a
    fresh temporary directory; returns it."""
    root = Path(tempfile.mkdtemp(prefix="triggermap-bench-home-"))
    atexit.register(shutil.rmtree, root, ignore_errors=True)
    for variable, name in (
        ("TRIGGERMAP_DATA_DIR", "data"),
        ("XDG_CONFIG_HOME", "config"),
        ("XDG_CACHE_HOME", "cache"),
    ):
        (root / name).mkdir()
        os.environ[variable] = str(root / name)
    return root

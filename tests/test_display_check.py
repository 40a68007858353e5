"""Without a screen the application says so in one sentence instead of a Qt stack trace."""

from __future__ import annotations

import os
import subprocess
import sys

from triggermap.ui import display_check
from triggermap.ui.display_check import missing_display_reason


def test_no_display_gives_one_clear_sentence():
    reason = missing_display_reason({"PATH": os.environ.get("PATH", "")})
    if not sys.platform.startswith("linux"):
        assert reason is None
        return
    assert reason is not None
    assert "needs a graphical display" in reason
    assert reason.count("\n") == 0


def test_a_missing_x11_library_is_named_by_its_package(monkeypatch):
    if not sys.platform.startswith("linux"):
        return
    monkeypatch.setattr(
        display_check,
        "XCB_LIBRARIES",
        {"libc.so.6": "libc6", "libtriggermap-no-such-library.so.0": "libno-such-package0"},
    )
    assert display_check.missing_xcb_packages() == ["libno-such-package0"]
    reason = missing_display_reason({"DISPLAY": ":0"})
    assert reason is not None
    assert reason.endswith("sudo apt-get install libno-such-package0")


def test_an_explicit_platform_is_trusted():
    assert missing_display_reason({"QT_QPA_PLATFORM": "offscreen"}) is None


def test_the_program_exits_cleanly_without_a_display():
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")
    }
    result = subprocess.run(
        [sys.executable, "-m", "triggermap"], env=env, capture_output=True, text=True, timeout=120
    )
    if not sys.platform.startswith("linux"):
        return
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert "needs a graphical display" in lines[0]

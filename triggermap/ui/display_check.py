"""Before Qt starts: is there a screen to show a window on? One clear sentence if not."""

from __future__ import annotations

import os
import sys

#: Libraries Qt's X11 (xcb) platform plugin loads, with the Debian package that provides each.
XCB_LIBRARIES = {
    "libxcb-icccm.so.4": "libxcb-icccm4",
    "libxcb-keysyms.so.1": "libxcb-keysyms1",
    "libxcb-image.so.0": "libxcb-image0",
    "libxcb-render-util.so.0": "libxcb-render-util0",
    "libxcb-xkb.so.1": "libxcb-xkb1",
    "libxkbcommon-x11.so.0": "libxkbcommon-x11-0",
    "libxcb-cursor.so.0": "libxcb-cursor0",
}


def missing_display_reason(environment: dict[str, str] | None = None) -> str | None:
    """Why a window cannot be shown here, in one sentence, or None if it can."""
    env = dict(os.environ if environment is None else environment)
    platform = env.get("QT_QPA_PLATFORM", "")
    if platform or not sys.platform.startswith("linux"):
        return None
    if not env.get("DISPLAY") and not env.get("WAYLAND_DISPLAY"):
        return (
            "triggermap needs a graphical display and none was found: start it from a desktop "
            "session (or over ssh -X), or use the headless commands such as "
            "`triggermap render` (see `triggermap --help`)."
        )
    if not env.get("WAYLAND_DISPLAY"):
        missing = missing_xcb_packages()
        if missing:
            return (
                "triggermap cannot open a window because Qt's X11 libraries are missing; "
                f"install them with: sudo apt-get install {' '.join(missing)}"
            )
    return None


def missing_xcb_packages() -> list[str]:
    """Debian packages of the X11 libraries Qt needs that the system lacks (Linux only).

    Each library is loaded the way Qt's plugin will load it (the dynamic loader, honouring
    LD_LIBRARY_PATH), which takes microseconds; asking `ldconfig -p` instead cost a process
    on every start. A library found here is one Qt loads a moment later anyway.
    """
    import ctypes  # only where a display is about to be used

    missing = []
    for library, package in XCB_LIBRARIES.items():
        try:
            ctypes.CDLL(library)
        except OSError:
            missing.append(package)
    return missing

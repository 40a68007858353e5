"""The official ICD-10-CM list: is a typed code a real, billable code, and what is its name.

The list is CMS's tabular list as the simple-icd-10-cm package ships it (the April 2026
release with version 1.5; MIT licence). Loading it takes about 1.5 s, so it is loaded once,
on first use, and the visit editor starts that in the background as soon as a visit can be
edited (`load_in_background`), long before a code is typed.
"""

from __future__ import annotations

import threading
from types import ModuleType

#: The release of the list the package ships (named in refusals, so a user knows which).
RELEASE = "ICD-10-CM April 2026"

_loaded: ModuleType | None = None
_lock = threading.Lock()


def _official_list() -> ModuleType:
    global _loaded
    with _lock:
        if _loaded is None:
            import simple_icd_10_cm

            _loaded = simple_icd_10_cm
        return _loaded


def load_in_background() -> None:
    """Start loading the list in a daemon thread (returns at once; harmless when loaded)."""
    if _loaded is None:
        threading.Thread(target=_official_list, name="icd10cm-load", daemon=True).start()


def normalised(code: str) -> str:
    """A code as the list writes it: upper case, the dot after the third character
    ("m7918" → "M79.18")."""
    code = code.strip().upper()
    if len(code) > 3 and "." not in code:
        code = f"{code[:3]}.{code[3:]}"
    return code


def code_problem(code: str) -> str | None:
    """One sentence when `code` is not a billable ICD-10-CM code (None when it is): not in
    the list at all, or a category that has more specific codes under it."""
    listed = _official_list()
    code = normalised(code)
    if not listed.is_valid_item(code):
        return f"{code} is not in {RELEASE}; check the code."
    if not listed.is_leaf(code):
        children = listed.get_children(code)
        shown = ", ".join(children[:4]) + (" …" if len(children) > 4 else "")
        return f"{code} is a category, not a billable code: choose one under it ({shown})."
    return None


def official_name(code: str) -> str | None:
    """The list's name of a billable code (None when it is not one)."""
    if code_problem(code) is not None:
        return None
    return str(_official_list().get_description(normalised(code)))

"""Where the program's own files are: the body views (SVG) and the built catalogue.

In a source checkout they sit at the repository's top level; in an installed package they are
shipped under triggermap/_shipped/ (setup.py copies them there when the wheel is built).
"""

from __future__ import annotations

from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
_CHECKOUT = PACKAGE_DIR.parent
_SHIPPED = PACKAGE_DIR / "_shipped"

#: The body views every installation has, in the order the program offers them.
VIEW_NAMES = ("anterior", "posterior", "lateral", "head", "hand", "foot", "pelvis")
#: Each view's name on screen and on paper, in the clinic's words.
VIEW_TITLES = {
    "anterior": "Front",
    "posterior": "Back",
    "lateral": "Right side",
    "head": "Head and neck",
    "hand": "Hands",
    "foot": "Feet",
    "pelvis": "Pelvic floor",
}
#: The map's choices that show several views side by side: choice name → its views.
COMBINED_VIEWS = {"front_back": ("anterior", "posterior")}
#: The order of the View menu, whose n-th entry has the key Ctrl+n: a view added later goes at
#: the end, so the keys a therapist has learnt stay as they were.
VIEW_MENU_ORDER = (
    "anterior",
    "posterior",
    "lateral",
    "head",
    "hand",
    "foot",
    "front_back",
    "pelvis",
)
#: Which side of the picture shows the patient's right, per view ("left" = the viewer's left).
#: Views with their own captions (hand, foot, head) or one side only (lateral) label themselves.
PATIENT_RIGHT_ON = {"anterior": "left", "posterior": "right"}


def _in_checkout() -> bool:
    return (_CHECKOUT / "pyproject.toml").is_file() and (_CHECKOUT / "assets" / "svg").is_dir()


def svg_dir() -> Path:
    """The folder holding <view>.svg for every body view."""
    return (_CHECKOUT if _in_checkout() else _SHIPPED) / "assets" / "svg"


def geometry_dir() -> Path:
    """The geometry of every body view, precomputed from the SVGs by `triggermap atlas build`
    (so that the first start after install does not parse every path)."""
    return (_CHECKOUT if _in_checkout() else _SHIPPED) / "assets" / "geometry"


def catalogue_db() -> Path:
    """The built catalogue, data/points.db (read-only at run time)."""
    return (_CHECKOUT if _in_checkout() else _SHIPPED) / "data" / "points.db"


def icon_file() -> Path:
    """The program's icon (SVG), for its windows and the desktop menu."""
    return (_CHECKOUT if _in_checkout() else _SHIPPED) / "assets" / "icons" / "triggermap.svg"


def catalogue_sources_dir() -> Path:
    """The human-edited catalogue sources (only in a source checkout)."""
    return _CHECKOUT / "data" / "catalogue"


def atlas_sources_dir() -> Path:
    """The hand-drawn atlas sources (only in a source checkout)."""
    return _CHECKOUT / "atlas" / "src"

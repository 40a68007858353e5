"""Shared fixtures: paths of the checkout, and a small atlas view built from a test source."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from triggermap.geometry.atlas import BodyView, view_from_document
from triggermap.geometry.atlas_build import BuiltView, build_view_file
from triggermap.geometry.svg_import import parse_svg

# Qt tests run offscreen unless the caller chose a platform (e.g. xcb under Xvfb)
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture(scope="session")
def mini_built() -> BuiltView:
    """The mini test figure built exactly as the shipped views are."""
    return build_view_file(FIXTURES / "mini_source.svg")


@pytest.fixture(scope="session")
def mini_view(mini_built: BuiltView) -> BodyView:
    """The mini test figure as geometry."""
    return view_from_document("mini", parse_svg(mini_built.svg_text.encode(), "mini.svg"))

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


@pytest.fixture(autouse=True)
def private_data_dir(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch):
    """Every test gets its own empty data directory, so no test reads or writes a real user's
    patient records or study progress."""
    directory = tmp_path_factory.mktemp("user-data")
    monkeypatch.setenv("TRIGGERMAP_DATA_DIR", str(directory))
    return directory

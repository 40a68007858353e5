"""Qt test fixtures: an application context over the mini test figure."""

from __future__ import annotations

from pathlib import Path

import pytest

from triggermap.catalogue.toml_sources import read_catalogue_sources
from triggermap.geometry.atlas import Atlas, BodyView
from triggermap.services.context import AppContext

from ..conftest import FIXTURES


@pytest.fixture
def mini_context(mini_built, mini_view: BodyView, tmp_path: Path) -> AppContext:
    (tmp_path / "mini.svg").write_text(mini_built.svg_text)
    return AppContext(
        svg_dir=tmp_path,
        catalogue_path=tmp_path / "points.db",
        cache_dir=None,
        _atlas=Atlas({"mini": mini_view}),
        _catalogue=read_catalogue_sources(FIXTURES / "catalogue")[0],
    )

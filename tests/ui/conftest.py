"""Qt test fixtures: an application context over the mini test figure."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from triggermap.catalogue.toml_sources import read_catalogue_sources
from triggermap.geometry.atlas import Atlas, BodyView
from triggermap.services.atlas_views import zone_views
from triggermap.services.context import AppContext
from triggermap.storage.catalogue_build import build_catalogue_db

from ..conftest import FIXTURES


@pytest.fixture(scope="session")
def shipped_context(tmp_path_factory) -> AppContext:
    """The shipped catalogue and atlas, loaded once for the whole run (each test gets its own
    data directory through `context`)."""
    context = AppContext.default(tmp_path_factory.mktemp("unused"))
    context.catalogue  # noqa: B018 - loaded here, not in the first test that needs it
    context.atlas  # noqa: B018
    return context


@pytest.fixture
def context(shipped_context: AppContext, tmp_path: Path) -> AppContext:
    """The shipped program with a data directory of the test's own."""
    return dataclasses.replace(shipped_context, data_dir=tmp_path / "records")


@pytest.fixture
def mini_context(mini_built, mini_view: BodyView, tmp_path: Path) -> AppContext:
    (tmp_path / "mini.svg").write_text(mini_built.svg_text)
    catalogue = read_catalogue_sources(FIXTURES / "catalogue")[0]
    build_catalogue_db(catalogue, zone_views(Atlas({"mini": mini_view})), tmp_path / "points.db")
    return AppContext(
        svg_dir=tmp_path,
        catalogue_path=tmp_path / "points.db",
        cache_dir=None,
        _atlas=Atlas({"mini": mini_view}),
        _catalogue=catalogue,
    )


@pytest.fixture(autouse=True)
def no_unexpected_modal_dialogs(monkeypatch: pytest.MonkeyPatch) -> None:
    """A modal message box waits for a click that never comes offscreen, and the test run
    would hang; fail the test instead. Tests that expect a message box patch it themselves."""
    from PySide6.QtWidgets import QMessageBox

    def refuse(*args, **kwargs):
        texts = [str(a) for a in args if isinstance(a, str)]
        raise AssertionError(f"unexpected modal message box: {texts}")

    for name in ("critical", "warning", "information", "question"):
        monkeypatch.setattr(QMessageBox, name, staticmethod(refuse))


@pytest.fixture
def shipped_window(qtbot, tmp_path: Path):
    """The main window over the shipped atlas and catalogue at 1400 × 900, shown and
    exposed; its geometry cache lives in tmp_path."""
    from triggermap.ui.main_window import MainWindow

    context = AppContext.default()
    context.cache_dir = tmp_path / "cache"
    window = MainWindow(context)
    qtbot.addWidget(window)
    window.resize(1400, 900)
    window.show()
    qtbot.waitExposed(window)
    return window
